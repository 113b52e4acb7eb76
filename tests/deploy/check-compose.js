#!/usr/bin/env node
// Checks deploy/docker-compose.yml statically:
//   node check-compose.js <repo-root> <compose.yml> <env.example> <service:port>...
// - it validates against the Compose Specification JSON schema (the copy the npm package dclint
//   ships), after YAML merge keys (<<) are resolved as Compose resolves them;
// - PostgreSQL and Redis have named volumes and health checks; every service of services/*/main.cc
//   is there, built from the Dockerfile with its SERVICE and ports, starting after PostgreSQL and
//   Redis are healthy; the gateway starts after every service is healthy and names each in
//   MINYI_BACKENDS;
// - every variable a service's main.cc or config.cc requires is in its environment;
// - keys: every service gets the verify bundle, the services' public keys and its own private key, and
//   no other service's; only identity gets the token signing key; the gateway gets no private key and
//   MINYI_REDIS_ADDR; every key variable names a file of a read-only mount; no MINYI_JWT_SECRET;
// - database roles: every service's MINYI_PG_DSN connects as its own role minyi_<service> with its own
//   password variable, never the superuser's; the one-shot postgres-roles makes each of those roles with
//   that same password (deploy/postgres/service-roles.sh) and every service starts after it completed;
//   a role's connection limit leaves room above the pool;
// - every ${VARIABLE} used has a default or is in the .env example, and the example holds no secret.
'use strict';

const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const { requiredEnv } = require('./lib/required-env');

const [root, composeArg, envArg, ...serviceArgs] = process.argv.slice(2);
if (!root || !composeArg || !envArg) {
  console.error('usage: check-compose.js <repo-root> <compose.yml> <env.example> <service:port>...');
  process.exit(2);
}
const composeFile = path.resolve(root, composeArg);
const rel = path.relative(root, composeFile);
const services = serviceArgs.map((s) => {
  const [name, port] = s.split(':');
  return { name, port: Number(port), metrics: Number(port) + 2000 };
});
const problems = [];
const problem = (msg) => problems.push(`${rel}: ${msg}`);

const text = fs.readFileSync(composeFile, 'utf8');
const doc = YAML.parseDocument(text, { merge: true });
if (doc.errors.length) {
  console.error(`FAIL ${rel}: YAML does not parse: ${doc.errors[0].message}`);
  process.exit(1);
}
const compose = doc.toJS({ maxAliasCount: -1 });

// ---- schema -------------------------------------------------------------------------------
const schemaFile = path.join(__dirname, 'node_modules', 'dclint', 'schemas', 'compose.schema.json');
if (!fs.existsSync(schemaFile)) {
  console.error(`FAIL ${schemaFile} is missing: run npm ci --prefix tests/deploy`);
  process.exit(1);
}
const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
// It says draft-07 by an https URI Ajv does not know; Ajv's default dialect is draft-07 itself.
delete schema.$schema;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);
if (!validate(compose)) {
  for (const e of validate.errors) problem(`schema: ${e.instancePath || '/'} ${e.message}${e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);
}

const svcs = compose.services || {};
const healthyDeps = (svc) => Object.entries((svc && svc.depends_on) || {})
  .filter(([, v]) => v && v.condition === 'service_healthy').map(([k]) => k);
// Where a container path comes from: the volume mounted at it or at a folder above it.
const mountOf = (svc, target) => ((svc && svc.volumes) || [])
  .map((v) => (typeof v === 'string'
    ? { source: v.split(':')[0], target: v.split(':')[1], read_only: /:ro$/.test(v) }
    : v))
  .find((v) => v.target && (target === v.target || target.startsWith(`${v.target}/`)));
const PRIVATE_KEY = /\/services\/([a-z0-9_]+)\.key\.pem$/;
const SIGNING_KEY = /token-signing[^/]*\.pem$/;
// The one service that signs access tokens.
const ISSUER = 'identity';
// Each variable that names a key file (or folder), and the file it must come from.
function checkKeys(name, svc, wanted) {
  const env = envOf(svc);
  for (const [variable, source] of Object.entries(wanted)) {
    const path = env[variable];
    if (!path) {
      problem(`${name}: environment ${variable} is missing`);
      continue;
    }
    const m = mountOf(svc, path);
    if (!m) {
      problem(`${name}: ${variable} (${path}) is on no mounted volume`);
    } else {
      if (m.read_only !== true) problem(`${name}: the key mount at ${m.target} must be read_only`);
      if (!String(m.source).endsWith(source)) problem(`${name}: ${variable} must be mounted from ${source} (is ${m.source})`);
    }
  }
  for (const v of (svc.volumes || [])) {
    const source = String(typeof v === 'string' ? v.split(':')[0] : v.source);
    const own = PRIVATE_KEY.exec(source);
    if (own && own[1] !== name) problem(`${name}: mounts ${own[1]}'s private key (${source})`);
    if (SIGNING_KEY.test(source) && name !== ISSUER) problem(`${name}: mounts the token signing key; only ${ISSUER} may`);
  }
}
const envOf = (svc) => {
  const env = (svc && svc.environment) || {};
  return Array.isArray(env) ? Object.fromEntries(env.map((e) => [e.split('=')[0], e.split('=').slice(1).join('=')])) : env;
};

