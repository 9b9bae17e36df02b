// deploy/webhook as `kubectl kustomize` renders it (kustomize.mjs), checked
// object by object against Kubernetes' schemas (kubernetes-models, unknown
// fields refused: schema.mjs) and rule by rule against what issues 9 and 17
// ask of it; and the README's install steps checked against the rendered
// objects. Prints one line per check; the last line is "manifests: ok".
//
//   node manifests.mjs [DEPLOY_DIR [README]]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { known, validate } from "./schema.mjs";
import { render, kustomizationFile } from "./kustomize.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const deployDir = path.resolve(process.argv[2] || path.join(here, "../../deploy/webhook"));
const readmeFile = path.resolve(process.argv[3] || path.join(here, "../../README.md"));
const fail = (m) => { console.error(`manifests: ${m}`); process.exit(1); };
const ok = (m) => console.log(`ok: ${m}`);
const check = (cond, m) => { if (!cond) fail(m); ok(m); };

let all, parts;
try {
  all = render(deployDir);
  parts = Object.fromEntries(["server", "cert-manager", "configuration"].map((p) => [p, render(path.join(deployDir, p))]));
} catch (e) {
  fail(e.message);
}
const key = (o) => `${o.kind}/${o.metadata.namespace || ""}/${o.metadata.name}`;
const keys = (list) => list.map(key).sort();
const find = (list, kind, name) => list.filter((o) => o.kind === kind && (!name || o.metadata.name === name));
const one = (list, kind, name) => {
  const found = find(list, kind, name);
  if (found.length !== 1) fail(`expected one ${kind}${name ? ` ${name}` : ""}, found ${found.length}`);
  return found[0];
};

// ---- every object valid; the whole is the sum of its parts ----------------
for (const o of all) {
  const where = path.relative(deployDir, o.sourceFile);
  if (known(o)) {
    try { validate(o); } catch (e) { fail(`${where}: ${o.kind} ${o.metadata.name}: ${e.message}`); }
    ok(`${where}: ${o.kind} ${o.metadata.name} valid`);
  } else if (o.apiVersion === "cert-manager.io/v1") {
    ok(`${where}: ${o.kind} ${o.metadata.name} (cert-manager's: no schema here)`);
  } else {
    fail(`${where}: unexpected kind ${o.apiVersion} ${o.kind}`);
  }
}
check(JSON.stringify(keys(all)) === JSON.stringify(keys(Object.values(parts).flat())),
  "deploy/webhook renders exactly server/, cert-manager/ and configuration/");
// every manifest under deploy/webhook is in a kustomization
const listed = new Set(all.map((o) => o.sourceFile));
for (const dir of [deployDir, ...Object.keys(parts).map((p) => path.join(deployDir, p))])
  for (const f of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f)))
    if (f !== kustomizationFile(dir) && !listed.has(f)) fail(`${path.relative(deployDir, f)} is in no kustomization`);
ok("every manifest file is in a kustomization");
check(all.at(-1).kind === "MutatingWebhookConfiguration", "kubectl apply -k deploy/webhook creates the webhook configuration last");

// ---- the server --------------------------------------------------------------
const ns = one(parts.server, "Namespace");
const nsName = ns.metadata.name;
check(parts.server.every((o) => ["Namespace", "PriorityClass", "ClusterRole", "ClusterRoleBinding"].includes(o.kind) || o.metadata.namespace === nsName),
  `server/: every namespaced object is in ${nsName}`);
check(ns.metadata.labels["pod-security.kubernetes.io/enforce"] === "restricted", `${nsName}: Pod Security restricted`);
const d = one(parts.server, "Deployment"), pod = d.spec.template.spec, c = pod.containers[0];
const podLabels = d.spec.template.metadata.labels;
const matches = (sel, labels) => Object.entries(sel.matchLabels || {}).every(([k, v]) => labels[k] === v) &&
  (sel.matchExpressions || []).every((e) => expression(e, labels));
