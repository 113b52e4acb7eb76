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
// - no Secret object and no secret value is in the output.
'use strict';

const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const { validateObject } = require('./lib/k8s-schema');

// Custom resources whose operator is installed separately; kubernetes-models has no schema for them,
// so they only get a structural check here.
const KNOWN_CRDS = {
  'postgresql.cnpg.io/v1': ['Cluster', 'ScheduledBackup', 'Pooler', 'Backup'],
};
const SECRET_ENV = ['MINYI_PG_DSN', 'MINYI_JWT_SECRET', 'MINYI_BOOTSTRAP_ADMIN_PASSWORD'];

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
const objects = [];
for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
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
  for (const v of ['MINYI_PG_DSN', 'MINYI_JWT_SECRET']) if (!env[v]) problem(`${s.name}: ${v} is not set`);
  // What the service's own main.cc requires beyond the common variables must reach its container too.
  const main = fs.readFileSync(path.join(__dirname, '..', '..', 'services', s.name, 'main.cc'), 'utf8');
  for (const [, v] of main.matchAll(/(?:Required\(|getenv\()"(MINYI_[A-Z0-9_]+)"/g)) {
    if (!env[v] && !(v in config)) problem(`${s.name}: ${v} (required by services/${s.name}/main.cc) is not set`);
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
  if (!env.MINYI_JWT_SECRET) problem('gateway: MINYI_JWT_SECRET is not set');
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

// ---- data stores ------------------------------------------------------------------------------
const dsn = (config.MINYI_REDIS_ADDR || '').split(':')[0];
if (!find('Service', dsn)) problem(`MINYI_REDIS_ADDR names ${config.MINYI_REDIS_ADDR}, but the overlay has no Service ${dsn}`);
const hasDatabase = workloads.some((w) => (w.spec.template.metadata.labels || {})['app.kubernetes.io/component'] === 'database') ||
  objects.some((o) => o.kind === 'Cluster' && o.apiVersion.startsWith('postgresql.cnpg.io/'));
if (!hasDatabase) notes.push('no in-cluster PostgreSQL: the DSN Secret must point at an external database');

for (const n of notes) console.log(`note: k8s/overlays/${overlay}: ${n}`);
if (problems.length) {
  for (const p of problems) console.error(`FAIL ${p}`);
  process.exit(1);
}
console.log(`ok: k8s/overlays/${overlay}: ${objects.length} objects valid; ${services.length} services and the gateway complete`);
