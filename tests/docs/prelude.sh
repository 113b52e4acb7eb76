# Sourced by tests/docs/examples.sh before the blocks of one file (given __file, the file's name, __path,
# its path, and __port, the test platform's gateway port): strict mode, and the curl that fails on an
# error answer.
set -euo pipefail
shopt -s inherit_errexit
__fence=
__fail=
__offset=0
# The line of the Markdown file where a command failed (each block sets __offset), quoted from the file.
trap '__fail=$((LINENO - __offset))' ERR
trap '__rc=$?; if [ -n "$__fence" ]; then
  echo "FAILED: $__file, the \`\`\`sh block at line $__fence: exit $__rc${__fail:+ at line $__fail: $(sed -n "${__fail}p" "$__path")}" >&2
  exit 1
fi' EXIT

# An HTTP status of 400 or more fails (--fail-with-body), and so does a 2xx answer that is a
# google.rpc.Status error; the examples' localhost:8080 (or 127.0.0.1:8080) is the test platform's gateway.
curl() {
  local out rc=0
  out="$(mktemp)"
  command curl --fail-with-body --show-error --connect-to "localhost:8080:127.0.0.1:$__port" \
    --connect-to "127.0.0.1:8080:127.0.0.1:$__port" "$@" >"$out" || rc=$?
  cat "$out"
  if [ "$rc" -eq 0 ] && jq -e 'type == "object" and (.code | type) == "number" and .code != 0 and (.message | type) == "string"' \
    "$out" >/dev/null 2>&1; then
    rc=1
  fi
  if [ "$rc" -ne 0 ]; then
    printf '\n%s: curl %s\n  answered: %s\n' "$__file" "$(sed -E 's/Bearer [^ "]+/Bearer .../g' <<<"$*")" \
      "$(head -c 600 "$out")" >&2
  fi
  rm -f "$out"
  return "$rc"
}