check(d.spec.replicas === 2, "two replicas");
check(matches(d.spec.selector, podLabels), "the Deployment's selector matches its pods");
check(pod.securityContext.runAsNonRoot && c.securityContext.readOnlyRootFilesystem &&
  c.securityContext.allowPrivilegeEscalation === false && c.securityContext.capabilities.drop[0] === "ALL",
  "the webhook's pod is non-root, read-only, drops ALL");
check(c.readinessProbe && c.livenessProbe, "probes");
const pdb = one(parts.server, "PodDisruptionBudget");
check(matches(pdb.spec.selector, podLabels) && pdb.spec.minAvailable === 1, "the PodDisruptionBudget keeps one replica");
const svc = one(parts.server, "Service");
check(svc.spec.ports[0].port === 443 && matches({ matchLabels: svc.spec.selector }, podLabels) &&
  c.ports.some((p) => p.name === svc.spec.ports[0].targetPort), "the Service sends port 443 to the pods' https port");
// priority: a class of its own (system-cluster-critical is admitted only in
// kube-system by some clusters' quota or admission rules)
const pc = one(parts.server, "PriorityClass", pod.priorityClassName);
check(!pod.priorityClassName.startsWith("system-") && pc.value > 0 && pc.value <= 1e9 && pc.globalDefault !== true,
  `priorityClassName ${pod.priorityClassName}: the PriorityClass shipped with it, 1..1e9, not the global default`);
// spread: at most one replica more on a node than on another, where nodes
// allow it; the constraint selects the Deployment's own pods
const spread = (pod.topologySpreadConstraints || []).find((t) => t.topologyKey === "kubernetes.io/hostname");
check(spread && spread.whenUnsatisfiable === "DoNotSchedule" && spread.maxSkew === 1 &&
  matches(spread.labelSelector, podLabels) && spread.nodeTaintsPolicy === "Honor",
  "replicas spread across nodes (hostname, DoNotSchedule, maxSkew 1, cordoned nodes not counted)");
const tls = pod.volumes.find((v) => v.name === c.volumeMounts.find((m) => m.mountPath === "/tls").name);
const tlsSecret = tls.secret.secretName;
// --mode is the mode of /mutate alone, which no entry calls: passed here it
// would look like a switch that does nothing (the label picks the mode)
check(!c.args.some((a) => a.startsWith("--mode")) &&
  !(c.env || []).some((e) => e.name === "STRICT_GROUPS_WEBHOOK_MODE"),
  "the Deployment passes no --mode (the namespace's label picks the mode)");
check(c.args.includes("--tls-cert=/tls/tls.crt") && c.args.includes("--tls-key=/tls/tls.key"),
  `the webhook reads its pair from the Secret ${tlsSecret} mounted at /tls`);

// ---- cert-manager: selfSigned Issuer -> CA Certificate -> CA Issuer -> serving
const cm = parts["cert-manager"];
check(cm.every((o) => o.metadata.namespace === nsName), `cert-manager/: in ${nsName}`);
const serving = find(cm, "Certificate").find((x) => x.spec.secretName === tlsSecret);
if (!serving) fail(`no Certificate writes the Secret ${tlsSecret}`);
const caIssuer = one(cm, "Issuer", serving.spec.issuerRef.name);
check(serving.spec.issuerRef.kind === "Issuer" && caIssuer.spec.ca && caIssuer.spec.ca.secretName,
  `the serving Certificate ${serving.metadata.name} is signed by a CA Issuer`);
const caCert = find(cm, "Certificate").find((x) => x.spec.secretName === caIssuer.spec.ca.secretName);
if (!caCert) fail(`no Certificate writes the CA Issuer's Secret ${caIssuer.spec.ca.secretName}`);
const root = one(cm, "Issuer", caCert.spec.issuerRef.name);
check(caCert.spec.isCA === true && root.spec.selfSigned && caCert.spec.privateKey.rotationPolicy === "Never",
  `the CA Certificate ${caCert.metadata.name}: isCA, from a selfSigned Issuer, keeps its key on renewal`);
