// Admission latency with image lookups, for make bench-webhook: posts the
// AdmissionReviews of FILE (one JSON document a line) one after the other
// over one keep-alive TLS connection (opened and warmed by WARM requests of
// the first review, not counted), each timed from its send to the end of
// its answer, which must allow the pod with a patch. Prints
// {"n":N,"p50_ms":X,"p90_ms":Y,"p99_ms":Z,"max_ms":M}.
//   node webhook-lookups.mjs URL CA FILE [WARM]
import fs from "node:fs";
import https from "node:https";

const [url, caFile, file, warmArg] = process.argv.slice(2);
const target = new URL(url);
const ca = fs.readFileSync(caFile);
const bodies = fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "");
const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca });
const warm = Number(warmArg || 0);

function post(body) {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const req = https.request({ host: target.hostname, port: target.port, path: "/mutate?timeout=10s",
      method: "POST", agent,
      headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const ms = Number(process.hrtime.bigint() - t) / 1e6;
        const text = Buffer.concat(chunks).toString();
        let r;
        try { r = JSON.parse(text).response; } catch (e) { reject(new Error(`not JSON: ${text.slice(0, 200)}`)); return; }
        if (res.statusCode !== 200 || !r.allowed || !r.patch) {
          reject(new Error(`not injected: ${JSON.stringify(r).slice(0, 300)}`));
          return;
        }
        resolve(ms);
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

const pct = (a, p) => a[Math.min(a.length - 1, Math.floor(a.length * p))];
for (let i = 0; i < warm; i++) await post(bodies[0]);
const lat = [];
for (const b of bodies) lat.push(await post(b));
lat.sort((x, y) => x - y);
const r2 = (x) => Math.round(x * 100) / 100;
console.log(JSON.stringify({ n: lat.length, p50_ms: r2(pct(lat, 0.5)), p90_ms: r2(pct(lat, 0.9)),
  p99_ms: r2(pct(lat, 0.99)), max_ms: r2(lat[lat.length - 1]) }));
agent.destroy();
