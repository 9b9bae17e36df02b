#!/usr/bin/env node
// blob-server.js: the storage a registry redirects blob downloads to (the
// way Distribution's `redirect` storage middleware sends them to S3 or a
// CDN), for the e2e suite only: serves the files under --root for GET and
// HEAD, over HTTPS with --cert/--key or plain HTTP without, on 127.0.0.1
// and a free port written to --port-file. Each request is logged as one
// JSON line {"method", "path", "authorization", "status"}: the suite checks
// that no credentials ever reach it.
'use strict';
const fs = require('fs');
const http = require('http');
const https = require('https');
const path = require('path');

const opt = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) opt[argv[i].replace(/^--/, '')] = argv[i + 1];
for (const k of ['root', 'port-file', 'log']) {
  if (!opt[k]) {
    process.stderr.write(`blob-server.js: --${k} missing\n`);
    process.exit(64);
  }
}
const root = path.resolve(opt.root);

function handle(req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const file = path.resolve(root, '.' + decodeURIComponent(url.pathname));
  let status = 200;
  let stat = null;
  if (!['GET', 'HEAD'].includes(req.method)) status = 405;
  else if (!file.startsWith(root + path.sep)) status = 403;
  else {
    try {
      stat = fs.statSync(file);
      if (!stat.isFile()) status = 404;
    } catch (e) {
      status = 404;
    }
  }
  fs.appendFileSync(opt.log, JSON.stringify({
    method: req.method, path: url.pathname, authorization: req.headers.authorization !== undefined, status,
  }) + '\n');
  if (status !== 200) {
    res.writeHead(status);
    res.end();
    return;
  }
  res.writeHead(200, { 'Content-Length': stat.size, 'Content-Type': 'application/octet-stream' });
  if (req.method === 'HEAD') res.end();
  else fs.createReadStream(file).pipe(res);
}

const server = opt.cert
  ? https.createServer({ cert: fs.readFileSync(opt.cert), key: fs.readFileSync(opt.key) }, handle)
  : http.createServer(handle);
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(opt['port-file'], `${server.address().port}\n`);
});
