#!/usr/bin/env bash
# Runs the shell examples of README.md and docs/*.md as written, so that the documentation cannot drift
# from the platform: every ```sh block, in the order of the files and of the blocks, against a fresh
# platform (deploy/local/run --detach in a temporary data folder, on free ports of its own).
#
# Usage: tests/docs/examples.sh [ROOT [BUILD]] [-- FILE...]    (default: the checkout, ROOT/build, README.md
# then docs/*.md)
#
# - The blocks of one file run in one bash, one after the other (a later block uses what an earlier one
#   defined), with `set -euo pipefail`: a failing command or an undefined variable fails the file. Each
#   file starts with nothing defined, so every file says how it gets its tokens and ids.
# - `curl` is a function there: it adds --fail-with-body, so an HTTP status of 400 or more fails the
#   block, fails it too on a 2xx body that is a google.rpc.Status error, and sends localhost:8080 to the
#   test's gateway. Everything else runs unchanged.
# - The blocks run in a folder laid out like the checkout: `.data` is the platform's data folder and
#   `build` the build tree (the examples read `.data/admin-password` and run the verifier from `build/`).
# - A block not meant to be run is marked just before its fence, with the reason:
#       <!-- example: not run (needs a Kubernetes cluster) -->
#   An unmarked ```sh block always runs; a mark elsewhere, or an unlabelled fence holding a `curl`
#   command, is an error (label shell examples ```sh).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="$ROOT/build"
if [ $# -gt 0 ] && [ "$1" != -- ]; then ROOT="$(cd "$1" && pwd)"; BUILD="$ROOT/build"; shift; fi
if [ $# -gt 0 ] && [ "$1" != -- ]; then BUILD="$(cd "$1" && pwd)"; shift; fi
[ "${1:-}" = -- ] && shift
cd "$ROOT"
FILES=("$@")
[ ${#FILES[@]} -gt 0 ] || FILES=(README.md docs/*.md)

WORK="$(mktemp -d /tmp/minyi-docs-examples.XXXXXX)"

# Turns one Markdown file into a bash script of its runnable blocks (on stdout). Fails on a misplaced or
# reasonless mark and on an unlabelled fence that holds a curl command.
extract() {  # file
  awk -v file="$1" '
    function problem(msg) { printf "%s:%d: %s\n", file, NR, msg > "/dev/stderr"; bad = 1 }
    !infence && /^[ \t]*<!-- example: not run/ {
      if ($0 !~ /<!-- example: not run \([^)]+\) -->[ \t]*$/) problem("write the mark as <!-- example: not run (reason) -->")
      mark = NR; next
    }
    !infence && /^[ \t]*```/ {
      match($0, /^[ \t]*/); indent = RLENGTH
      lang = substr($0, indent + 4); gsub(/[ \t]/, "", lang)
      infence = 1; start = NR + 1; body = ""
      skip = (mark && mark == NR - 1)
      if (mark && !skip) problem("a not-run mark must be the line just before a ```sh fence (line " mark ")")
      if (skip && lang != "sh") problem("the not-run mark is on a ```" lang " block, not a ```sh one")
      mark = 0
      next
    }
    infence && /^[ \t]*```[ \t]*$/ {
      infence = 0
      if (lang == "sh" && !skip) {
        runs++
        printf "__fence=%d; __offset=$((LINENO + 1 - %d))\n", start - 1, start
        printf "%s", body
      } else if (lang == "sh") {
        skipped++
      } else if (lang == "" && body ~ /(^|\n)[ \t]*curl /) {
        problem("the block from line " start " runs curl: label it ```sh (or mark it not run)")
      }
      next
    }
    infence {  # without the indentation of the fence (a block in a list item)
      match($0, /^[ \t]*/); cut = RLENGTH < indent ? RLENGTH : indent
      body = body substr($0, cut + 1) "\n"
    }
    !infence && NF { if (mark && mark != NR) { problem("a not-run mark must be the line just before a ```sh fence (line " mark ")"); mark = 0 } }
    END {
      if (infence) problem("unclosed fence from line " start - 1)
      printf "__fence=; __summary=\"%d run, %d marked not run\"\n", runs, skipped
      exit bad
    }' "$1"
}

# Every file's script first: a mistake in the marks fails before any platform starts.
status=0
for f in "${FILES[@]}"; do
  extract "$f" > "$WORK/$(echo "$f" | tr / _).sh" || status=1
done
if [ "$status" -ne 0 ]; then rm -rf "$WORK"; exit 1; fi

# Free ports below the ephemeral range (where the test harness binds its own): the gateway, PostgreSQL,
# Redis, six gRPC ports and their metrics ports (+2000). A port answering a connection is taken.
taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
BASE=""
for _ in $(seq 100); do
  b=$((20000 + RANDOM % 9000))
  ok=1
  for p in $b $((b + 1)) $((b + 2)) $(seq $((b + 10)) $((b + 15))) $(seq $((b + 2010)) $((b + 2015))); do
    if taken "$p"; then ok=0; break; fi
  done
  if [ "$ok" -eq 1 ]; then BASE=$b; break; fi
done
[ -n "$BASE" ] || { echo "no free ports found" >&2; exit 1; }
export MINYI_DATA_DIR="$WORK/checkout/.data" MINYI_BUILD_DIR="$BUILD" MINYI_HTTP_PORT="$BASE" \
  MINYI_PG_PORT=$((BASE + 1)) MINYI_REDIS_PORT=$((BASE + 2)) MINYI_GRPC_PORT_BASE=$((BASE + 10))
mkdir -p "$WORK/checkout"
chmod 755 "$WORK" "$WORK/checkout"  # PostgreSQL runs as its own user under .data when we are root
ln -s "$BUILD" "$WORK/checkout/build"

finish() {
  "$ROOT/deploy/local/stop" >/dev/null 2>&1 || true
  if [ "$status" -eq 0 ]; then rm -rf "$WORK"; else echo "kept for a look: $WORK (logs in .data/logs)" >&2; fi
}
trap finish EXIT
status=1
start=$SECONDS
if ! "$ROOT/deploy/local/run" --detach >"$WORK/run.log" 2>&1; then
  tail -n 30 "$WORK/run.log" >&2
  echo "deploy/local/run --detach failed" >&2
  exit 1
fi
echo "platform ready in $((SECONDS - start)) s on port $BASE"
# The README's vote example recounts with the verifier.
cmake --build "$BUILD" --target minyi-verify-bulletin >>"$WORK/run.log"

status=0
for f in "${FILES[@]}"; do
  script="$WORK/$(echo "$f" | tr / _).sh"
  t=$SECONDS
  if (cd "$WORK/checkout" && __file="$f" __path="$ROOT/$f" __port="$BASE" bash -c 'source "$0"; source "$1"; printf "\n%s\n" "$__summary"' \
        "$ROOT/tests/docs/prelude.sh" "$script" >"$script.out" 2>&1); then
    echo "ok    $f: $(tail -n 1 "$script.out") ($((SECONDS - t)) s)"
  else
    sed 's/^/  | /' "$script.out" | tail -n 40 >&2
    echo "FAIL  $f" >&2
    status=1
  fi
done
exit "$status"
