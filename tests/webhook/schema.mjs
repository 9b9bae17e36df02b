// Kubernetes' OpenAPI schemas for the webhook's tests, from kubernetes-models:
// validate(obj) checks a Pod, Deployment, Service, ... as the API server's
// schema would, and also that every key is a field Kubernetes knows.
// kubernetes-models' own validate() lets unknown fields pass (as the API
// server's decoder drops them, a misspelt field in a patch or a manifest
// would silently do nothing). The field names and types come from the
// package's declarations of the same schemas (v1/Container.d.ts:
// `"args"?: Array<string>;`, its imports naming the files of nested types).
import fs from "node:fs";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Pod } from "kubernetes-models/v1/Pod";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { PriorityClass } from "kubernetes-models/scheduling.k8s.io/v1/PriorityClass";
import { MutatingWebhookConfiguration } from "kubernetes-models/admissionregistration.k8s.io/v1/MutatingWebhookConfiguration";

const modelsDir = new URL("./node_modules/kubernetes-models/", import.meta.url);

// apiVersion/kind -> the model and its declaration file
const models = {
  "v1/Namespace": [Namespace, "v1/Namespace.d.ts"],
  "v1/Pod": [Pod, "v1/Pod.d.ts"],
  "v1/Service": [Service, "v1/Service.d.ts"],
  "v1/ServiceAccount": [ServiceAccount, "v1/ServiceAccount.d.ts"],
  "apps/v1/Deployment": [Deployment, "apps/v1/Deployment.d.ts"],
  "policy/v1/PodDisruptionBudget": [PodDisruptionBudget, "policy/v1/PodDisruptionBudget.d.ts"],
  "rbac.authorization.k8s.io/v1/ClusterRole": [ClusterRole, "rbac.authorization.k8s.io/v1/ClusterRole.d.ts"],
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding":
    [ClusterRoleBinding, "rbac.authorization.k8s.io/v1/ClusterRoleBinding.d.ts"],
  "scheduling.k8s.io/v1/PriorityClass": [PriorityClass, "scheduling.k8s.io/v1/PriorityClass.d.ts"],
  "admissionregistration.k8s.io/v1/MutatingWebhookConfiguration":
    [MutatingWebhookConfiguration, "admissionregistration.k8s.io/v1/MutatingWebhookConfiguration.d.ts"],
};

const declCache = new Map();
function declarations(file) {
  if (declCache.has(file.href)) return declCache.get(file.href);
  const text = fs.readFileSync(file, "utf8");
  const imports = {};
  for (const m of text.matchAll(/import \{ (\w+) \} from "([^"]+)";/g)) {
    const spec = `${m[2].replace(/\.js$/, "")}.d.ts`;
    imports[m[1]] = spec.startsWith(".") ? new URL(spec, file) : new URL(`../${spec}`, modelsDir);
  }
  const body = text.slice(text.indexOf("export interface I"));
  const fields = {};
  for (const m of body.slice(0, body.indexOf("\n}")).matchAll(/^ {4}"?([\w$-]+)"?\??: (.+?);?$/gm)) fields[m[1]] = m[2];
  if (Object.keys(fields).length === 0) throw new Error(`${file.pathname}: no fields read (package layout changed?)`);
  const d = { imports, fields };
  declCache.set(file.href, d);
  return d;
}

function knownFields(obj, file, at) {
  if (obj === null || typeof obj !== "object") return;
  const { imports, fields } = declarations(file);
  for (const [k, v] of Object.entries(obj)) {
    if (!(k in fields)) throw new Error(`${at}/${k}: not a field of ${file.pathname.split("/").slice(-2).join("/")}`);
    const type = fields[k];
    if (type.startsWith("{")) continue; // a map: any key
    const ref = Object.keys(imports).find((name) => type === name || type === `Array<${name}>`);
    if (!ref) continue;
    for (const [i, item] of (Array.isArray(v) ? v : [v]).entries())
      knownFields(item, imports[ref], Array.isArray(v) ? `${at}/${k}/${i}` : `${at}/${k}`);
  }
}

// Whether validate() knows the object's kind.
export function known(obj) {
  return Boolean(models[`${obj.apiVersion}/${obj.kind}`]);
}

// Throws with the first problem; a Pod without apiVersion/kind is a Pod.
export function validate(obj) {
  const key = obj.apiVersion && obj.kind ? `${obj.apiVersion}/${obj.kind}` : "v1/Pod";
  if (!models[key]) throw new Error(`no schema here for ${key}`);
  const [Model, decl] = models[key];
  new Model(obj).validate();
  knownFields(obj, new URL(decl, modelsDir), "");
}
