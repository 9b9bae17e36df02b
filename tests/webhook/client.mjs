// An API server's side of the admission call, for tests/webhook/*.bats.
//
//   node client.mjs review FILE.yaml|- [--template] [--path P] [--dry-run]
//                   [--ephemeral-debug CMD [--ephemeral-image IMAGE] [--ephemeral-body PATCH]]
//                   [--update PATCH]
//       builds the AdmissionReview the API server would send for the pod in
//       FILE (- : standard input; YAML or JSON; a Deployment's template with
//       --template), with the manual
//       strict-groups wiring taken out, POSTs it over HTTPS keep-alive with
//       ?timeout=10s, applies the answer's JSONPatch with fast-json-patch
//       (an independent RFC 6902 implementation), validates the result with
//       kubernetes-models' OpenAPI schemas plus a check that every field is
//       one the schema knows, sends the result again (must come back without
//       a patch), and prints {"response":..., "pod":..., "again":...}.
//       --update: then an UPDATE of that pod (the stored one) into it with
//       the JSONPatch applied ({"update": response}); --ephemeral-body: a
//       JSONPatch applied to the ephemeral containers update's body.
//   node client.mjs exec NS POD OPTIONS [--path P] [--timeout D]
//       the API server's admission call for `kubectl exec` / `kubectl cp`:
//       a CONNECT review of the PodExecOptions OPTIONS (JSON: container,
//       command, stdin, stdout, stderr, tty), POSTed with ?timeout=D (10s),
//       the answer's JSONPatch applied to OPTIONS by fast-json-patch; prints
//       {"response":..., "options":..., "ms":...}
//   node client.mjs post PATH FILE [CONTENT-TYPE]   one raw POST: prints status and body
//   node client.mjs load SECONDS CONCURRENCY        keep-alive and new-connection load:
//       prints {"ok":N,"failed":N,"errors":[...],"fingerprints":{...}}
//   node client.mjs hold N SECONDS                  N connections open at once, each
//       answering a review, then idle for SECONDS: prints {"served":N,"closed":N}
//   node client.mjs idle SECONDS                    when the server closes silent clients
//   node client.mjs fingerprint                     the certificate a new handshake gets
//
//   node client.mjs burst N FULL BODY HEADER SECONDS   the worst burst of unfinished requests
//
// Environment: WEBHOOK_URL (https://127.0.0.1:PORT), WEBHOOK_CA (PEM file: the
// only CA trusted), WEBHOOK_SERVERNAME (the name the certificate must carry,
// sent as SNI; default: the URL's host, and localhost for raw TLS).
import fs from "node:fs";
import https from "node:https";
import tls from "node:tls";
import net from "node:net";
import crypto from "node:crypto";
import { pathToFileURL } from "node:url";
import { parse } from "yaml";
import jsonpatch from "fast-json-patch";
import { validate } from "./schema.mjs";

const url = new URL(process.env.WEBHOOK_URL);
const ca = fs.readFileSync(process.env.WEBHOOK_CA);
const servername = process.env.WEBHOOK_SERVERNAME || undefined;
const tlsName = servername || "localhost";
const agent = new https.Agent({ keepAlive: true, maxSockets: 64, ca, servername });

function request(path, body, { contentType = "application/json", method = "POST", ag = agent } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: url.hostname, port: url.port, path, method, agent: ag, ca, servername,
        headers: { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body) } },
      (res) => {
        const chunks = [];
        const fp = res.socket && res.socket.getPeerCertificate ? res.socket.getPeerCertificate().fingerprint256 : undefined;
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(),
                                      reused: req.reusedSocket, fingerprint: fp }));
        res.on("error", reject);
      });
    req.on("error", reject);
    req.end(body);
  });
}

// Takes the manual wiring of deploy/*.yaml out: the installer, the volume,
// the mounts, the STRICT_GROUPS* env and the "/strict/strict-init --" prefix.
export function unwire(pod) {
  const spec = pod.spec;
  if (!(spec.volumes || []).some((v) => v.name === "strict")) return pod; // not wired by hand
  spec.initContainers = (spec.initContainers || []).filter((c) => c.name !== "strict-install");
  if (spec.initContainers.length === 0) delete spec.initContainers;
  spec.volumes = (spec.volumes || []).filter((v) => v.name !== "strict");
  if (spec.volumes.length === 0) delete spec.volumes;
  for (const c of [...(spec.initContainers || []), ...spec.containers]) {
    c.volumeMounts = (c.volumeMounts || []).filter((m) => m.name !== "strict");
    if (c.volumeMounts.length === 0) delete c.volumeMounts;
    c.env = (c.env || []).filter((e) => !e.name.startsWith("STRICT_GROUPS"));
    if (c.env.length === 0) delete c.env;
    if (c.command && c.command[0] === "/strict/strict-init" && c.command[1] === "--")
      c.command = c.command.slice(2);
  }
  return pod;
}

