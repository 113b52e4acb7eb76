#!/usr/bin/env node
// Checks deploy/docker/Dockerfile statically (no Docker engine needed):
//   node check-dockerfile.js <repo-root> <Dockerfile> <target>...
// - it parses (dockerfile-ast), dockerfile-utils reports no problem, and every instruction is known;
// - every COPY/ADD source is a file of the repository that the build context keeps (not excluded by
//   <Dockerfile>.dockerignore), or comes from a named earlier stage (--from=<stage>);
// - the build stage installs every build package of deploy/local/install-deps;
// - each target image (through the stages it is built FROM) runs as a numeric non-root user, stops
//   with SIGTERM, has a HEALTHCHECK and an exec-form ENTRYPOINT, starts from debian:bookworm-slim and
//   installs no compiler and no -dev package.
'use strict';

const fs = require('fs');
const path = require('path');
const { DockerfileParser } = require('dockerfile-ast');
const { validate } = require('dockerfile-utils');

const [root, dockerfileArg, ...targets] = process.argv.slice(2);
if (!root || !dockerfileArg || targets.length === 0) {
  console.error('usage: check-dockerfile.js <repo-root> <Dockerfile> <target>...');
  process.exit(2);
}
const dockerfile = path.resolve(root, dockerfileArg);
const rel = path.relative(root, dockerfile);
const problems = [];
const problem = (msg, line) => problems.push(`${rel}${line !== undefined ? `:${line + 1}` : ''}: ${msg}`);

