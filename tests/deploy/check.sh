#!/usr/bin/env bash
# Static checks of the deployment files; no Docker engine and no cluster needed.
#   tests/deploy/check.sh [repo-root]
# Needs kubectl (its built-in kustomize) or kustomize, node, and the npm packages of
# tests/deploy/package.json (npm ci --prefix tests/deploy). Checks:
#   1. the services: every folder of services/ with a main.cc, and its gRPC port (default_grpc_port);
#   2. k8s/: base and every overlay build with kustomize; every object validates against the
#      Kubernetes schemas (unknown fields included); every service has its manifest file in base, its
#      NetworkPolicy file in components/network-policies, and in each overlay its Deployment,
#      Service, HPA, PDB, NetworkPolicy, gRPC probes on its port, hardening and graceful stop, its
#      keys (own private key only, the signing key in identity alone, none in the gateway), and the
#      NetworkPolicies let each workload reach what its MINYI_<X>_ADDR variables name; every overlay's
#      alert rules name only metrics the code registers and are described in docs/operations.md;
#   3. deploy/docker/Dockerfile parses, names only files that exist, and builds hardened images;
#   4. deploy/docker-compose.yml validates against the Compose schema and has every service, with the
#      variables its main.cc and config.cc require and its key mounts.
# Prints every problem, then exits 1 if there was any.
set -euo pipefail

ROOT="$(cd "${1:-$(dirname "$0")/../..}" && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

failures=0
fail() { echo "FAIL $*" >&2; failures=$((failures + 1)); }
# Runs a checker; its own FAIL lines explain, this counts it.
run() { "$@" || failures=$((failures + 1)); }

command -v node >/dev/null || { echo "FAIL node is not installed (deploy/local/install-deps installs it)" >&2; exit 1; }
for pkg in kubernetes-models yaml ajv ajv-formats dclint dockerfile-ast dockerfile-utils; do
  [ -d "$HERE/node_modules/$pkg" ] || {
    echo "FAIL npm package $pkg is missing: run npm ci --prefix tests/deploy" >&2
    exit 1
  }
done
if command -v kubectl >/dev/null; then
  KUSTOMIZE=(kubectl kustomize)
elif command -v kustomize >/dev/null; then
  KUSTOMIZE=(kustomize build)
else
  echo "FAIL neither kubectl nor kustomize is installed" >&2
  exit 1
fi

# ---- 1. services ---------------------------------------------------------------------------
services=()
for main in "$ROOT"/services/*/main.cc; do
  [ -e "$main" ] || continue
  name="$(basename "$(dirname "$main")")"
  port="$(sed -n 's/.*default_grpc_port *= *\([0-9][0-9]*\).*/\1/p' "$main" | head -n1)"
  if [ -z "$port" ]; then
    fail "services/$name/main.cc: no default_grpc_port = <port> to read the service's gRPC port from"
    continue
  fi
  services+=("$name:$port")
done
[ ${#services[@]} -gt 0 ] || fail "no services/*/main.cc found under $ROOT"
echo "services: ${services[*]}"

# ---- 2. Kubernetes -------------------------------------------------------------------------
for s in "${services[@]}"; do
  name="${s%%:*}"
  [ -f "$ROOT/k8s/base/$name.yaml" ] || fail "k8s/base/$name.yaml is missing (one manifest file per service)"
  grep -Eq "^[[:space:]]*-[[:space:]]*$name\.yaml[[:space:]]*$" "$ROOT/k8s/base/kustomization.yaml" ||
    fail "k8s/base/kustomization.yaml does not list $name.yaml under resources"
  [ -f "$ROOT/k8s/components/network-policies/$name.yaml" ] ||
    fail "k8s/components/network-policies/$name.yaml is missing (the service's NetworkPolicy)"
  grep -Eq "^[[:space:]]*-[[:space:]]*$name\.yaml[[:space:]]*$" "$ROOT/k8s/components/network-policies/kustomization.yaml" ||
    fail "k8s/components/network-policies/kustomization.yaml does not list $name.yaml"
done

if ! "${KUSTOMIZE[@]}" "$ROOT/k8s/base" >"$WORK/base.yaml" 2>"$WORK/base.err"; then
  fail "kustomize k8s/base: $(cat "$WORK/base.err")"
fi
overlays=0
for dir in "$ROOT"/k8s/overlays/*/; do
  [ -f "$dir/kustomization.yaml" ] || continue
  overlay="$(basename "$dir")"
  overlays=$((overlays + 1))
  if ! "${KUSTOMIZE[@]}" "$dir" >"$WORK/$overlay.yaml" 2>"$WORK/$overlay.err"; then
    fail "kustomize k8s/overlays/$overlay: $(cat "$WORK/$overlay.err")"
    continue
  fi
  run node "$HERE/check-k8s.js" "$overlay" "$WORK/$overlay.yaml" "${services[@]}"
  run node "$HERE/check-alerts.js" "$ROOT" "$overlay" "$WORK/$overlay.yaml"
done
for required in dev prod; do
  [ -f "$ROOT/k8s/overlays/$required/kustomization.yaml" ] || fail "k8s/overlays/$required is missing"
done

# ---- 3. Dockerfile -------------------------------------------------------------------------
run node "$HERE/check-dockerfile.js" "$ROOT" deploy/docker/Dockerfile service gateway
sh -n "$ROOT/deploy/docker/healthcheck" || fail "deploy/docker/healthcheck: shell syntax error"
[ -x "$ROOT/deploy/docker/healthcheck" ] || fail "deploy/docker/healthcheck must be executable"

# ---- 4. docker-compose ---------------------------------------------------------------------
run node "$HERE/check-compose.js" "$ROOT" deploy/docker-compose.yml deploy/.env.example "${services[@]}"

if [ "$failures" -gt 0 ]; then
  echo "deploy static checks: $failures check(s) failed" >&2
  exit 1
fi
echo "deploy static checks: all passed (${#services[@]} services, $overlays overlays)"