const hours = (s) => { const m = /^(\d+)h$/.exec(s); if (!m) fail(`duration ${s}: write it in hours`); return Number(m[1]); };
check(hours(caCert.spec.duration) >= 10 * hours(serving.spec.duration) &&
  hours(serving.spec.renewBefore) < hours(serving.spec.duration),
  `the CA lives ten times longer than the serving certificate (${caCert.spec.duration} / ${serving.spec.duration}), which renews before it ends`);
const host = `${svc.metadata.name}.${nsName}.svc`;
check(serving.spec.dnsNames.includes(host), `the serving certificate names ${host}`);

// ---- the webhook configuration -----------------------------------------------
const mwc = one(parts.configuration, "MutatingWebhookConfiguration");
check(mwc.metadata.annotations["cert-manager.io/inject-ca-from"] === `${nsName}/${caCert.metadata.name}`,
  "cert-manager's CA injector copies the CA certificate's CA, not the serving certificate's");
for (const w of mwc.webhooks) {
  if (w.failurePolicy !== "Fail" || w.sideEffects !== "None" || w.reinvocationPolicy !== "IfNeeded" ||
      JSON.stringify(w.admissionReviewVersions) !== '["v1"]' || !(w.timeoutSeconds <= 10))
    fail(`${w.name}: failurePolicy Fail, sideEffects None, IfNeeded, v1 only, a few seconds`);
  const s = w.clientConfig.service;
  if (s.name !== svc.metadata.name || s.namespace !== nsName || s.port !== svc.spec.ports[0].port)
    fail(`${w.name}: calls the Service ${s.namespace}/${s.name}:${s.port}`);
  if (w.clientConfig.caBundle) fail(`${w.name}: a caBundle in the manifest (it is injected)`);
  const rules = JSON.stringify(w.rules.map((r) => [r.operations, r.resources]).sort());
  if (rules !== JSON.stringify([[["CONNECT"], ["pods/exec"]], [["CREATE", "UPDATE"], ["pods"]],
                                [["UPDATE"], ["pods/ephemeralcontainers"]]]))
    fail(`${w.name}: pods CREATE and UPDATE, pods/ephemeralcontainers UPDATE and pods/exec CONNECT, not ${rules}`);
  // kubectl exec and cp (issue 16): an objectSelector never matches a PodExecOptions
  if (w.objectSelector) fail(`${w.name}: an objectSelector never matches a PodExecOptions`);
}
ok("every entry: failurePolicy Fail, v1, the Service, no caBundle, pods, ephemeral containers and kubectl exec, no objectSelector");
// the pod of an exec review is read with get pods, nothing more
{
  const role = one(parts.server, "ClusterRole"), binding = one(parts.server, "ClusterRoleBinding");
  const sa = one(parts.server, "ServiceAccount");
  check(JSON.stringify(role.rules) === '[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]',
    `ClusterRole ${role.metadata.name}: get pods, nothing more`);
  check(binding.roleRef.name === role.metadata.name && binding.subjects.length === 1 &&
    binding.subjects[0].name === sa.metadata.name && binding.subjects[0].namespace === nsName &&
    pod.serviceAccountName === sa.metadata.name && pod.automountServiceAccountToken === true,
    "the Deployment's pod runs as the bound ServiceAccount, with its token");
}

// Label selectors as the API server evaluates them (metav1.LabelSelector).
function expression(e, labels) {
  const has = Object.hasOwn(labels, e.key);
  switch (e.operator) {
    case "In": return has && e.values.includes(labels[e.key]);
    case "NotIn": return !has || !e.values.includes(labels[e.key]);
    case "Exists": return has;
    case "DoesNotExist": return !has;
    default: fail(`unknown operator ${e.operator}`);
  }
}
// The namespaces' labels as the API server has them (kubernetes.io/metadata.name
// is set on every namespace), and the entry each must reach (none: null).
const served = (name, labels) => mwc.webhooks.filter((w) =>
  matches(w.namespaceSelector, { "kubernetes.io/metadata.name": name, ...labels }) &&
  (!w.objectSelector || matches(w.objectSelector, {})));
