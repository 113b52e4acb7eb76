#!/usr/bin/env node
// Checks one rendered kustomize overlay (the output of `kubectl kustomize k8s/overlays/<name>`):
//   node check-k8s.js <overlay-name> <rendered.yaml> <service:port>...
// - every object validates against the Kubernetes API schemas (kubernetes-models), unknown fields
//   included; kinds the package does not know fail, except the CRDs listed in KNOWN_CRDS;
// - every service (and the gateway) has its ServiceAccount, Deployment, Service, HPA, PDB and
//   NetworkPolicy, named ports, native gRPC probes on its port, and is in MINYI_BACKENDS;
// - every workload is hardened (non-root, read-only root filesystem, no capabilities, seccomp
//   RuntimeDefault, requests and limits) and Minyi's stop gracefully (preStop sleep, grace period
//   longer than the sleep plus MINYI_SHUTDOWN_GRACE_SECONDS);
// - keys are files: every service mounts the token verify bundle and the services' public keys from their
//   ConfigMaps and its own private key from its Secret minyi-service-key-<service>, and no other service's;
//   only identity mounts the token signing key; the gateway mounts no private key; Secret volumes are
//   unreadable by others (defaultMode); nothing names the retired minyi-jwt Secret or MINYI_JWT_SECRET;
// - NetworkPolicies let each workload reach what its MINYI_<X>_ADDR variables name (a caller's egress and
//   the callee's ingress): a service calling another, and the gateway and services reaching Redis;
// - database roles: every service's MINYI_PG_DSN comes from its own Secret minyi-pg-<service>, whose role
//   minyi_<service> the overlay's PostgreSQL makes: a CloudNativePG Cluster keeps it in spec.managed.roles
//   (login, nothing more, password from that same Secret, a connection limit) and makes its schema owned
//   by it; an in-cluster postgres makes it and its schema in its init script, with the password of that
//   same Secret;
// - no Secret object and no secret value is in the output.
'use strict';

const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const { validateObject } = require('./lib/k8s-schema');
const { requiredEnv } = require('./lib/required-env');

// Custom resources whose operator is installed separately; kubernetes-models has no schema for them,
// so they only get a structural check here.
const KNOWN_CRDS = {
  'postgresql.cnpg.io/v1': ['Cluster', 'ScheduledBackup', 'Pooler', 'Backup'],
  'monitoring.coreos.com/v1': ['PrometheusRule'],  // its rules: check-alerts.js
};
const SECRET_ENV = ['MINYI_PG_DSN', 'MINYI_BOOTSTRAP_ADMIN_PASSWORD'];
// The one service that signs access tokens, and the Secrets and ConfigMaps the keys come from
// (docs/deploy.md, "Secrets").
const ISSUER = 'identity';
const SIGNING_SECRET = 'minyi-token-signing-key';
const SERVICE_KEY_SECRET = /^minyi-service-key-(.+)$/;

const [overlay, file, ...serviceArgs] = process.argv.slice(2);
if (!overlay || !file) {
  console.error('usage: check-k8s.js <overlay> <rendered.yaml> <service:port>...');
  process.exit(2);
}
const services = serviceArgs.map((s) => {
  const [name, port] = s.split(':');
  return { name, port: Number(port), metrics: Number(port) + 2000 };
});

const problems = [];
const notes = [];
const problem = (msg) => problems.push(`k8s/overlays/${overlay}: ${msg}`);

// ---- parse and validate every object ---------------------------------------------------------
const rendered = fs.readFileSync(file, 'utf8');
// One HS256 secret shared by every process is gone: access tokens are signed by identity's key alone.
if (/minyi-jwt\b/.test(rendered)) problem('the Secret minyi-jwt is gone (keys: docs/deploy.md, "Secrets"); nothing may name it');
if (/MINYI_JWT_SECRET/.test(rendered)) problem('MINYI_JWT_SECRET is gone; nothing may set it');
const objects = [];
for (const doc of YAML.parseAllDocuments(rendered)) {
  if (doc.errors.length) {
    problem(`kustomize output does not parse: ${doc.errors[0].message}`);
    continue;
  }
  const obj = doc.toJS();
  if (obj) objects.push(obj);
}
if (objects.length === 0) problem('kustomize rendered no object');

