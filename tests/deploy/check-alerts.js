#!/usr/bin/env node
// Checks the Prometheus alert rules of one rendered kustomize overlay:
//   node check-alerts.js <repo-root> <overlay-name> <rendered.yaml>
// - the overlay has a PrometheusRule (k8s/components/alerts) whose every rule is an alert with an expr,
//   a `for`, a severity label, a summary and a runbook link to docs/operations.md;
// - every minyi_* metric an expr names is registered by the code (its name, or for a histogram its base
//   name, appears as a string literal in a .cc of services/ or gateway/), so an alert cannot watch a
//   metric nobody exports;
// - docs/operations.md has a heading for every alert.
'use strict';

const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const [root, overlay, file] = process.argv.slice(2);
if (!root || !overlay || !file) {
  console.error('usage: check-alerts.js <repo-root> <overlay> <rendered.yaml>');
  process.exit(2);
}
const problems = [];
const problem = (msg) => problems.push(`k8s/overlays/${overlay}: ${msg}`);

function sources(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) sources(p, out);
    else if (entry.name.endsWith('.cc')) out.push(p);
  }
  return out;
}
const registered = new Set();
for (const f of [...sources(path.join(root, 'services')), ...sources(path.join(root, 'gateway'))]) {
  for (const m of fs.readFileSync(f, 'utf8').matchAll(/"(minyi_[a-z0-9_]+)"/g)) registered.add(m[1]);
}
const isRegistered = (name) =>
  registered.has(name) ||
  ['_bucket', '_sum', '_count'].some((s) => name.endsWith(s) && registered.has(name.slice(0, -s.length)));

const operations = fs.readFileSync(path.join(root, 'docs/operations.md'), 'utf8');
const headings = new Set([...operations.matchAll(/^#+ +`?([A-Za-z0-9_]+)`?\s*$/gm)].map((m) => m[1]));

const rules = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))
  .map((d) => d.toJS())
  .filter((o) => o && o.kind === 'PrometheusRule');
if (rules.length === 0) problem('no PrometheusRule: include the component k8s/components/alerts');
let alerts = 0;
for (const pr of rules) {
  for (const group of (pr.spec && pr.spec.groups) || []) {
    for (const rule of group.rules || []) {
      const id = `PrometheusRule ${pr.metadata.name} group ${group.name} rule ${rule.alert || rule.record}`;
      if (!rule.alert) {
        problem(`${id}: only alerts are expected here`);
        continue;
      }
      alerts++;
      if (!rule.expr) problem(`${id}: no expr`);
      if (!/^\d+[smh]$/.test(rule.for || '')) problem(`${id}: needs a duration in "for"`);
      if (!['warning', 'critical'].includes((rule.labels || {}).severity)) problem(`${id}: labels.severity must be warning or critical`);
      const ann = rule.annotations || {};
      if (!ann.summary) problem(`${id}: annotations.summary is required`);
      if (ann.runbook !== `docs/operations.md#${rule.alert.toLowerCase()}`) {
        problem(`${id}: annotations.runbook must be docs/operations.md#${rule.alert.toLowerCase()}`);
      }
      if (!headings.has(rule.alert)) problem(`${id}: docs/operations.md has no heading "${rule.alert}"`);
      for (const m of String(rule.expr).matchAll(/\bminyi_[a-z0-9_]+/g)) {
        if (!isRegistered(m[0])) problem(`${id}: ${m[0]} is not a metric the code registers`);
      }
    }
  }
}
for (const p of problems) console.error(`FAIL ${p}`);
if (problems.length === 0) console.log(`k8s/overlays/${overlay}: ${alerts} alerts checked`);
process.exit(problems.length ? 1 : 0);
