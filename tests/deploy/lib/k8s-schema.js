// Validates Kubernetes objects against the API schemas shipped by the npm package kubernetes-models:
//  1. the package's own validator (types, required fields, enums, formats), and
//  2. unknown fields. The package's JSON schemas allow any extra property, so a misspelt field
//     ("livenesProbe") would pass; the API server would drop it (or refuse it with strict field
//     validation). The field lists are read from the package's TypeScript declarations, which are
//     generated from the same OpenAPI document as its schemas.
'use strict';

const fs = require('fs');
const path = require('path');

const NODE_MODULES = path.join(__dirname, '..', 'node_modules');
const PACKAGES = {
  'kubernetes-models': path.join(NODE_MODULES, 'kubernetes-models'),
  '@kubernetes-models/apimachinery': path.join(NODE_MODULES, '@kubernetes-models', 'apimachinery'),
};

function packageRoot(name) {
  const root = PACKAGES[name];
  if (!root || !fs.existsSync(root)) {
    throw new Error(`${name} is not installed: run npm ci --prefix tests/deploy`);
  }
  return root;
}

// kubernetes-models/<group>/<version> for "group/version", kubernetes-models/v1 for the core group.
function modelDir(apiVersion) {
  return path.join(packageRoot('kubernetes-models'), ...apiVersion.split('/'));
}

// Loads the model class of apiVersion/kind, or null when the package has none.
function modelClass(apiVersion, kind) {
  const file = path.join(modelDir(apiVersion), `${kind}.js`);
  if (!fs.existsSync(file)) {
    return null;
  }
  const mod = require(file);
  return mod[kind] || null;
}

// ---- TypeScript declaration reader -------------------------------------------------------------

const declCache = new Map();

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

// Splits `"a"?: T; "b": U;` (T and U may contain braces) into [{name, type}].
function parseMembers(body) {
  const members = [];
  let i = 0;
  while (i < body.length) {
    const m = /^\s*"([^"]+)"\??\s*:/.exec(body.slice(i));
    if (!m) {
      break;
    }
    i += m[0].length;
    let depth = 0;
    let j = i;
    for (; j < body.length; j++) {
      const c = body[j];
      if (c === '{' || c === '<' || c === '(' || c === '[') depth++;
      else if (c === '}' || c === '>' || c === ')' || c === ']') depth--;
      else if (c === ';' && depth === 0) break;
    }
    members.push({ name: m[1], type: body.slice(i, j).trim() });
    i = j + 1;
  }
  return members;
}

// One .d.ts file: its imports (alias -> file), its interfaces (name -> members) and its exported
// aliases (IIoK8s... -> local interface or type name).
function readDecl(file) {
  if (declCache.has(file)) {
    return declCache.get(file);
  }
  const text = stripComments(fs.readFileSync(file, 'utf8'));
  const decl = { file, imports: new Map(), interfaces: new Map(), aliases: new Map() };
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
    const target = resolveImport(file, m[2]);
    if (!target) continue;
    for (const name of m[1].split(',').map((s) => s.trim()).filter(Boolean)) {
      decl.imports.set(name, target);
    }
  }
  for (const m of text.matchAll(/export\s+interface\s+(\w+)(?:\s+extends\s+[\w, ]+)?\s*\{/g)) {
    let depth = 1;
    let j = m.index + m[0].length;
    for (; j < text.length && depth > 0; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}') depth--;
    }
    decl.interfaces.set(m[1], parseMembers(text.slice(m.index + m[0].length, j - 1)));
  }
  for (const m of text.matchAll(/export\s*\{([^}]*)\}\s*;/g)) {
    for (const part of m[1].split(',')) {
      const a = /(\w+)\s+as\s+(\w+)/.exec(part);
      if (a) decl.aliases.set(a[2], a[1]);
    }
  }
  declCache.set(file, decl);
  return decl;
}

function resolveImport(fromFile, spec) {
  let base;
  if (spec.startsWith('.')) {
    base = path.resolve(path.dirname(fromFile), spec);
  } else {
    const pkg = Object.keys(PACKAGES).find((p) => spec === p || spec.startsWith(`${p}/`));
    if (!pkg) return null; // @kubernetes-models/base: ModelData, TypeMeta, Model
    base = path.join(packageRoot(pkg), spec.slice(pkg.length));
  }
  for (const candidate of [`${base}.d.ts`, path.join(base, 'index.d.ts')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

// A type expression -> {kind: 'object', members} | {kind: 'array', of} | {kind: 'map', of} | {kind: 'leaf'}.
function resolveType(decl, type) {
  type = type.trim();
  let m = /^Array<([\s\S]*)>$/.exec(type);
  if (m) return { kind: 'array', of: () => resolveType(decl, m[1]) };
  m = /^\{\s*\[key: string\]:\s*([\s\S]*?);?\s*\}$/.exec(type);
  if (m) return { kind: 'map', of: () => resolveType(decl, m[1]) };
  if (!/^\w+$/.test(type)) return { kind: 'leaf' }; // unions, literals
  if (decl.interfaces.has(type)) return { kind: 'object', members: decl.interfaces.get(type), decl };
  const local = decl.aliases.get(type);
  if (local && decl.interfaces.has(local)) {
    return { kind: 'object', members: decl.interfaces.get(local), decl };
  }
  const target = decl.imports.get(type);
  if (target) {
    const other = readDecl(target);
    const name = other.aliases.get(type) || type;
    if (other.interfaces.has(name)) return { kind: 'object', members: other.interfaces.get(name), decl: other };
  }
  return { kind: 'leaf' }; // string, number, boolean, Quantity, Time, IntOrString, JSON...
}

function unknownFields(value, node, where, out) {
  if (value === null || value === undefined) return;
  if (node.kind === 'array') {
    if (Array.isArray(value)) value.forEach((v, i) => unknownFields(v, node.of(), `${where}[${i}]`, out));
    return;
  }
  if (node.kind === 'map') {
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) unknownFields(v, node.of(), `${where}.${k}`, out);
    }
    return;
  }
  if (node.kind !== 'object' || typeof value !== 'object' || Array.isArray(value)) return;
  const members = new Map(node.members.map((mm) => [mm.name, mm.type]));
  for (const [k, v] of Object.entries(value)) {
    if (!members.has(k)) {
      out.push(`${where}.${k}: unknown field`);
      continue;
    }
    unknownFields(v, resolveType(node.decl, members.get(k)), `${where}.${k}`, out);
  }
}

// Returns a list of problems (empty when the object is valid), or null when the package has no
// model for apiVersion/kind.
function validateObject(obj) {
  const Model = modelClass(obj.apiVersion, obj.kind);
  if (!Model) {
    return null;
  }
  const problems = [];
  try {
    new Model(obj).validate();
  } catch (e) {
    problems.push(...String(e.message).split(/,\s*(?=data)/).map((s) => s.replace(/^data/, '')));
  }
  const file = path.join(modelDir(obj.apiVersion), `${obj.kind}.d.ts`);
  const decl = readDecl(file);
  const root = decl.interfaces.get(`I${obj.kind}`);
  if (!root) {
    problems.push(`no declaration of I${obj.kind} in ${file}`);
  } else {
    // apiVersion and kind come from TypeMeta, which the interface extends.
    const members = [{ name: 'apiVersion', type: 'string' }, { name: 'kind', type: 'string' }, ...root];
    unknownFields(obj, { kind: 'object', members, decl }, '', problems);
  }
  return problems;
}

module.exports = { validateObject };