// What the API server's defaulting adds before admission, for the fields
// these pods use (so that the review looks like the real one).
function defaulted(pod) {
  for (const c of [...(pod.spec.initContainers || []), ...pod.spec.containers]) {
    c.terminationMessagePath ??= "/dev/termination-log";
    c.terminationMessagePolicy ??= "File";
    c.imagePullPolicy ??= /:latest$|^[^:]*$/.test(c.image) ? "Always" : "IfNotPresent";
  }
  pod.spec.restartPolicy ??= "Always";
  pod.spec.dnsPolicy ??= "ClusterFirst";
  pod.spec.schedulerName ??= "default-scheduler";
  pod.spec.terminationGracePeriodSeconds ??= 30;
  return pod;
}

export function review(pod, { uid = crypto.randomUUID(), dryRun = false, operation = "CREATE",
                              subResource, oldObject } = {}) {
  const request = {
    uid, kind: { group: "", version: "v1", kind: "Pod" },
    resource: { group: "", version: "v1", resource: "pods" },
    requestKind: { group: "", version: "v1", kind: "Pod" },
    requestResource: { group: "", version: "v1", resource: "pods" },
    name: pod.metadata.name || "", namespace: "strict-e2e", operation,
    userInfo: { username: "system:serviceaccount:kube-system:replicaset-controller" },
    object: pod, oldObject: oldObject ?? null, dryRun,
    options: { apiVersion: "meta.k8s.io/v1", kind: operation === "CREATE" ? "CreateOptions" : "UpdateOptions" },
  };
  if (subResource) request.subResource = subResource;
  return { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request };
}

// What the API server sends for `kubectl exec -i POD -c CTR -- CMD...` (and
// `kubectl cp`, tar over exec): the options object is the versioned
// PodExecOptions built from the request's query (false fields left out, as
// Go's omitempty does), resource pods, subResource exec, operation
// CONNECT, no oldObject and no options.
export function execReview(ns, name, options, { uid = crypto.randomUUID() } = {}) {
  const object = { kind: "PodExecOptions", apiVersion: "v1" };
  for (const k of ["stdin", "stdout", "stderr", "tty"]) if (options[k]) object[k] = true;
  if (options.container) object.container = options.container;
  object.command = options.command;
  return { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: {
    uid, kind: { group: "", version: "v1", kind: "PodExecOptions" },
    resource: { group: "", version: "v1", resource: "pods" }, subResource: "exec",
    requestKind: { group: "", version: "v1", kind: "PodExecOptions" },
    requestResource: { group: "", version: "v1", resource: "pods" }, requestSubResource: "exec",
    name, namespace: ns, operation: "CONNECT",
    userInfo: { username: "alice", groups: ["team-a", "system:authenticated"] },
    object, oldObject: null, dryRun: false, options: null } };
}