for (const obj of objects) {
  const id = `${obj.kind} ${obj.metadata && obj.metadata.name}`;
  if (!obj.apiVersion || !obj.kind || !obj.metadata || !obj.metadata.name) {
    problem(`an object lacks apiVersion, kind or metadata.name: ${JSON.stringify(obj).slice(0, 120)}`);
    continue;
  }
  if ((KNOWN_CRDS[obj.apiVersion] || []).includes(obj.kind)) {
    if (typeof obj.spec !== 'object' || obj.spec === null) problem(`${id}: custom resource without spec`);
    notes.push(`${id} (${obj.apiVersion}): custom resource, schema not checked (no CRD schema offline)`);
    continue;
  }
  const result = validateObject(obj);
  if (result === null) {
    problem(`${id}: unknown kind ${obj.apiVersion}/${obj.kind} (not in the Kubernetes API; a CRD must be listed in KNOWN_CRDS of tests/deploy/check-k8s.js)`);
    continue;
  }
  for (const p of result) problem(`${id}: ${p}`);
  if (obj.kind === 'Secret') {
    problem(`${id}: Secrets are created out of band (docs/deploy.md), never kept in the repository`);
  }
}

const find = (kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const all = (kind) => objects.filter((o) => o.kind === kind);
const labelsMatch = (selector, labels) =>
  selector && Object.entries(selector).every(([k, v]) => labels && labels[k] === v);

// ---- configuration ---------------------------------------------------------------------------
const configMaps = all('ConfigMap').filter((c) => c.metadata.name.startsWith('minyi-config'));
if (configMaps.length !== 1) problem(`expected one ConfigMap minyi-config-<hash>, found ${configMaps.length}`);
const config = (configMaps[0] && configMaps[0].data) || {};
const shutdownGrace = Number(config.MINYI_SHUTDOWN_GRACE_SECONDS || 10);
const backends = new Map(
  (config.MINYI_BACKENDS || '').split(',').filter(Boolean).map((e) => e.split('=')),
);
for (const s of services) {
  if (backends.get(s.name) !== `${s.name}:${s.port}`) {
    problem(`MINYI_BACKENDS in k8s/base/config.env must contain ${s.name}=${s.name}:${s.port} (has ${config.MINYI_BACKENDS || 'nothing'})`);
  }
}
for (const name of backends.keys()) {
  if (!services.some((s) => s.name === name)) problem(`MINYI_BACKENDS names ${name}, which has no services/${name}/main.cc`);
}

// ---- workloads: hardening ---------------------------------------------------------------------
const workloads = objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(o.kind));
function podSpecOf(w) {
  return w.kind === 'CronJob' ? w.spec.jobTemplate.spec.template.spec : w.spec.template.spec;
}
for (const w of workloads) {
  const id = `${w.kind} ${w.metadata.name}`;
  const pod = podSpecOf(w) || {};
  const psc = pod.securityContext || {};
  if (psc.runAsNonRoot !== true) problem(`${id}: pod securityContext.runAsNonRoot must be true`);
  if (!(psc.runAsUser > 0)) problem(`${id}: pod securityContext.runAsUser must be a non-root uid`);
  if (pod.automountServiceAccountToken !== false) problem(`${id}: automountServiceAccountToken must be false`);
  for (const c of [...(pod.initContainers || []), ...(pod.containers || [])]) {
    const cid = `${id} container ${c.name}`;
    const sc = c.securityContext || {};
    const seccomp = (sc.seccompProfile || psc.seccompProfile || {}).type;
    if (seccomp !== 'RuntimeDefault') problem(`${cid}: seccompProfile must be RuntimeDefault`);
    if (sc.readOnlyRootFilesystem !== true) problem(`${cid}: readOnlyRootFilesystem must be true`);
    if (sc.allowPrivilegeEscalation !== false) problem(`${cid}: allowPrivilegeEscalation must be false`);
    if (!((sc.capabilities || {}).drop || []).includes('ALL')) problem(`${cid}: capabilities.drop must include ALL`);
    if (sc.privileged) problem(`${cid}: must not be privileged`);
    const r = c.resources || {};
    if (!r.requests || !r.requests.cpu || !r.requests.memory) problem(`${cid}: resources.requests.cpu and .memory are required`);
    if (!r.limits || !r.limits.memory) problem(`${cid}: resources.limits.memory is required`);
    const last = String(c.image).split('/').pop();
    if (/:latest$/.test(c.image) || !/:[\w.-]+$|@sha256:[0-9a-f]{64}$/.test(last)) {
      problem(`${cid}: image ${c.image} needs a fixed tag (set it in the overlay's images:)`);
    }
    for (const e of c.env || []) {
      if (SECRET_ENV.includes(e.name) && !(e.valueFrom && e.valueFrom.secretKeyRef)) {
        problem(`${cid}: ${e.name} must come from a Secret (valueFrom.secretKeyRef), not a value`);
      }
      if (/PASSWORD|SECRET/.test(e.name) && e.value !== undefined) {
        problem(`${cid}: ${e.name} has a literal value; reference a Secret instead`);
      }
    }
    for (const ef of c.envFrom || []) {
      if (ef.configMapRef && !find('ConfigMap', ef.configMapRef.name)) {
        problem(`${cid}: envFrom names ConfigMap ${ef.configMapRef.name}, which is not in the overlay`);
      }
      if (ef.secretRef) problem(`${cid}: envFrom secretRef hides which keys are secret; use secretKeyRef per variable`);
    }
  }
}

