// What `kubectl kustomize DIR` gives for the kustomizations in deploy/webhook,
// without kubectl (there is none here): the objects of every entry of
// `resources` (a file, or a directory holding a kustomization of its own),
// depth first in the order listed, then sorted as kustomize sorts its output
// by default ("legacy" order: Namespace, ... PriorityClass, ..., Deployment,
// ..., the other kinds, then MutatingWebhookConfiguration last; its
// api/internal/builtins/SortOrderTransformer.go). kubectl apply -k applies
// them in that order.
//
// Only what these kustomizations use is understood: a kustomization with any
// other field (patches, namespace, labels, generators, ...) is refused rather
// than rendered wrong, as are a file outside the kustomization's directory
// (kustomize's default load restrictor) and two objects with the same kind,
// namespace and name.
//
//   node kustomize.mjs DIR    prints the objects as a YAML stream
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseAllDocuments, stringify } from "yaml";

const orderFirst = ["Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition",
  "ServiceAccount", "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding",
  "ConfigMap", "Secret", "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume",
  "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget"];
const orderLast = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];
const kustomizationNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

function rank(kind) {
  const first = orderFirst.indexOf(kind);
  if (first >= 0) return first - orderFirst.length;
  const last = orderLast.indexOf(kind);
  return last >= 0 ? 1 + last : 0;
}

function gvkString(o) {
  const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["", o.apiVersion];
  return [group || "~G", version || "~V", o.kind || "~K"].join("_");
}

function idString(o) {
  return [gvkString(o), o.metadata.namespace || "~X", o.metadata.name || "~N"].join("|");
}

export function kustomizationFile(dir) {
  const found = kustomizationNames.map((n) => path.join(dir, n)).filter((f) => fs.existsSync(f));
  if (found.length !== 1) throw new Error(`${dir}: ${found.length ? "more than one" : "no"} kustomization file`);
  return found[0];
}

// The objects of one kustomization, unsorted, each with the file it came from.
function collect(dir, seen) {
  const file = kustomizationFile(dir);
  const docs = parseAllDocuments(fs.readFileSync(file, "utf8"));
  if (docs.length !== 1 || docs[0].errors.length) throw new Error(`${file}: not one YAML document`);
  const k = docs[0].toJS();
  if (k.apiVersion !== "kustomize.config.k8s.io/v1beta1" || k.kind !== "Kustomization")
    throw new Error(`${file}: not a kustomize.config.k8s.io/v1beta1 Kustomization`);
  for (const key of Object.keys(k))
    if (!["apiVersion", "kind", "resources"].includes(key))
      throw new Error(`${file}: ${key}: not rendered by this test's kustomize (only resources)`);
  const out = [];
  for (const entry of k.resources || []) {
    const target = path.resolve(dir, entry);
    if (!fs.existsSync(target)) throw new Error(`${file}: ${entry}: no such file or directory`);
    if (fs.statSync(target).isDirectory()) {
      out.push(...collect(target, seen));
      continue;
    }
    if (path.relative(dir, target).startsWith(".."))
      throw new Error(`${file}: ${entry}: outside the kustomization's directory (kustomize refuses it)`);
    for (const doc of parseAllDocuments(fs.readFileSync(target, "utf8"))) {
      if (doc.errors.length) throw new Error(`${target}: ${doc.errors[0].message}`);
      const o = doc.toJS();
      if (o === null) continue;
      if (!o.apiVersion || !o.kind || !o.metadata || !o.metadata.name)
        throw new Error(`${target}: an object without apiVersion, kind or metadata.name`);
      const id = idString(o);
      if (seen.has(id)) throw new Error(`${target}: ${o.kind} ${o.metadata.name} twice`);
      seen.add(id);
      Object.defineProperty(o, "sourceFile", { value: target, enumerable: false });
      out.push(o);
    }
  }
  return out;
}

// The objects `kubectl kustomize dir` prints, in its order.
export function render(dir) {
  const objects = collect(path.resolve(dir), new Set());
  return objects.sort((a, b) => {
    if (gvkString(a) !== gvkString(b)) {
      const ra = rank(a.kind), rb = rank(b.kind);
      if (ra !== rb) return ra - rb;
      return gvkString(a) < gvkString(b) ? -1 : 1;
    }
    return idString(a) < idString(b) ? -1 : idString(a) > idString(b) ? 1 : 0;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    console.log(render(process.argv[2]).map((o) => stringify(o)).join("---\n").trimEnd());
  } catch (e) {
    console.error(`kustomize: ${e.message}`);
    process.exit(1);
  }
}