// ---- data stores --------------------------------------------------------------------------
for (const store of ['postgres', 'redis']) {
  const s = svcs[store];
  if (!s) {
    problem(`no service ${store}`);
    continue;
  }
  if (!s.healthcheck || !s.healthcheck.test) problem(`${store}: needs a healthcheck (the services wait for it)`);
  const named = (s.volumes || []).map((v) => (typeof v === 'string' ? v.split(':')[0] : v.source))
    .filter((v) => v && (compose.volumes || {})[v] !== undefined);
  if (named.length === 0) problem(`${store}: needs a named volume (declared under volumes:) for its data`);
}

// ---- every service and the gateway --------------------------------------------------------
const dockerfileText = {};
function checkBuild(name, svc, target) {
  const b = svc.build;
  if (!b || typeof b !== 'object') {
    problem(`${name}: build must name the context and deploy/docker/Dockerfile`);
    return;
  }
  const ctx = path.resolve(path.dirname(composeFile), b.context || '.');
  const df = path.join(ctx, b.dockerfile || 'Dockerfile');
  if (!fs.existsSync(df)) {
    problem(`${name}: build.dockerfile ${b.dockerfile} does not exist (context ${b.context})`);
    return;
  }
  if (ctx !== path.resolve(root)) problem(`${name}: build.context must be the repository root`);
  dockerfileText[df] = dockerfileText[df] || fs.readFileSync(df, 'utf8');
  if (!new RegExp(`^FROM\\s+\\S+\\s+AS\\s+${target}\\s*$`, 'mi').test(dockerfileText[df])) {
    problem(`${name}: build target ${target} is not a stage of ${b.dockerfile}`);
  }
  if (b.target !== target) problem(`${name}: build.target must be ${target}`);
}

