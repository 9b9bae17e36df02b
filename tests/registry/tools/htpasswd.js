#!/usr/bin/env node
// htpasswd.js USER:PASSWORD...: an htpasswd file on stdout, bcrypt only
// (the one format Distribution's htpasswd auth accepts).
'use strict';
const bcrypt = require('bcryptjs');

const pairs = process.argv.slice(2);
if (pairs.length === 0) {
  process.stderr.write('usage: htpasswd.js USER:PASSWORD...\n');
  process.exit(64);
}
for (const pair of pairs) {
  const colon = pair.indexOf(':');
  if (colon <= 0) {
    process.stderr.write(`htpasswd.js: USER:PASSWORD expected, got ${pair}\n`);
    process.exit(64);
  }
  process.stdout.write(`${pair.slice(0, colon)}:${bcrypt.hashSync(pair.slice(colon + 1), 8)}\n`);
}
