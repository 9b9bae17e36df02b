// A stand-in for kubectl, for the tests of deploy/webhook/gen-certs.sh: it
// answers the commands the script uses as kubectl would, from objects kept
// as JSON files in $FAKE_KUBECTL_STATE, and records every call (its
// arguments, one JSON array a line) in $FAKE_KUBECTL_STATE/calls.log.
// Anything else is refused (exit 2), so a script that starts using another
// command fails its tests instead of passing against a stub.
//
//   get namespace NAME [--ignore-not-found] -o name
//   create namespace NAME
//   [-n NS] get secret NAME [--ignore-not-found] -o jsonpath=EXPR
//   [-n NS] create secret tls NAME --cert=FILE --key=FILE [--dry-run=client -o yaml]
//   apply -f FILE|-
//   get mutatingwebhookconfiguration NAME [--ignore-not-found] -o jsonpath=EXPR
//   patch mutatingwebhookconfiguration NAME --type=json -p JSON
//   get namespaces -o json; [-n NS | -A] get pods -o json   (a List)
//
// jsonpath: {.a.b\.c} and {.list[*].field}, several results joined by a
// space, as kubectl prints them. FAKE_KUBECTL_FAIL=REGEX makes a call whose
// arguments (joined by spaces) match it fail as the API server would.
//   node fake-kubectl.mjs --load FILE.json   stores the object (for set-up)
import fs from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import jsonpatch from "fast-json-patch";

const state = process.env.FAKE_KUBECTL_STATE;
if (!state) { console.error("fake kubectl: FAKE_KUBECTL_STATE is not set"); process.exit(2); }
fs.mkdirSync(state, { recursive: true });
const argv = process.argv.slice(2);
fs.appendFileSync(path.join(state, "calls.log"), `${JSON.stringify(argv)}\n`);

const die = (code, msg) => { process.stderr.write(`${msg}\n`); process.exit(code); };
const plural = { namespace: "namespaces", secret: "secrets", pod: "pods",
  mutatingwebhookconfiguration: "mutatingwebhookconfigurations" };
const namespaced = (kind) => kind === "secret" || kind === "pod";
const file = (kind, ns, name) => path.join(state, `${kind}.${ns || "_"}.${name}.json`);
const load = (kind, ns, name) => {
  const f = file(kind, ns, name);
  return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, "utf8")) : null;
};
const store = (o) => {
  const kind = o.kind.toLowerCase();
  fs.writeFileSync(file(kind, namespaced(kind) ? o.metadata.namespace : "", o.metadata.name), JSON.stringify(o, null, 1));
};
const notFound = (kind, name) => die(1, `Error from server (NotFound): ${plural[kind]} "${name}" not found`);

if (argv[0] === "--load") {
  store(JSON.parse(fs.readFileSync(argv[1], "utf8")));
  process.exit(0);
}
if (process.env.FAKE_KUBECTL_FAIL && new RegExp(process.env.FAKE_KUBECTL_FAIL).test(argv.join(" ")))
  die(1, "Error from server (InternalError): an error on the server (\"fake\") has prevented the request from succeeding");

// flags anywhere, as kubectl takes them
let namespace = "default";
const opts = {}, words = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const m = /^--([\w-]+)=(.*)$/s.exec(a);
  if (a === "-n" || a === "--namespace") namespace = argv[++i];
  else if (m && m[1] === "namespace") namespace = m[2];
  else if (m) opts[m[1]] = m[2];
  else if (a === "-o" || a === "-p" || a === "-f") opts[a.slice(1)] = argv[++i];
  else if (a === "--ignore-not-found") opts.ignoreNotFound = true;
  else if (a === "-A" || a === "--all-namespaces") opts.all = true;
  else if (a.startsWith("-")) die(2, `fake kubectl: unsupported flag ${a}`);
  else words.push(a);
}
const output = opts.o ?? opts.output;

function jsonpath(obj, expr) {
  const m = /^jsonpath=\{(.*)\}$/s.exec(expr);
  if (!m || !m[1].startsWith(".")) die(2, `fake kubectl: unsupported output ${expr}`);
  let values = [obj];
  for (const part of m[1].slice(1).split(/(?<!\\)\./)) {
    const [, field, index] = /^(.*?)(\[\*\])?$/.exec(part.replace(/\\\./g, "."));
    values = values.flatMap((v) => {
      const x = v == null ? undefined : v[field];
      if (x === undefined) return [];
      return index ? x : [x];
    });
  }
  return values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(" ");
}

