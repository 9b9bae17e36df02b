// Validates deploy/webhook/*.yaml against Kubernetes' schemas (kubernetes-
// models, unknown fields refused: schema.mjs) and checks what issue 9 asks
// of them; prints one line per object.
import fs from "node:fs";
import { parseAllDocuments } from "yaml";
import { known, validate } from "./schema.mjs";

const dir = new URL("../../deploy/webhook/", import.meta.url);
const kinds = {};
const fail = (m) => { console.error(`manifests: ${m}`); process.exit(1); };
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")) {
  const text = fs.readFileSync(new URL(f, dir), "utf8");
  // kubectl's and kustomize's YAML readers differ on anchors: none here
  if (/^[^#]*[:-]\s*[&*][\w-]+/m.test(text)) fail(`${f}: a YAML anchor or alias`);
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) fail(`${f}: ${doc.errors[0].message}`);
    const o = doc.toJS();
    kinds[o.kind] = o;
    if (known(o)) {
      try { validate(o); } catch (e) { fail(`${f}: ${o.kind} ${o.metadata.name}: ${e.message}`); }
      console.log(`${f}: ${o.kind} ${o.metadata.name} valid`);
    } else if (o.apiVersion.startsWith("cert-manager.io/")) {
      console.log(`${f}: ${o.kind} ${o.metadata.name} (cert-manager's: no schema here)`);
    } else {
      fail(`${f}: unexpected kind ${o.kind}`);
    }
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
  const ops = (res) => w.rules.filter((r) => r.resources.includes(res)).flatMap((r) => r.operations);
  if (!ops("pods").includes("CREATE") || !ops("pods").includes("UPDATE") || !ops("pods/ephemeralcontainers").includes("UPDATE"))
    fail(`${w.name}: CREATE and UPDATE of pods, UPDATE of pods/ephemeralcontainers`);
}
console.log("manifests: ok");