const cases = [
  ["default", {}, null, "an unlabelled namespace is not served (opt-in)"],
  ["team-a", { team: "a" }, null, "a namespace with other labels only is not served"],
  ["team-a", { "strict-groups/mode": "audit" }, "audit", "strict-groups/mode=audit: the audit entry only"],
  ["team-a", { "strict-groups/mode": "enforce" }, "enforce", "strict-groups/mode=enforce: the enforce entry only"],
  ["team-a", { "strict-groups/mode": "refuse" }, "refuse", "strict-groups/mode=refuse: the refuse entry only"],
  ["team-a", { "strict-groups/mode": "Enforce" }, null, "a misspelt mode is not served"],
  ["team-a", { "strict-groups/mode": "" }, null, "an empty mode is not served"],
  ["team-a", { "strict-groups/mode": "enforce", "strict-groups/exempt": "true" }, null, "strict-groups/exempt=true wins"],
  ["kube-system", { "strict-groups/mode": "enforce" }, null, "kube-system is never served, labelled or not"],
  [nsName, { "strict-groups/mode": "enforce" }, null, `${nsName} (the webhook's own) is never served, labelled or not`],
];
for (const [name, labels, mode, what] of cases) {
  const entries = served(name, labels);
  if (mode === null ? entries.length !== 0 : entries.length !== 1 || entries[0].clientConfig.service.path !== `/mutate/${mode}`)
    fail(`${what}: served by ${entries.map((w) => w.clientConfig.service.path).join(", ") || "none"}`);
  ok(what);
}

