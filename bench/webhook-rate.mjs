// Constant-rate load for make bench-webhook (wrk 4 has no fixed rate):
// RATE AdmissionReviews a second for SECONDS, over keep-alive TLS, each
// timed from its send to the end of its answer. Prints
// {"sent":N,"ok":N,"failed":N,"p50_ms":X,"p99_ms":Y,"max_ms":Z}.
//   node webhook-rate.mjs URL CA BODY RATE SECONDS
import fs from "node:fs";
import https from "node:https";

const [url, caFile, bodyFile, rate, seconds] = process.argv.slice(2);
const target = new URL(url);
const ca = fs.readFileSync(caFile);
const body = fs.readFileSync(bodyFile);
const agent = new https.Agent({ keepAlive: true, maxSockets: 64, ca });
const lat = [];
let sent = 0, ok = 0, failed = 0;

function one() {
  const t = process.hrtime.bigint();
  sent++;
  const req = https.request({ host: target.hostname, port: target.port, path: "/mutate?timeout=10s", method: "POST",
    agent, headers: { "Content-Type": "application/json", "Content-Length": body.length } }, (res) => {
    let n = 0;
    res.on("data", (c) => { n += c.length; });
    res.on("end", () => {
      if (res.statusCode === 200 && n > 0) { ok++; lat.push(Number(process.hrtime.bigint() - t) / 1e6); } else failed++;
    });
  });
  req.on("error", () => { failed++; });
  req.end(body);
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

// Warm-up: the connections' handshakes and the JIT, not counted.
await run(2);
lat.length = 0;
ok = 0;
failed = 0;
await run(Number(seconds));
lat.sort((a, b) => a - b);
const q = (p) => lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : null;
console.log(JSON.stringify({ sent, ok, failed, p50_ms: q(0.5), p99_ms: q(0.99), max_ms: lat[lat.length - 1] ?? null }));
agent.destroy();