for (const s of services) {
  const svc = svcs[s.name];
  if (!svc) {
    problem(`no service ${s.name} (every folder of services/ with a main.cc needs one)`);
    continue;
  }
  checkBuild(s.name, svc, 'service');
  const args = (svc.build && svc.build.args) || {};
  if (args.SERVICE !== s.name) problem(`${s.name}: build.args.SERVICE must be ${s.name}`);
  if (String(args.GRPC_PORT) !== String(s.port)) problem(`${s.name}: build.args.GRPC_PORT must be ${s.port}`);
  if (String(args.METRICS_PORT) !== String(s.metrics)) problem(`${s.name}: build.args.METRICS_PORT must be ${s.metrics}`);
  for (const dep of ['postgres', 'redis']) {
    if (!healthyDeps(svc).includes(dep)) problem(`${s.name}: depends_on ${dep} with condition service_healthy is missing`);
  }
  const env = envOf(svc);
  for (const v of ['MINYI_PG_DSN', 'MINYI_REDIS_ADDR']) {
    if (!env[v]) problem(`${s.name}: environment ${v} is missing`);
  }
  checkKeys(s.name, svc, {
    MINYI_TOKEN_VERIFY_KEYS: '/token-verify.pem',
    MINYI_SERVICE_VERIFY_KEYS: '/service-public',
    MINYI_SERVICE_KEY: `/services/${s.name}.key.pem`,
    ...(s.name === ISSUER ? { MINYI_TOKEN_SIGNING_KEY: '/token-signing.pem' } : {}),
  });
  if (s.name !== ISSUER && env.MINYI_TOKEN_SIGNING_KEY) problem(`${s.name}: MINYI_TOKEN_SIGNING_KEY is set; only ${ISSUER} signs tokens`);
  // What the service requires beyond the common variables (the services it calls, its keys).
  for (const { name: v, file } of requiredEnv(root, s.name)) {
    if (!(v in env)) problem(`${s.name}: environment ${v} (required by ${file}) is missing`);
  }
  if (svc.stop_signal && svc.stop_signal !== 'SIGTERM') problem(`${s.name}: stop_signal must be SIGTERM`);
}

// ---- database roles -------------------------------------------------------------------------
// The variable a ${VAR...} reference names, and its default when it has one.
const reference = (value) => /^\$\{([A-Z_][A-Z0-9_]*)(?::?-([^}]*))?[^}]*\}$/.exec(String(value || '').trim());
const roles = svcs['postgres-roles'];
const rolesEnv = envOf(roles);
if (!roles) {
  problem('no service postgres-roles (it makes each service\'s own database role)');
} else {
  if (!healthyDeps(roles).includes('postgres')) problem('postgres-roles: depends_on postgres with condition service_healthy is missing');
  const script = 'service-roles.sh';
  const cmd = [].concat(roles.entrypoint || [], roles.command || []).join(' ');
  const scriptPath = (cmd.match(/\S*service-roles\.sh/) || [])[0];
  const m = scriptPath && mountOf(roles, scriptPath);
  if (!m) problem(`postgres-roles: its command must run ${script} from a mounted folder`);
  else if (!fs.existsSync(path.resolve(path.dirname(composeFile), m.source, path.relative(m.target, scriptPath)))) {
    problem(`postgres-roles: ${scriptPath} is not in ${m.source}`);
  }
  for (const v of ['PGHOST', 'PGUSER', 'PGPASSWORD', 'PGDATABASE']) if (!rolesEnv[v]) problem(`postgres-roles: environment ${v} is missing`);
  const made = String(rolesEnv.MINYI_SERVICES || '').split(/\s+/).filter(Boolean);
  for (const s of services) if (!made.includes(s.name)) problem(`postgres-roles: MINYI_SERVICES must name ${s.name}`);
  const limit = reference(rolesEnv.MINYI_PG_CONNECTION_LIMIT);
  const pool = reference((compose['x-service'] && envOf(compose['x-service']).MINYI_PG_POOL_SIZE) || envOf(svcs[services[0] && services[0].name]).MINYI_PG_POOL_SIZE);
  if (!limit || !pool || !(Number(limit[2]) > Number(pool[2]))) {
    problem('postgres-roles: MINYI_PG_CONNECTION_LIMIT must default to more than MINYI_PG_POOL_SIZE\'s default');
  }
}
for (const s of services) {
  const svc = svcs[s.name];
  if (!svc) continue;
  const dsn = String(envOf(svc).MINYI_PG_DSN || '');
  const m = /^postgresql:\/\/([^:@/]+):(\$\{[^}]*\})@/.exec(dsn);
  const passwordVar = `MINYI_PG_PASSWORD_${s.name.toUpperCase()}`;
  if (!m || m[1] !== `minyi_${s.name}`) {
    problem(`${s.name}: MINYI_PG_DSN must connect as its own role minyi_${s.name} (is ${dsn.replace(/:[^:@/]*@/, ':...@')})`);
  } else {
    const password = reference(m[2]);
    if (!password || password[1] !== passwordVar) problem(`${s.name}: MINYI_PG_DSN's password must be \${${passwordVar}}`);
    const given = reference(rolesEnv[passwordVar]);
    if (roles && (!given || given[1] !== passwordVar)) problem(`postgres-roles: environment ${passwordVar} must be \${${passwordVar}}, the password ${s.name} connects with`);
  }
  if (/POSTGRES_PASSWORD|POSTGRES_USER/.test(JSON.stringify(envOf(svc)))) problem(`${s.name}: is given the superuser's credentials`);
  const after = (svc.depends_on || {})['postgres-roles'];
  if (!after || after.condition !== 'service_completed_successfully') {
    problem(`${s.name}: depends_on postgres-roles with condition service_completed_successfully is missing`);
  }
}

