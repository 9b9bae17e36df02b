#!/usr/bin/env node
// token-server.js: a Bearer token service for Distribution's `auth: token`
// (the protocol Docker Hub's auth server speaks), for the e2e suite only.
//
//   token-server.js --cert F --key F --sign-key F --sign-cert F --issuer I
//                   --service S --users FILE --port-file F --log F
//
// HTTPS on 127.0.0.1, a free port written to --port-file once listening.
// GET /token?service=S&scope=repository:NAME:ACTIONS[&scope=...]:
//   Basic credentials from --users (JSON {"user": "password"}) get pull
//   and push everywhere; anonymous requests get pull on repositories
//   under public/; wrong credentials get 401. The token is a JWT (RS256)
//   whose x5c header carries --sign-cert, which the registry verifies
//   against its rootcertbundle (the test CA). Every request is logged as
//   one JSON line: {"user", "scopes", "service", "status"}.
'use strict';
const fs = require('fs');
const https = require('https');
const crypto = require('crypto');
const jose = require('jose');

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) {
      process.stderr.write(`token-server.js: bad argument ${argv[i]}\n`);
      process.exit(64);
    }
    out[argv[i].slice(2)] = argv[i + 1];
  }
  for (const k of ['cert', 'key', 'sign-key', 'sign-cert', 'issuer', 'service', 'users', 'port-file', 'log']) {
    if (!out[k]) {
      process.stderr.write(`token-server.js: --${k} missing\n`);
      process.exit(64);
    }
  }
  return out;
}

const opt = args();
const users = JSON.parse(fs.readFileSync(opt.users, 'utf8'));
const signCertPem = fs.readFileSync(opt['sign-cert'], 'utf8');
const x5c = [signCertPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')];
let signKey;

function log(entry) {
  fs.appendFileSync(opt.log, JSON.stringify(entry) + '\n');
}

function who(req) {
  const h = req.headers.authorization;
  if (!h) return { user: '' };
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(h);
  if (!m) return null;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  const user = text.slice(0, colon);
  const password = text.slice(colon + 1);
  const want = users[user];
  if (typeof want !== 'string' ||
      want.length !== password.length ||
      !crypto.timingSafeEqual(Buffer.from(want), Buffer.from(password))) return null;
  return { user };
}

function grant(user, scope) {
  const parts = scope.split(':');
  if (parts.length < 3 || parts[0] !== 'repository') return null;
  const actions = parts[parts.length - 1].split(',');
  const name = parts.slice(1, parts.length - 1).join(':');
  const allowed = user ? ['pull', 'push'] : (name.startsWith('public/') ? ['pull'] : []);
  return { type: 'repository', name, actions: actions.filter((a) => allowed.includes(a)) };
}

async function handle(req, res) {
  const url = new URL(req.url, 'https://127.0.0.1');
  const scopes = url.searchParams.getAll('scope');
  const service = url.searchParams.get('service');
  const id = who(req);
  const reply = (status, body) => {
    log({ user: id ? id.user : '(refused)', scopes, service, status });
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method !== 'GET' || url.pathname !== '/token') return reply(404, { errors: [{ code: 'NOT_FOUND' }] });
  if (service !== opt.service) return reply(400, { errors: [{ code: 'UNSUPPORTED', message: 'unknown service' }] });
  if (!id) {
    res.setHeader('WWW-Authenticate', 'Basic realm="token"');
    return reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'wrong credentials' }] });
  }
  const access = scopes.map((s) => grant(id.user, s)).filter(Boolean);
  const now = Math.floor(Date.now() / 1000);
  const token = await new jose.SignJWT({ access })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5c })
    .setIssuer(opt.issuer)
    .setSubject(id.user)
    .setAudience(opt.service)
    .setIssuedAt(now)
    .setNotBefore(now - 10)
    .setExpirationTime(now + 300)
    .setJti(crypto.randomBytes(12).toString('hex'))
    .sign(signKey);
  reply(200, { token, access_token: token, expires_in: 300, issued_at: new Date(now * 1000).toISOString() });
}

(async () => {
  signKey = await jose.importPKCS8(fs.readFileSync(opt['sign-key'], 'utf8'), 'RS256');
  const server = https.createServer({
    cert: fs.readFileSync(opt.cert),
    key: fs.readFileSync(opt.key),
  }, (req, res) => {
    handle(req, res).catch((e) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  server.listen(0, '127.0.0.1', () => {
    fs.writeFileSync(opt['port-file'], `${server.address().port}\n`);
  });
})();