async function admit(body, path, timeout = "10s") {
  const res = await request(`${path}?timeout=${timeout}`, JSON.stringify(body));
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body}`);
  const answer = JSON.parse(res.body);
  if (answer.apiVersion !== "admission.k8s.io/v1" || answer.kind !== "AdmissionReview")
    throw new Error(`not an AdmissionReview: ${res.body}`);
  if (answer.response.uid !== body.request.uid) throw new Error("uid not echoed");
  return { answer: answer.response, reused: res.reused };
}

function applied(pod, response) {
  if (!response.patch) return structuredClone(pod);
  if (response.patchType !== "JSONPatch") throw new Error(`patchType ${response.patchType}`);
  const ops = JSON.parse(Buffer.from(response.patch, "base64").toString());
  const errors = jsonpatch.validate(ops, pod);
  if (errors) throw new Error(`patch does not apply: ${errors.message}`);
  return jsonpatch.applyPatch(structuredClone(pod), ops, true, false).newDocument;
}

async function cmdReview(args) {
  const file = args[0];
  const path = args.includes("--path") ? args[args.indexOf("--path") + 1] : "/mutate";
  const doc = parse(fs.readFileSync(file === "-" ? 0 : file, "utf8"));
  let pod = args.includes("--template")
    ? { apiVersion: "v1", kind: "Pod", metadata: { ...doc.spec.template.metadata, generateName: `${doc.metadata.name}-` }, spec: doc.spec.template.spec }
    : doc;
  pod = defaulted(unwire(structuredClone(pod)));
  validate(pod);
  const first = await admit(review(pod, { dryRun: args.includes("--dry-run") }), path);
  const out = { response: first.answer, input: pod };
  if (first.answer.allowed) {
    const patched = applied(pod, first.answer);
    validate(patched);
    const second = await admit(review(patched), path);
    if (second.answer.patch) throw new Error(`not idempotent: ${Buffer.from(second.answer.patch, "base64")}`);
    out.pod = patched;
    out.again = second.answer;
    out.reused = second.reused;
    if (args.includes("--update")) {
      // an UPDATE of the stored (patched) pod: the new object is the stored
      // one with this JSONPatch applied
      const ops = JSON.parse(args[args.indexOf("--update") + 1]);
      const updated = jsonpatch.applyPatch(structuredClone(patched), ops, true, false).newDocument;
      const upd = await admit(review(updated, { operation: "UPDATE", oldObject: patched }), path);
      out.update = upd.answer;
    }
    if (args.includes("--ephemeral-debug")) {
      const cmd = args[args.indexOf("--ephemeral-debug") + 1];
      let withDebug = structuredClone(patched);
      const image = args.includes("--ephemeral-image") ? args[args.indexOf("--ephemeral-image") + 1] : "busybox";
      withDebug.spec.ephemeralContainers = [{ name: "debugger", image, command: [cmd],
        terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File", imagePullPolicy: "IfNotPresent" }];
      // what else the body says (the API server keeps only the new
      // ephemeral containers of it)
      if (args.includes("--ephemeral-body"))
        withDebug = jsonpatch.applyPatch(withDebug, JSON.parse(args[args.indexOf("--ephemeral-body") + 1]), true, false).newDocument;
      const eph = await admit(review(withDebug, { operation: "UPDATE", subResource: "ephemeralcontainers", oldObject: patched }), path);
      out.ephemeral = eph.answer;
      if (eph.answer.allowed) { out.ephemeralPod = applied(withDebug, eph.answer); validate(out.ephemeralPod); }
    }
  }
  console.log(JSON.stringify(out));
}

async function cmdExec(args) {
  const [ns, name, optionsText] = args;
  const path = args.includes("--path") ? args[args.indexOf("--path") + 1] : "/mutate";
  const timeout = args.includes("--timeout") ? args[args.indexOf("--timeout") + 1] : "10s";
  const body = execReview(ns, name, JSON.parse(optionsText));
  const t = process.hrtime.bigint();
  const { answer } = await admit(body, path, timeout);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const out = { response: answer, ms: Math.round(ms) };
  if (answer.allowed) out.options = applied(body.request.object, answer);
  console.log(JSON.stringify(out));
}

async function cmdPost(args) {
  const [path, file, type] = args;
  const res = await request(path, fs.readFileSync(file), { contentType: type || "application/json" });
  console.log(JSON.stringify({ status: res.status, body: res.body }));
}

const samplePod = () => defaulted(unwire(parse(fs.readFileSync(new URL("../../deploy/pod.yaml", import.meta.url), "utf8"))));

function fingerprintOf(socket) {
  const cert = socket.getPeerCertificate();
  return cert && cert.fingerprint256;
}

async function cmdLoad(args) {
  const seconds = Number(args[0]), concurrency = Number(args[1]);
  const pod = samplePod();
  const until = Date.now() + seconds * 1000;
  const stats = { ok: 0, failed: 0, errors: [], fingerprints: {} };
  async function worker(i) {
    // odd workers open a new connection (a handshake) for every request
    const ag = i % 2 ? new https.Agent({ keepAlive: false, ca, servername }) : agent;
    while (Date.now() < until) {
      try {
        const body = review(pod);
        const res = await request("/mutate?timeout=10s", JSON.stringify(body), { ag });
        const r = JSON.parse(res.body);
        if (res.status !== 200 || r.response.uid !== body.request.uid || !r.response.allowed || !r.response.patch)
          throw new Error(`status ${res.status}`);
        stats.ok++;
        const fp = res.fingerprint;
        if (fp) stats.fingerprints[fp] = (stats.fingerprints[fp] || 0) + 1;
      } catch (e) {
        stats.failed++;
        if (stats.errors.length < 10) stats.errors.push(String(e.message || e));
      }
    }
  }
  await Promise.all([...Array(concurrency).keys()].map(worker));
  console.log(JSON.stringify(stats));
}

async function cmdHold(args) {
  const n = Number(args[0]), idle = Number(args[1]);
  const body = JSON.stringify(review(samplePod()));
  let served = 0, closed = 0;
  const sockets = await Promise.all([...Array(n).keys()].map(() => new Promise((resolve, reject) => {
    const s = tls.connect({ host: url.hostname, port: Number(url.port), ca, servername: tlsName }, () => {
      s.write(`POST /mutate?timeout=10s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
    let got = "";
    s.on("data", (d) => { got += d; if (/^HTTP\/1\.1 200/.test(got) && got.includes('"allowed":true')) { if (!s.counted) { s.counted = true; served++; resolve(s); } } });
    s.on("close", () => { closed++; if (!s.counted) reject(new Error(`closed before an answer: ${got.slice(0, 80)}`)); });
    s.on("error", () => {});
  })));
  await new Promise((r) => setTimeout(r, idle * 1000));
  const open = sockets.filter((s) => !s.destroyed && s.readyState === "open").length;
  console.log(JSON.stringify({ served, closed, open }));
  sockets.forEach((s) => s.destroy());
}