const KNOWN = new Set(['FROM', 'RUN', 'CMD', 'LABEL', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME',
  'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'MAINTAINER']);
// Packages of deploy/local/install-deps that run or test the platform rather than build it.
const NOT_FOR_BUILD = new Set(['ccache', 'curl', 'procps', 'openssl', 'postgresql-15', 'redis-server', 'redis-tools',
  'wrk', 'jq', 'nodejs', 'npm', 'clang-format-14']);
const BUILD_TOOLS = /^(build-essential|cmake|make|gcc(-\d+)?|g\+\+(-\d+)?|clang.*|pkg-config|pkgconf|protobuf-compiler.*|git|.*-dev)$/;

const content = fs.readFileSync(dockerfile, 'utf8');
const df = DockerfileParser.parse(content);

for (const d of validate(content)) {
  problem(`dockerfile-utils: ${d.message}`, d.range.start.line);
}

// ---- stages -------------------------------------------------------------------------------
const globalArgs = new Map();
const stages = [];
let current = null;
for (const ins of df.getInstructions()) {
  const kw = ins.getKeyword();
  const line = ins.getRange().start.line;
  if (!KNOWN.has(kw)) {
    problem(`unknown instruction ${kw}`, line);
    continue;
  }
  if (kw === 'FROM') {
    const args = ins.getArguments().map((a) => a.getValue());
    const name = ins.getBuildStage();
    let image = args[0].replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => globalArgs.get(a || b) ?? '');
    current = { name, image, line, instructions: [] };
    if (name && stages.some((s) => s.name === name)) problem(`stage ${name} is defined twice`, line);
    stages.push(current);
    continue;
  }
  if (!current) {
    if (kw !== 'ARG') problem(`${kw} before the first FROM`, line);
    for (const a of ins.getArguments().map((x) => x.getValue())) {
      const [k, ...v] = a.split('=');
      globalArgs.set(k, v.join('='));
    }
    continue;
  }
  current.instructions.push(ins);
}
if (stages.length === 0) problem('no FROM');

// ---- COPY / ADD sources -------------------------------------------------------------------
function ignorePatterns() {
  const file = `${dockerfile}.dockerignore`;
  const fallback = path.join(root, '.dockerignore');
  const chosen = fs.existsSync(file) ? file : fs.existsSync(fallback) ? fallback : null;
  if (!chosen) return [];
  return fs.readFileSync(chosen, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((p) => {
      const negate = p.startsWith('!');
      const pat = p.replace(/^!/, '').replace(/^\/+/, '').replace(/\/+$/, '');
      const re = pat.split('/').map((seg) => (seg === '**' ? '(?:.*/)?' : `${seg.replace(/[.+^$()|{}[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}/`)).join('').replace(/\/$/, '');
      return { negate, re: new RegExp(`^${re.replace(/\(\?:\.\*\/\)\?\//g, '(?:.*/)?')}(?:/.*)?$`) };
    });
}
const ignores = ignorePatterns();
const ignored = (p) => {
  let out = false;
  for (const { negate, re } of ignores) if (re.test(p)) out = !negate;
  return out;
};

for (const [index, stage] of stages.entries()) {
  for (const ins of stage.instructions) {
    const kw = ins.getKeyword();
    if (kw !== 'COPY' && kw !== 'ADD') continue;
    const line = ins.getRange().start.line;
    const args = ins.getArguments().map((a) => a.getValue());
    const sources = args.slice(0, -1);
    if (sources.length === 0) {
      problem(`${kw} needs a source and a destination`, line);
      continue;
    }
    const fromFlag = kw === 'COPY' && ins.getFromFlag() ? ins.getFromFlag().getValue() : null;
    if (fromFlag !== null) {
      const earlier = stages.slice(0, index).map((s) => s.name).filter(Boolean);
      if (!earlier.includes(fromFlag)) problem(`COPY --from=${fromFlag}: no earlier stage named ${fromFlag}`, line);
      continue;
    }
    for (const src of sources) {
      if (/^[a-z]+:\/\//i.test(src)) {
        problem(`${kw} ${src}: downloads at build time; fetch through Debian's packages instead`, line);
        continue;
      }
      if (/\$/.test(src)) {
        problem(`${kw} ${src}: a variable in a build-context source cannot be checked; name the file`, line);
        continue;
      }
      const clean = path.posix.normalize(src).replace(/^\/+/, '').replace(/\/+$/, '');
      if (clean.startsWith('..')) {
        problem(`${kw} ${src}: outside the build context`, line);
      } else if (!fs.existsSync(path.join(root, clean))) {
        problem(`${kw} ${src}: no such file or folder in the repository`, line);
      } else if (clean !== '.' && ignored(clean)) {
        problem(`${kw} ${src}: excluded from the build context by the .dockerignore file`, line);
      }
    }
  }
}

// ---- build packages ---------------------------------------------------------------------------
function aptPackages(stage) {
  const pkgs = new Set();
  for (const ins of stage.instructions) {
    if (ins.getKeyword() !== 'RUN') continue;
    const text = ins.getArguments().map((a) => a.getValue()).join(' ');
    for (const m of text.matchAll(/apt-get\s+install\s+([^&;|]*)/g)) {
      for (const word of m[1].split(/\s+/)) if (word && !word.startsWith('-')) pkgs.add(word);
    }
  }
  return pkgs;
}
const installDeps = path.join(root, 'deploy/local/install-deps');
const depsText = fs.readFileSync(installDeps, 'utf8');
const m = /PACKAGES=\(([\s\S]*?)\)/.exec(depsText);
if (!m) {
  problems.push('deploy/local/install-deps: no PACKAGES=( ... ) list found');
} else {
  const needed = m[1].split('\n').map((l) => l.replace(/#.*/, '')).join(' ').split(/\s+/)
    .filter((p) => p && !NOT_FOR_BUILD.has(p));
  const build = stages.find((s) => s.name === 'build');
  if (!build) {
    problem('no stage named build');
  } else {
    const have = aptPackages(build);
    for (const p of needed) {
      if (!have.has(p)) problem(`the build stage does not install ${p}, which deploy/local/install-deps lists for building`, build.line);
    }
  }
}

// ---- target images ------------------------------------------------------------------------
function chain(stage) {
  const out = [];
  for (let s = stage; s; s = stages.find((x) => x.name && x.name === s.image)) {
    out.unshift(s);
    if (out.length > stages.length) break;
  }
  return out;
}
for (const target of targets) {
  const stage = stages.find((s) => s.name === target);
  if (!stage) {
    problem(`no stage named ${target} (a build target)`);
    continue;
  }
  const stack = chain(stage);
  const base = stack[0].image;
  if (!/^debian:bookworm-slim(@sha256:[0-9a-f]{64})?$/.test(base)) {
    problem(`target ${target} starts from ${base || '?'}, not debian:bookworm-slim`, stack[0].line);
  }
  const last = (kw) => {
    let found = null;
    for (const s of stack) for (const ins of s.instructions) if (ins.getKeyword() === kw) found = ins;
    return found;
  };
  const user = last('USER');
  const userValue = user ? user.getArguments().map((a) => a.getValue()).join(' ') : '';
  if (!user || !/^[1-9]\d*(:\d+)?$/.test(userValue)) {
    problem(`target ${target}: USER must be a numeric non-root uid (has ${userValue || 'none'})`, stage.line);
  }
  const stop = last('STOPSIGNAL');
  if (!stop || stop.getArguments().map((a) => a.getValue()).join('') !== 'SIGTERM') {
    problem(`target ${target}: STOPSIGNAL SIGTERM is missing`, stage.line);
  }
  const health = last('HEALTHCHECK');
  const healthArgs = health ? health.getArguments().map((a) => a.getValue()) : [];
  if (!health || healthArgs[0] !== 'CMD') problem(`target ${target}: HEALTHCHECK CMD is missing`, stage.line);
  const entry = last('ENTRYPOINT');
  if (!entry || !/^\s*\[/.test(entry.getArgumentsContent ? entry.getArgumentsContent() : entry.getArguments()[0].getValue())) {
    problem(`target ${target}: ENTRYPOINT must be in exec form (["/path", ...]) so the binary is PID 1 and gets SIGTERM`, stage.line);
  }
  for (const s of stack) {
    for (const p of aptPackages(s)) {
      if (BUILD_TOOLS.test(p)) problem(`target ${target}: stage ${s.name || s.image} installs build tool ${p}`, s.line);
    }
    for (const ins of s.instructions) {
      if (ins.getKeyword() !== 'RUN') continue;
      const text = ins.getArguments().map((a) => a.getValue()).join(' ');
      if (/apt-get\s+install/.test(text) && !/rm -rf \/var\/lib\/apt\/lists/.test(text)) {
        problem(`target ${target}: the apt-get install of stage ${s.name} leaves the package lists in the image`, ins.getRange().start.line);
      }
    }
  }
}

if (problems.length) {
  for (const p of problems) console.error(`FAIL ${p}`);
  process.exit(1);
}
console.log(`ok: ${rel}: ${stages.length} stages; targets ${targets.join(', ')} checked`);