// ---- every microservice -----------------------------------------------------------------------
function sleepSeconds(container) {
  const ps = ((container.lifecycle || {}).preStop) || {};
  if (ps.sleep) return Number(ps.sleep.seconds);
  const cmd = (ps.exec || {}).command || [];
  return cmd[0] === 'sleep' || cmd[0] === '/bin/sleep' ? Number(cmd[1]) : NaN;
}

function checkCommon(name, ports) {
  const dep = find('Deployment', name);
  if (!dep) {
    problem(`${name}: no Deployment ${name} (k8s/base/${name}.yaml)`);
    return null;
  }
  const pod = dep.spec.template.spec;
  const labels = dep.spec.template.metadata.labels || {};
  const c = (pod.containers || []).find((x) => x.name === name);
  if (!c) {
    problem(`${name}: Deployment has no container named ${name}`);
    return null;
  }
  if (!find('ServiceAccount', name) || pod.serviceAccountName !== name) problem(`${name}: needs its own ServiceAccount ${name}`);
  for (const [portName, number] of Object.entries(ports)) {
    const p = (c.ports || []).find((x) => x.name === portName);
    if (!p || p.containerPort !== number) problem(`${name}: container port "${portName}" must be ${number}`);
  }
  const svc = find('Service', name);
  if (!svc) {
    problem(`${name}: no Service ${name}`);
  } else {
    if (!labelsMatch(svc.spec.selector, labels)) problem(`${name}: Service selector does not select the Deployment's pods`);
    for (const [portName, number] of Object.entries(ports)) {
      const p = (svc.spec.ports || []).find((x) => x.name === portName);
      if (!p || p.port !== number || p.targetPort !== portName) {
        problem(`${name}: Service port "${portName}" must be ${number} with targetPort ${portName}`);
      }
    }
  }
  const hpa = all('HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === name);
  if (!hpa) problem(`${name}: no HorizontalPodAutoscaler targets Deployment ${name}`);
  else if (!(hpa.spec.minReplicas >= 1 && hpa.spec.maxReplicas >= hpa.spec.minReplicas)) problem(`${name}: HPA replica bounds are wrong`);
  if (hpa && dep.spec.replicas !== undefined) problem(`${name}: Deployment sets replicas although an HPA scales it (they would fight)`);
  if (!all('PodDisruptionBudget').some((p) => labelsMatch(p.spec.selector.matchLabels, labels))) {
    problem(`${name}: no PodDisruptionBudget selects its pods`);
  }
  const np = all('NetworkPolicy').find((n) => (n.spec.podSelector.matchLabels || {})['app.kubernetes.io/name'] === name);
  if (!np) problem(`${name}: no NetworkPolicy of its own (k8s/components/network-policies/${name}.yaml)`);

  const sleep = sleepSeconds(c);
  if (!(sleep > 0)) problem(`${name}: needs a preStop sleep so the endpoints drain before SIGTERM`);
  const grace = pod.terminationGracePeriodSeconds;
  if (!(grace > (sleep || 0) + shutdownGrace)) {
    problem(`${name}: terminationGracePeriodSeconds (${grace}) must exceed preStop sleep (${sleep}) + MINYI_SHUTDOWN_GRACE_SECONDS (${shutdownGrace})`);
  }
  if (!c.livenessProbe || !c.readinessProbe) problem(`${name}: needs liveness and readiness probes`);
  return { dep, c, np, labels };
}

// ---- keys ---------------------------------------------------------------------------------------
// The Secrets a pod mounts as volumes (plain or projected).
function mountedSecrets(pod) {
  const names = [];
  for (const v of pod.volumes || []) {
    if (v.secret) names.push(v.secret.secretName);
    for (const src of (v.projected || {}).sources || []) if (src.secret) names.push(src.secret.name);
  }
  return names;
}
// A key variable of container `c` must name a file (or, for a folder, the mount itself) of a read-only
// volume from `source` ({configMap|secret: name}) holding `key` ('' for the whole folder).
function checkKeyFile(id, pod, c, variable, source, key) {
  const env = (c.env || []).find((e) => e.name === variable);
  if (!env || !env.value) {
    problem(`${id}: ${variable} is not set (a path under a mounted ${source.configMap ? 'ConfigMap' : 'Secret'})`);
    return;
  }
  const vm = (c.volumeMounts || []).find((m) => env.value === m.mountPath || env.value.startsWith(`${m.mountPath}/`));
  const vol = vm && (pod.volumes || []).find((v) => v.name === vm.name);
  if (!vol) {
    problem(`${id}: ${variable} (${env.value}) is on no mounted volume`);
    return;
  }
  const from = source.configMap ? vol.configMap && vol.configMap.name : vol.secret && vol.secret.secretName;
  const want = source.configMap || source.secret;
  if (from !== want) problem(`${id}: ${variable} must come from ${source.configMap ? 'ConfigMap' : 'Secret'} ${want} (mounts ${JSON.stringify(vol)})`);
  if (vm.readOnly !== true) problem(`${id}: the volumeMount of ${variable} must be readOnly`);
  const rest = path.posix.relative(vm.mountPath, env.value);
  const items = (vol.configMap || vol.secret || {}).items;
  const file = items ? (items.find((i) => i.path === rest) || {}).key : rest;
  if (key && file !== key) problem(`${id}: ${variable} must name the key ${key} of ${want} (names ${rest || 'the folder'})`);
  if (!key && rest !== '') problem(`${id}: ${variable} must name the mounted folder ${vm.mountPath}`);
}
// Private keys: the processes refuse a file others can read, and a Secret volume's files are 0644 unless
// defaultMode says otherwise.
for (const w of workloads) {
  for (const v of podSpecOf(w).volumes || []) {
    if (v.secret && (v.secret.defaultMode === undefined || (v.secret.defaultMode & 0o007) !== 0)) {
      problem(`${w.kind} ${w.metadata.name}: Secret volume ${v.name} needs a defaultMode others cannot read (0400)`);
    }
  }
  const holders = mountedSecrets(podSpecOf(w));
  if (holders.includes(SIGNING_SECRET) && w.metadata.name !== ISSUER) {
    problem(`${w.kind} ${w.metadata.name}: mounts ${SIGNING_SECRET}; only ${ISSUER} may sign tokens`);
  }
}
function checkServiceKeys(s, dep, c) {
  const id = `${s.name}`;
  const pod = dep.spec.template.spec;
  checkKeyFile(id, pod, c, 'MINYI_TOKEN_VERIFY_KEYS', { configMap: 'minyi-token-keys' }, 'token-verify.pem');
  checkKeyFile(id, pod, c, 'MINYI_SERVICE_VERIFY_KEYS', { configMap: 'minyi-service-keys' }, '');
  checkKeyFile(id, pod, c, 'MINYI_SERVICE_KEY', { secret: `minyi-service-key-${s.name}` }, 'key.pem');
  const keys = mountedSecrets(pod).filter((n) => SERVICE_KEY_SECRET.test(n));
  for (const n of keys) {
    if (n !== `minyi-service-key-${s.name}`) problem(`${id}: mounts ${n}, another service's private key`);
  }
  if (s.name === ISSUER) {
    checkKeyFile(id, pod, c, 'MINYI_TOKEN_SIGNING_KEY', { secret: SIGNING_SECRET }, 'token-signing.pem');
  } else if ((c.env || []).some((e) => e.name === 'MINYI_TOKEN_SIGNING_KEY')) {
    problem(`${id}: MINYI_TOKEN_SIGNING_KEY is set; only ${ISSUER} signs tokens`);
  }
}

for (const s of services) {
  const r = checkCommon(s.name, { grpc: s.port, metrics: s.metrics });
  if (!r) continue;
  for (const kind of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
    const probe = r.c[kind];
    if (kind === 'startupProbe' && !probe) continue;
    if (!probe || !probe.grpc || probe.grpc.port !== s.port) {
      problem(`${s.name}: ${kind} must be a native gRPC probe on port ${s.port} (grpc: {port: ${s.port}})`);
    }
  }
  const env = Object.fromEntries((r.c.env || []).map((e) => [e.name, e]));
  if (!env.MINYI_GRPC_ADDR || env.MINYI_GRPC_ADDR.value !== `0.0.0.0:${s.port}`) problem(`${s.name}: MINYI_GRPC_ADDR must be 0.0.0.0:${s.port}`);
  if (!env.MINYI_METRICS_ADDR || env.MINYI_METRICS_ADDR.value !== `0.0.0.0:${s.metrics}`) problem(`${s.name}: MINYI_METRICS_ADDR must be 0.0.0.0:${s.metrics}`);
  if (!env.MINYI_PG_DSN) problem(`${s.name}: MINYI_PG_DSN is not set`);
  checkServiceKeys(s, r.dep, r.c);
  // What the service requires beyond the common variables must reach its container too.
  for (const { name: v, file } of requiredEnv(path.join(__dirname, '..', '..'), s.name)) {
    if (!env[v] && !(v in config)) problem(`${s.name}: ${v} (required by ${file}) is not set`);
  }
  if (r.np) {
    const fromGateway = (r.np.spec.ingress || []).some((rule) =>
      (rule.from || []).some((f) => f.podSelector && (f.podSelector.matchLabels || {})['app.kubernetes.io/name'] === 'gateway') &&
      (rule.ports || []).some((p) => p.port === 'grpc' || p.port === s.port));
    if (!fromGateway) problem(`${s.name}: its NetworkPolicy must let the gateway reach port grpc`);
    const others = (r.np.spec.ingress || []).some((rule) => !rule.from || rule.from.length === 0);
    if (others) problem(`${s.name}: its NetworkPolicy has an ingress rule open to every source`);
  }
}

const gw = checkCommon('gateway', { http: 8080 });
if (gw) {
  const env = Object.fromEntries((gw.c.env || []).map((e) => [e.name, e]));
  if (!env.MINYI_HTTP_ADDR || env.MINYI_HTTP_ADDR.value !== '0.0.0.0:8080') problem('gateway: MINYI_HTTP_ADDR must be 0.0.0.0:8080');
  const pod = gw.dep.spec.template.spec;
  checkKeyFile('gateway', pod, gw.c, 'MINYI_TOKEN_VERIFY_KEYS', { configMap: 'minyi-token-keys' }, 'token-verify.pem');
  // Public keys only: a gateway pod can verify tokens, never mint one or speak as a service.
  const held = mountedSecrets(pod).filter((n) => n === SIGNING_SECRET || SERVICE_KEY_SECRET.test(n));
  if (held.length) problem(`gateway: mounts the private key Secret(s) ${held.join(', ')}; it holds public keys only`);
  for (const v of ['MINYI_SERVICE_KEY', 'MINYI_TOKEN_SIGNING_KEY']) {
    if (env[v]) problem(`gateway: ${v} is set; it holds public keys only`);
  }
  // It reads token revocations from Redis.
  if (!env.MINYI_REDIS_ADDR && !config.MINYI_REDIS_ADDR) problem('gateway: MINYI_REDIS_ADDR is not set');
  const ing = all('Ingress').find((i) => (i.spec.rules || []).some((r) =>
    ((r.http || {}).paths || []).some((p) => p.backend.service && p.backend.service.name === 'gateway')));
  if (!ing) problem('gateway: no Ingress routes to Service gateway');
}

// ---- network policies -------------------------------------------------------------------------
const nps = all('NetworkPolicy');
const denyAll = nps.find((n) => Object.keys(n.spec.podSelector || {}).length === 0 &&
  ['Ingress', 'Egress'].every((t) => (n.spec.policyTypes || []).includes(t)) && !n.spec.ingress && !n.spec.egress);
if (!denyAll) problem('no default deny-all NetworkPolicy (podSelector {}, Ingress and Egress, no rules)');
const monitoringRule = (n) => (n.spec.ingress || []).some((rule) => (rule.from || []).some((f) =>
  f.namespaceSelector && (f.namespaceSelector.matchLabels || {})['kubernetes.io/metadata.name'] === 'monitoring'));
for (const s of services) {
  const np = nps.find((n) => (n.spec.podSelector.matchLabels || {})['app.kubernetes.io/name'] === s.name);
  if (np && !monitoringRule(np)) problem(`${s.name}: its NetworkPolicy must let Prometheus (namespace monitoring) scrape port metrics`);
}

// Who may connect to whom, as a NetworkPolicy-enforcing CNI decides it (pods of this namespace only).
const podLabels = (w) => (w.kind === 'CronJob' ? w.spec.jobTemplate.spec.template : w.spec.template).metadata.labels || {};
function policyTypes(n) {
  return n.spec.policyTypes || (n.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}
function allows(direction, self, peer, port) {
  const [rules, peers] = direction === 'Egress' ? ['egress', 'to'] : ['ingress', 'from'];
  const applicable = nps.filter((n) => labelsMatch(n.spec.podSelector.matchLabels || {}, self) && policyTypes(n).includes(direction));
  if (applicable.length === 0) return true; // not isolated in that direction
  return applicable.some((n) => (n.spec[rules] || []).some((rule) =>
    (!rule[peers] || rule[peers].some((p) => !p.namespaceSelector && !p.ipBlock && p.podSelector &&
      labelsMatch(p.podSelector.matchLabels || {}, peer))) &&
    (!rule.ports || rule.ports.some((p) => p.port === undefined || p.port === port.name || p.port === port.number))));
}
// host:port of a Service of this overlay -> the workload behind it and the container port.
function serviceTarget(value) {
  const m = /^([a-z0-9-]+):(\d+)$/.exec(value || '');
  const svc = m && find('Service', m[1]);
  const sp = svc && (svc.spec.ports || []).find((p) => p.port === Number(m[2]));
  const w = sp && workloads.find((x) => labelsMatch(svc.spec.selector, podLabels(x)));
  if (!w) return null;
  const target = sp.targetPort === undefined ? sp.port : sp.targetPort;
  for (const c of podSpecOf(w).containers || []) {
    const cp = (c.ports || []).find((p) => p.name === target || p.containerPort === target);
    if (cp) return { workload: w, port: { name: cp.name, number: cp.containerPort } };
  }
  return { workload: w, port: { number: typeof target === 'number' ? target : Number(m[2]) } };
}
// Callers are set per Deployment, so that this check sees who calls whom: not in the shared ConfigMap.
for (const v of Object.keys(config)) {
  const m = /^MINYI_([A-Z0-9]+)_ADDR$/.exec(v);
  if (m && services.some((s) => s.name === m[1].toLowerCase())) {
    problem(`${v} is in minyi-config, which every process reads: set it in the Deployment of each service that calls ${m[1].toLowerCase()}`);
  }
}
for (const w of workloads) {
  for (const c of podSpecOf(w).containers || []) {
    const fromConfig = (c.envFrom || []).some((e) => e.configMapRef && e.configMapRef.name === (configMaps[0] || {}).metadata?.name);
    const vars = { ...(fromConfig ? config : {}), ...Object.fromEntries((c.env || []).filter((e) => e.value).map((e) => [e.name, e.value])) };
    for (const [v, value] of Object.entries(vars)) {
      if (!/^MINYI_[A-Z0-9]+_ADDR$/.test(v)) continue;
      const t = serviceTarget(value);
      if (!t) continue;
      const from = w.metadata.name;
      const to = t.workload.metadata.name;
      const at = t.port.name || t.port.number;
      if (!allows('Egress', podLabels(w), podLabels(t.workload), t.port)) {
        problem(`${from}: ${v} names ${value}, but no NetworkPolicy lets ${from} connect to ${to} on port ${at} (egress)`);
      }
      if (!allows('Ingress', podLabels(t.workload), podLabels(w), t.port)) {
        problem(`${from}: ${v} names ${value}, but the NetworkPolicy of ${to} does not admit ${from} on port ${at}`);
      }
    }
  }
}

// ---- data stores ------------------------------------------------------------------------------
const dsn = (config.MINYI_REDIS_ADDR || '').split(':')[0];
if (!find('Service', dsn)) problem(`MINYI_REDIS_ADDR names ${config.MINYI_REDIS_ADDR}, but the overlay has no Service ${dsn}`);
const hasDatabase = workloads.some((w) => (w.spec.template.metadata.labels || {})['app.kubernetes.io/component'] === 'database') ||
  objects.some((o) => o.kind === 'Cluster' && o.apiVersion.startsWith('postgresql.cnpg.io/'));
if (!hasDatabase) notes.push('no in-cluster PostgreSQL: the DSN Secret must point at an external database');

// Each service connects as its own role (docs/security.md, "Database roles").
const dsnSecret = (name) => {
  const dep = find('Deployment', name);
  const c = dep && (dep.spec.template.spec.containers || []).find((x) => x.name === name);
  const e = c && (c.env || []).find((x) => x.name === 'MINYI_PG_DSN');
  return e && e.valueFrom && e.valueFrom.secretKeyRef;
};
const cluster = objects.find((o) => o.kind === 'Cluster' && o.apiVersion.startsWith('postgresql.cnpg.io/'));
const pgSet = workloads.find((w) => w.kind === 'StatefulSet' && podLabels(w)['app.kubernetes.io/component'] === 'database');
for (const s of services) {
  const ref = dsnSecret(s.name);
  const secret = `minyi-pg-${s.name}`;
  const role = `minyi_${s.name}`;
  if (!ref || ref.name !== secret || ref.key !== 'uri') {
    problem(`${s.name}: MINYI_PG_DSN must come from key uri of its own Secret ${secret} (its role ${role})`);
  }
  if (cluster) {
    const r = ((cluster.spec.managed || {}).roles || []).find((x) => x.name === role);
    if (!r) {
      problem(`Cluster ${cluster.metadata.name}: spec.managed.roles has no ${role}`);
    } else {
      if (r.ensure === 'absent' || r.login !== true) problem(`Cluster ${cluster.metadata.name}: role ${role} must be present with login`);
      for (const p of ['superuser', 'createdb', 'createrole', 'replication', 'bypassrls']) {
        if (r[p]) problem(`Cluster ${cluster.metadata.name}: role ${role} must not have ${p}`);
      }
      if (!(r.passwordSecret && r.passwordSecret.name === secret)) problem(`Cluster ${cluster.metadata.name}: role ${role} must take its password from ${secret}, the Secret ${s.name} connects with`);
      if (!(Number(r.connectionLimit) > 0)) problem(`Cluster ${cluster.metadata.name}: role ${role} needs a connectionLimit`);
    }
    const sql = (((cluster.spec.bootstrap || {}).initdb || {}).postInitApplicationSQL || []).join('\n');
    if (!new RegExp(`CREATE SCHEMA ${s.name} AUTHORIZATION ${role}\\b`).test(sql)) {
      problem(`Cluster ${cluster.metadata.name}: postInitApplicationSQL must make schema ${s.name} owned by ${role}`);
    }
  } else if (pgSet) {
    const pod = podSpecOf(pgSet);
    const c = (pod.containers || [])[0] || {};
    const variable = `MINYI_PG_PASSWORD_${s.name.toUpperCase()}`;
    const e = (c.env || []).find((x) => x.name === variable);
    const from = e && e.valueFrom && e.valueFrom.secretKeyRef;
    if (!from || from.name !== secret || from.key !== 'password') problem(`StatefulSet ${pgSet.metadata.name}: ${variable} must come from key password of ${secret}`);
    const init = (c.volumeMounts || []).find((m) => m.mountPath === '/docker-entrypoint-initdb.d');
    const vol = init && (pod.volumes || []).find((v) => v.name === init.name);
    const cm = vol && vol.configMap && find('ConfigMap', vol.configMap.name);
    const script = cm ? Object.values(cm.data || {}).join('\n') : '';
    const list = /for name in ([^;]*);/.exec(script);
    if (!list || !list[1].split(/\s+/).includes(s.name) || !/CREATE ROLE :"role" LOGIN/.test(script) ||
        !/CREATE SCHEMA :"service" AUTHORIZATION :"role"/.test(script) || !script.includes('role="minyi_$name"')) {
      problem(`StatefulSet ${pgSet.metadata.name}: its init script (/docker-entrypoint-initdb.d) must make role ${role} and schema ${s.name} owned by it`);
    }
  }
}

for (const n of notes) console.log(`note: k8s/overlays/${overlay}: ${n}`);
if (problems.length) {
  for (const p of problems) console.error(`FAIL ${p}`);
  process.exit(1);
}
console.log(`ok: k8s/overlays/${overlay}: ${objects.length} objects valid; ${services.length} services and the gateway complete`);
