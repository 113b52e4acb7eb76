'use strict';
// The variables a service requires of its own, beyond the ones every service shares: what its main.cc and
// its config.cc (its settings, read before anything else) read with Required, Secret, PrivateKey or getenv.
const fs = require('fs');
const path = require('path');

function requiredEnv(root, service) {
  const found = [];
  for (const file of ['main.cc', 'config.cc']) {
    const p = path.join(root, 'services', service, file);
    if (!fs.existsSync(p)) continue;
    const text = fs.readFileSync(p, 'utf8');
    for (const [, v] of text.matchAll(/\b(?:Required|Secret|PrivateKey|getenv)\("(MINYI_[A-Z0-9_]+)"/g)) {
      found.push({ name: v, file: `services/${service}/${file}` });
    }
  }
  return found;
}

module.exports = { requiredEnv };