const gw = svcs.gateway;
if (!gw) {
  problem('no service gateway');
} else {
  checkBuild('gateway', gw, 'gateway');
  const env = envOf(gw);
  const backends = new Map(String(env.MINYI_BACKENDS || '').split(',').filter(Boolean).map((e) => e.split('=')));
  for (const s of services) {
    if (backends.get(s.name) !== `${s.name}:${s.port}`) problem(`gateway: MINYI_BACKENDS must contain ${s.name}=${s.name}:${s.port}`);
    if (!healthyDeps(gw).includes(s.name)) problem(`gateway: depends_on ${s.name} with condition service_healthy is missing`);
  }
  for (const name of backends.keys()) {
    if (!services.some((s) => s.name === name)) problem(`gateway: MINYI_BACKENDS names ${name}, which has no services/${name}/main.cc`);
  }
  checkKeys('gateway', gw, { MINYI_TOKEN_VERIFY_KEYS: '/token-verify.pem' });
  for (const v of (gw.volumes || [])) {
    const source = String(typeof v === 'string' ? v.split(':')[0] : v.source);
    if (PRIVATE_KEY.test(source)) problem(`gateway: mounts a private key (${source}); it holds public keys only`);
  }
  for (const v of ['MINYI_SERVICE_KEY', 'MINYI_TOKEN_SIGNING_KEY']) if (env[v]) problem(`gateway: ${v} is set; it holds public keys only`);
  // The gateway reads token revocations from Redis.
  if (!env.MINYI_REDIS_ADDR) problem('gateway: environment MINYI_REDIS_ADDR is missing');
  if (!(gw.ports || []).length) problem('gateway: publishes no port');
}

// ---- variables and the .env example -------------------------------------------------------
const envFile = path.resolve(root, envArg);
const envText = fs.readFileSync(envFile, 'utf8');
// One HS256 key in every process is gone: tokens are signed by identity's key alone.
if (/MINYI_JWT_SECRET/.test(text)) problem('MINYI_JWT_SECRET is gone (keys: deploy/keys); remove it');
if (/MINYI_JWT_SECRET/.test(envText)) problems.push(`${path.relative(root, envFile)}: MINYI_JWT_SECRET is gone; remove it`);
const example = new Map();
envText.split('\n').forEach((line, i) => {
  if (!line.trim() || line.trim().startsWith('#')) return;
  const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
  if (!m) {
    problems.push(`${path.relative(root, envFile)}:${i + 1}: not NAME=value`);
    return;
  }
  example.set(m[1], m[2]);
});
for (const m of text.replace(/\$\$/g, '').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+][^}]*)?\}/g)) {
  const [, name, modifier] = m;
  const hasDefault = modifier && /^:?-/.test(modifier);
  if (!hasDefault && !example.has(name)) problem(`\${${name}} is neither defaulted nor in ${path.relative(root, envFile)}`);
}
for (const [name, value] of example) {
  if (/PASSWORD|SECRET|TOKEN|KEY/.test(name) && value && !/change-me/i.test(value)) {
    problems.push(`${path.relative(root, envFile)}: ${name} has a value that looks real; the example keeps only placeholders (change-me...)`);
  }
}

if (problems.length) {
  for (const p of problems) console.error(`FAIL ${p}`);
  process.exit(1);
}
console.log(`ok: ${rel}: valid Compose file; ${services.length} services and the gateway complete`);
