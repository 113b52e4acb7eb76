#!/usr/bin/env node
// Checks deploy/docker-compose.yml statically:
//   node check-compose.js <repo-root> <compose.yml> <env.example> <service:port>...
// - it validates against the Compose Specification JSON schema (the copy the npm package dclint
//   ships), after YAML merge keys (<<) are resolved as Compose resolves them;
// - PostgreSQL and Redis have named volumes and health checks; every service of services/*/main.cc
//   is there, built from the Dockerfile with its SERVICE and ports, starting after PostgreSQL and
//   Redis are healthy; the gateway starts after every service is healthy and names each in
//   MINYI_BACKENDS;
// - every ${VARIABLE} used has a default or is in the .env example, and the example holds no secret.
'use strict';

const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

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
  for (const v of ['MINYI_PG_DSN', 'MINYI_REDIS_ADDR', 'MINYI_JWT_SECRET']) {
    if (!env[v]) problem(`${s.name}: environment ${v} is missing`);
  }
  if (svc.stop_signal && svc.stop_signal !== 'SIGTERM') problem(`${s.name}: stop_signal must be SIGTERM`);
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
  if (!env.MINYI_JWT_SECRET) problem('gateway: environment MINYI_JWT_SECRET is missing');
  if (!(gw.ports || []).length) problem('gateway: publishes no port');
}

// ---- variables and the .env example -------------------------------------------------------
const envFile = path.resolve(root, envArg);
const envText = fs.readFileSync(envFile, 'utf8');
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
