// A stand-in for the API server's pod reads, for the webhook's kubectl exec
// reviews (tests/webhook/60-exec.bats, tests/e2e/46-webhook-exec.bats,
// make bench-webhook). No real API server runs in the tests: this answers
// GET /api/v1/namespaces/NS/pods/NAME the way the API server does, over
// HTTPS with keep-alive:
//   - without "Authorization: Bearer TOKEN" (the token in --token-file,
//     read at each request): 401 and a Status {reason: Unauthorized};
//   - DIR/NS/NAME.json: 200 and that pod (metadata.name and namespace set);
//   - DIR/NS/NAME.status holding a code (403, 500...): that code and a
//     Status saying so; DIR/NS/NAME.hang: no answer at all;
//   - anything else: 404 and a Status {reason: NotFound, message:
//     'pods "NAME" not found'}.
// Every request is appended to --log as a JSON line {method, path, auth,
// port}: port is the client's, one per connection.
//
//   node kubeapi.mjs --cert F --key F --token-file F --pods DIR --port-file F --log F
import fs from "node:fs";
import https from "node:https";
import path from "node:path";

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];

function status(res, code, reason, message, details) {
  const body = JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
                                message, reason, details, code });
  res.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

const server = https.createServer({ cert: fs.readFileSync(args.cert), key: fs.readFileSync(args.key), keepAliveTimeout: 60000 },
  (req, res) => {
    const auth = req.headers.authorization || "";
    fs.appendFileSync(args.log, `${JSON.stringify({ method: req.method, path: req.url, auth, port: req.socket.remotePort })}\n`);
    const token = fs.readFileSync(args["token-file"], "utf8").trim();
    if (auth !== `Bearer ${token}`) return status(res, 401, "Unauthorized", "Unauthorized");
    const m = /^\/api\/v1\/namespaces\/([^/?]+)\/pods\/([^/?]+)$/.exec(req.url);
    if (req.method !== "GET" || !m) return status(res, 404, "NotFound", "the server could not find the requested resource");
    const [ns, name] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
    const base = path.join(args.pods, ns, name);
    if (ns.includes("/") || name.includes("/") || ns.startsWith(".") || name.startsWith("."))
      return status(res, 400, "BadRequest", "invalid name");
    if (fs.existsSync(`${base}.hang`)) return; // never answers
    if (fs.existsSync(`${base}.status`)) {
      const code = Number(fs.readFileSync(`${base}.status`, "utf8").trim());
      return status(res, code, code === 403 ? "Forbidden" : "InternalError",
        code === 403 ? `pods "${name}" is forbidden: User "system:serviceaccount:strict-groups:strict-groups-webhook" cannot get resource "pods" in API group "" in the namespace "${ns}"`
                     : `an error on the server ("internal") has prevented the request from succeeding`);
    }
    let pod;
    try { pod = JSON.parse(fs.readFileSync(`${base}.json`, "utf8")); } catch (e) {
      return status(res, 404, "NotFound", `pods "${name}" not found`, { name, kind: "pods" });
    }
    pod.apiVersion = "v1";
    pod.kind = "Pod";
    pod.metadata = { ...pod.metadata, name, namespace: ns };
    const body = JSON.stringify(pod);
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  });
server.listen(0, "127.0.0.1", () => fs.writeFileSync(args["port-file"], `${server.address().port}\n`));
process.on("SIGTERM", () => process.exit(0));