// Three silent clients: TCP only (no handshake), TLS without a request, TLS
// after one answered request. Prints when the server closed each (ms), or
// null if it had not after SECONDS.
async function cmdIdle(args) {
  const seconds = Number(args[0]);
  const t0 = Date.now();
  // reading, so that the server's FIN is seen
  const closedAt = (s) => new Promise((r) => { s.on("data", () => {}); s.on("close", () => r(Date.now() - t0)); s.on("error", () => {}); setTimeout(() => r(null), seconds * 1000); });
  const body = JSON.stringify(review(samplePod()));
  const tcp = net.connect(Number(url.port), url.hostname);
  const quiet = tls.connect({ host: url.hostname, port: Number(url.port), ca, servername: tlsName });
  const used = tls.connect({ host: url.hostname, port: Number(url.port), ca, servername: tlsName }, () => {
    used.write(`POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
  const [a, b, c] = await Promise.all([closedAt(tcp), closedAt(quiet), closedAt(used)]);
  console.log(JSON.stringify({ tcp: a, tls: b, afterRequest: c }));
  for (const s of [tcp, quiet, used]) s.destroy();
}

// The worst burst of unfinished requests the limits allow: N TLS connections
// at once; the first FULL of them each send the headers of a review of
// BODY+1 bytes and BODY bytes of it (never the last), the others the start of
// a request whose headers never end (HEADER bytes of one header line). Then
// all of them wait SECONDS. Prints how many connected, finished sending, were
// answered before the end (a 503 or 413 when over a limit) or closed.
async function cmdBurst(args) {
  const [n, full, body, header, seconds] = args.map(Number);
  const stats = { connected: 0, sent: 0, answered: {}, closed: 0 };
  const sockets = [];
  const connect = () => new Promise((resolve) => {
    const s = tls.connect({ host: url.hostname, port: Number(url.port), ca, servername: tlsName });
    s.on("secureConnect", () => { stats.connected++; resolve(s); });
    s.on("error", () => resolve(s));
    s.on("close", () => { stats.closed++; resolve(s); });
    let got = "";
    s.on("data", (d) => {
      if (got.length < 64) got += d;
      const m = /^HTTP\/1\.1 (\d+)/.exec(got);
      if (m && !s.answered) { s.answered = true; stats.answered[m[1]] = (stats.answered[m[1]] || 0) + 1; }
    });
  });
  // connections first, a few hundred at a time (the listen backlog)
  for (let i = 0; i < n; i += 256)
    sockets.push(...await Promise.all([...Array(Math.min(256, n - i)).keys()].map(connect)));
  const write = (s, data) => new Promise((resolve) => {
    if (s.destroyed) return resolve(false);
    s.write(data, (err) => resolve(!err));
  });
  const chunk = Buffer.alloc(64 << 10, 0x20); // spaces: inside the JSON, but never a complete review
  // the bodies first, one connection after the other: each reserves its room
  // from the headers' Content-Length
  for (const s of sockets.slice(0, full)) {
    let ok = await write(s, `POST /mutate?timeout=10s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body + 1}\r\n\r\n{`);
    for (let left = body - 1; ok && left > 0; left -= chunk.length)
      ok = await write(s, left >= chunk.length ? chunk : chunk.subarray(0, left));
    if (ok) stats.sent++;
  }
  const line = `POST /mutate?timeout=10s HTTP/1.1\r\nHost: localhost\r\nX-Pad: ${"x".repeat(Math.max(0, header - 60))}`;
  const rest = await Promise.all(sockets.slice(full).map((s) => write(s, line)));
  stats.sent += rest.filter(Boolean).length;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  console.log(JSON.stringify(stats));
  sockets.forEach((s) => s.destroy());
}

async function cmdFingerprint() {
  const s = tls.connect({ host: url.hostname, port: Number(url.port), ca, servername: tlsName });
  await new Promise((r, j) => { s.on("secureConnect", r); s.on("error", j); });
  console.log(fingerprintOf(s));
  s.destroy();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [cmd, ...rest] = process.argv.slice(2);
  const commands = { review: cmdReview, exec: cmdExec, post: cmdPost, load: cmdLoad, hold: cmdHold, idle: cmdIdle, burst: cmdBurst, fingerprint: cmdFingerprint };
  if (!commands[cmd]) { console.error(`usage: client.mjs ${Object.keys(commands).join("|")} ...`); process.exit(64); }
  commands[cmd](rest).then(() => { agent.destroy(); }, (e) => { console.error(`client: ${e.stack || e}`); process.exit(1); });
}