// ---- the README's install steps --------------------------------------------
// The numbered list after a line starting "With cert-manager" and after one
// starting "Without cert-manager", in the section on the webhook: each item's
// commands are its `code spans`.
const readme = fs.readFileSync(readmeFile, "utf8").split("\n");
function steps(title) {
  const at = readme.findIndex((l) => l.startsWith(title));
  if (at < 0) fail(`README: no line starting "${title}"`);
  const items = [];
  for (let i = at + 1; i < readme.length; i++) {
    const l = readme[i];
    if (/^\d+\. /.test(l)) items.push(l);
    else if (items.length && /^ {3}\S/.test(l)) items[items.length - 1] += ` ${l.trim()}`;
    else if (items.length && l.trim() === "" && /^\d+\. /.test(readme[i + 1] || "")) continue;
    else if (items.length) break;
    else if (l.trim() !== "") fail(`README: "${title}" is not followed by a numbered list`);
  }
  return items.map((text, n) => {
    const m = /^(\d+)\. /.exec(text);
    if (Number(m[1]) !== n + 1) fail(`README: "${title}": step ${m[1]} where ${n + 1} belongs`);
    return { n: n + 1, text, commands: [...text.matchAll(/`([^`]+)`/g)].map((x) => x[1]) };
  });
}
const deploymentRef = `deployment/${d.metadata.name}`;
function checkInstall(title, certs) {
  const list = steps(title);
  const stepOf = (pred, what) => {
    const s = list.find((x) => x.commands.some(pred));
    if (!s) fail(`README: "${title}": no step ${what}`);
    return s.n;
  };
  const applies = (part) => (cmd) => new RegExp(`^kubectl apply -k deploy/webhook/${part}(\\s|$|&)`).test(cmd);
  const genCerts = (cmd) => /(^|&& )deploy\/webhook\/gen-certs\.sh\b/.test(cmd);
  const applied = new Set();
  for (const s of list) for (const cmd of s.commands)
    for (const m of cmd.matchAll(/kubectl apply -k deploy\/webhook\/?([\w-]*)/g)) applied.add(m[1] || ".");
  const server = stepOf(applies("server"), "applying server/");
  const secret = certs === "cert-manager" ? stepOf(applies("cert-manager"), "applying cert-manager/")
    : stepOf(genCerts, "running gen-certs.sh");
  const wait = stepOf((cmd) => cmd.includes(`-n ${nsName} rollout status ${deploymentRef}`), `waiting for ${deploymentRef}`);
  const config = stepOf(applies("configuration"), "applying configuration/");
  const label = stepOf((cmd) => /^kubectl label namespace \S+ strict-groups\/mode=(audit|enforce|refuse)$/.test(cmd),
    "labelling a namespace");
  const labelled = list[label - 1].commands.map((cmd) => /strict-groups\/mode=(\w+)$/.exec(cmd)).find(Boolean)[1];
  if (served("team-a", { "strict-groups/mode": labelled }).length !== 1) fail(`README: mode ${labelled} is served by no entry`);
  if (certs === "cert-manager" && !(server < secret)) fail(`README: "${title}": cert-manager/ before the namespace exists`);
  if (!(secret < wait && server < wait)) fail(`README: "${title}": waits for the pods before their Secret exists`);
  if (!(wait < config)) fail(`README: "${title}": the configuration before the pods are ready`);
  if (!(config < label)) fail(`README: "${title}": a namespace labelled before the configuration exists`);
  if (certs === "openssl") {
    // the caBundle: gen-certs.sh once more after the configuration exists
    const after = list.filter((s) => s.n >= config && s.n < label).some((s) => {
      const cmd = s.commands.join(" ; ");
      const a = cmd.search(/kubectl apply -k deploy\/webhook\/configuration/), g = cmd.search(/deploy\/webhook\/gen-certs\.sh/);
      return g >= 0 && (s.n > config || g > a);
    });
    if (!after) fail(`README: "${title}": no gen-certs.sh after the configuration (its caBundle)`);
    if (applied.has("cert-manager")) fail(`README: "${title}": applies cert-manager/`);
  } else if (list.some((s) => s.commands.some(genCerts))) {
    fail(`README: "${title}": runs gen-certs.sh too`);
  }
  const want = certs === "cert-manager" ? ["cert-manager", "configuration", "server"] : ["configuration", "server"];
  if (JSON.stringify([...applied].sort()) !== JSON.stringify(want))
    fail(`README: "${title}": applies ${[...applied].sort().join(", ")}, not ${want.join(", ")}`);
  ok(`README, "${title}": ${list.length} steps: server ${server}, Secret ${secret}, wait ${wait}, configuration ${config}, label ${label}`);
}
checkInstall("With cert-manager", "cert-manager");
checkInstall("Without cert-manager", "openssl");
// Day 2: break-glass deletes the configuration by its name; uninstall
// deletes it before anything the webhook needs to answer
function paragraph(title) {
  const at = readme.findIndex((l) => l.startsWith(title));
  if (at < 0) fail(`README: no paragraph starting "${title}"`);
  const end = readme.findIndex((l, i) => i > at && l.trim() === "");
  return readme.slice(at, end).join(" ");
}
const glass = paragraph("*Break-glass.*");
if (!glass.includes(`\`kubectl delete mutatingwebhookconfiguration ${mwc.metadata.name}\``))
  fail(`README: break-glass does not delete the MutatingWebhookConfiguration ${mwc.metadata.name}`);
const uninstall = [...paragraph("*Uninstall*").matchAll(/`(kubectl [^`]+)`/g)].map((m) => m[1]);
const first = uninstall.findIndex((cmd) => cmd === "kubectl delete -k deploy/webhook/configuration");
const server = uninstall.findIndex((cmd) => cmd === "kubectl delete -k deploy/webhook/server");
if (first !== 0 || !(server > first)) fail("README: uninstall does not delete the configuration first");
ok("README, Day 2: break-glass deletes the configuration; uninstall deletes it first");
console.log("manifests: ok");
