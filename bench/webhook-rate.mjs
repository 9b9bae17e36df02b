// Constant-rate load for make bench-webhook (wrk 4 has no fixed rate):
// RATE AdmissionReviews a second for SECONDS, over keep-alive TLS, each
// timed from its send to the end of its answer (open loop: a slow answer
// does not delay the next send). Prints
// {"sent":N,"ok":N,"failed":N,"p50_ms":X,"p99_ms":Y,"max_ms":Z,
//  "new_connections":N,"p99_reused_ms":R,"loop_delay_p99_ms":L}:
// how many requests of the measured part went out on a new connection (a
// TLS handshake: the agent opens one when every open one is busy), the p99
// of the others, and the p99 of this client's own event-loop delay (time
// it could not send or read because it did not run). "server" is what the
// server measured itself for the same requests (its /metrics histogram,
// read before and after: from a review's headers to its answer queued):
// how many it answered within each of the API server's buckets.
//   [WARMUP=SECONDS] node webhook-rate.mjs URL CA BODY RATE SECONDS
import fs from "node:fs";
import https from "node:https";
import { monitorEventLoopDelay } from "node:perf_hooks";

const [url, caFile, bodyFile, rate, seconds] = process.argv.slice(2);
const target = new URL(url);
const ca = fs.readFileSync(caFile);
const body = fs.readFileSync(bodyFile);
const agent = new https.Agent({ keepAlive: true, maxSockets: 64, ca });
const lat = [], latReused = [];
let sent = 0, ok = 0, failed = 0, fresh = 0;
const loop = monitorEventLoopDelay({ resolution: 1 });

function one() {
  const t = process.hrtime.bigint();
  sent++;
  const req = https.request({ host: target.hostname, port: target.port, path: "/mutate?timeout=10s", method: "POST",
    agent, headers: { "Content-Type": "application/json", "Content-Length": body.length } }, (res) => {
    let n = 0;
    res.on("data", (c) => { n += c.length; });
    res.on("end", () => {
      if (res.statusCode === 200 && n > 0) {
        const ms = Number(process.hrtime.bigint() - t) / 1e6;
        ok++;
        lat.push(ms);
        if (req.reusedSocket) latReused.push(ms); else fresh++;
      } else failed++;
    });
  });
  req.on("error", () => { failed++; });
  req.end(body);
}

// The server's admission latency histogram: {"0.005": N, ..., "+Inf": N}.
function serverBuckets() {
  return new Promise((resolve, reject) => {
    https.get({ host: target.hostname, port: target.port, path: "/metrics", agent }, (res) => {
      let text = "";
      res.on("data", (c) => { text += c; });
      res.on("end", () => {
        const b = {};
        for (const m of text.matchAll(/^strict_groups_webhook_admission_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm))
          b[m[1]] = Number(m[2]);
        resolve(b);
      });
    }).on("error", reject);
  });
}

async function run(secs) {
  const start = process.hrtime.bigint();
  const total = Number(rate) * secs;
  sent = 0;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(Number(process.hrtime.bigint() - start) / 1e9 * Number(rate)));
      while (sent < due) one();
      if (sent >= total) { clearInterval(timer); resolve(); }
    }, 1);
  });
  await new Promise((r) => setTimeout(r, 1000));
}

// Warm-up: the connections' handshakes and the JIT, not counted
// (WARMUP seconds, 2 by default).
const warmup = Number(process.env.WARMUP ?? 2);
if (warmup > 0) await run(warmup);
lat.length = 0;
latReused.length = 0;
ok = 0;
failed = 0;
fresh = 0;
const before = await serverBuckets();
loop.enable();
await run(Number(seconds));
loop.disable();
const after = await serverBuckets();
// "le_0.005" rather than "0.005": JSON keys that look like integers ("1")
// would be printed first.
const le = (k) => (k === "+Inf" ? Infinity : Number(k));
const server = Object.fromEntries(Object.keys(after).sort((x, y) => le(x) - le(y))
  .map((le) => [`le_${le}`, after[le] - (before[le] || 0)]));
const q = (a, p) => {
  a.sort((x, y) => x - y);
  return a.length ? a[Math.min(a.length - 1, Math.floor(p * a.length))] : null;
};
console.log(JSON.stringify({ sent, ok, failed, p50_ms: q(lat, 0.5), p99_ms: q(lat, 0.99), max_ms: q(lat, 1),
  new_connections: fresh, p99_reused_ms: q(latReused, 0.99), loop_delay_p99_ms: loop.percentile(99) / 1e6,
  server }));
agent.destroy();