if (words.length === 1 && words[0] === "apply" && opts.f) {
  const text = fs.readFileSync(opts.f === "-" ? 0 : opts.f, "utf8");
  const o = parse(text);
  if (!o || !o.kind || !o.metadata || !o.metadata.name) die(1, "error: no objects passed to apply");
  if (o.kind === "Secret" && !load("namespace", "", o.metadata.namespace || namespace))
    die(1, `Error from server (NotFound): namespaces "${o.metadata.namespace}" not found`);
  const existed = load(o.kind.toLowerCase(), o.kind === "Secret" ? o.metadata.namespace : "", o.metadata.name);
  store(o);
  console.log(`${o.kind.toLowerCase()}/${o.metadata.name} ${existed ? "configured" : "created"}`);
  process.exit(0);
}
const [verb, kind, name, ...rest] = words;
const k = { ns: "namespace", namespaces: "namespace", secrets: "secret", pods: "pod",
  mutatingwebhookconfigurations: "mutatingwebhookconfiguration" }[kind] || kind;
if (!plural[k]) die(2, `fake kubectl: unsupported kind ${kind}`);
const nsOf = namespaced(k) ? namespace : "";

if (verb === "get" && name === undefined && output === "json" && (k === "namespace" || k === "pod")) {
  const prefix = k === "pod" && !opts.all ? `${k}.${namespace}.` : `${k}.`;
  // by namespace, then name, as the API server lists them
  const items = fs.readdirSync(state).filter((f) => f.startsWith(prefix) && f.endsWith(".json"))
    .map((f) => JSON.parse(fs.readFileSync(path.join(state, f), "utf8")))
    .sort((a, b) => `${a.metadata.namespace || ""}/${a.metadata.name}` < `${b.metadata.namespace || ""}/${b.metadata.name}` ? -1 : 1);
  console.log(JSON.stringify({ apiVersion: "v1", kind: "List", items }));
  process.exit(0);
}

if (verb === "get") {
  const o = load(k, nsOf, name);
  if (!o) { if (opts.ignoreNotFound) process.exit(0); notFound(k, name); }
  if (output === "name") console.log(`${k}/${name}`);
  else process.stdout.write(jsonpath(o, output));
} else if (verb === "create" && k === "namespace" && rest.length === 0) {
  if (load(k, "", name)) die(1, `Error from server (AlreadyExists): namespaces "${name}" already exists`);
  store({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "kubernetes.io/metadata.name": name } } });
  console.log(`namespace/${name} created`);
} else if (verb === "create" && k === "secret" && name === "tls") {
  const secretName = rest[0];
  if (!opts.cert || !opts.key) die(2, "fake kubectl: create secret tls needs --cert and --key");
  if (!load("namespace", "", namespace)) die(1, `Error from server (NotFound): namespaces "${namespace}" not found`);
  const o = { apiVersion: "v1", kind: "Secret", metadata: { name: secretName, namespace }, type: "kubernetes.io/tls",
    data: { "tls.crt": fs.readFileSync(opts.cert).toString("base64"), "tls.key": fs.readFileSync(opts.key).toString("base64") } };
  if (opts["dry-run"] === "client" && output === "yaml") { process.stdout.write(stringify(o)); process.exit(0); }
  if (opts["dry-run"] || output) die(2, "fake kubectl: unsupported create options");
  if (load("secret", namespace, secretName)) die(1, `Error from server (AlreadyExists): secrets "${secretName}" already exists`);
  store(o);
  console.log(`secret/${secretName} created`);
} else if (verb === "patch" && k === "mutatingwebhookconfiguration") {
  const o = load(k, "", name);
  if (!o) notFound(k, name);
  if (opts.type !== "json") die(2, "fake kubectl: only --type=json patches");
  const ops = JSON.parse(opts.p);
  const error = jsonpatch.validate(ops, o);
  if (error) die(1, `The request is invalid: ${error.message}`);
  try {
    store(jsonpatch.applyPatch(o, ops, true, true).newDocument);
  } catch (e) {
    die(1, `The request is invalid: ${e.message}`);
  }
  console.log(`mutatingwebhookconfiguration.admissionregistration.k8s.io/${name} patched`);
} else {
  die(2, `fake kubectl: unsupported command ${argv.join(" ")}`);
}
