// Validates deploy/webhook/*.yaml against Kubernetes' schemas (kubernetes-
// models) and checks what issue 9 asks of them; prints one line per file.
import fs from "node:fs";
import { parseAllDocuments } from "yaml";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { Service } from "kubernetes-models/v1/Service";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { MutatingWebhookConfiguration } from "kubernetes-models/admissionregistration.k8s.io/v1/MutatingWebhookConfiguration";

const models = { Namespace, ServiceAccount, Service, Deployment, PodDisruptionBudget, MutatingWebhookConfiguration };
const dir = new URL("../../deploy/webhook/", import.meta.url);
const kinds = {};
const fail = (m) => { console.error(`manifests: ${m}`); process.exit(1); };
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")) {
  for (const doc of parseAllDocuments(fs.readFileSync(new URL(f, dir), "utf8"))) {
    const o = doc.toJS();
    kinds[o.kind] = o;
    if (models[o.kind]) new models[o.kind](o).validate();
    else if (!o.apiVersion.startsWith("cert-manager.io/")) fail(`${f}: unexpected kind ${o.kind}`);
    console.log(`${f}: ${o.kind} ${o.metadata.name} valid`);
  }
}
const d = kinds.Deployment, pod = d.spec.template.spec, c = pod.containers[0];
if (d.spec.replicas !== 2) fail("replicas");
if (!pod.securityContext.runAsNonRoot || !c.securityContext.readOnlyRootFilesystem ||
    c.securityContext.allowPrivilegeEscalation !== false || c.securityContext.capabilities.drop[0] !== "ALL")
  fail("the webhook's pod must be non-root, read-only, drop ALL");
if (!c.readinessProbe || !c.livenessProbe) fail("probes");
if (kinds.Service.spec.ports[0].port !== 443) fail("service port");
if (!kinds.PodDisruptionBudget) fail("PDB");
for (const w of kinds.MutatingWebhookConfiguration.webhooks) {
  if (w.failurePolicy !== "Fail" || w.sideEffects !== "None" || w.reinvocationPolicy !== "IfNeeded" ||
      JSON.stringify(w.admissionReviewVersions) !== '["v1"]' || !(w.timeoutSeconds <= 10))
    fail(`${w.name}: failurePolicy Fail, sideEffects None, IfNeeded, v1 only, a few seconds`);
  const ns = w.namespaceSelector.matchExpressions.find((e) => e.key === "kubernetes.io/metadata.name");
  if (!ns || ns.operator !== "NotIn" || !ns.values.includes("kube-system") || !ns.values.includes("strict-groups"))
    fail(`${w.name}: kube-system and the webhook's namespace are excluded`);
  if (!/^\/mutate\/(enforce|refuse|audit)$/.test(w.clientConfig.service.path)) fail(`${w.name}: path`);
}
console.log("manifests: ok");
