#!/usr/bin/env bash
# Tests deploy/keys: init, the three steps of a token key rotation (prepare, promote, retire), a service
# key's replacement, the files' modes and owner, that openssl reads every key as P-256, that each command
# run twice changes nothing, and that status prints the RFC 7638 key ids (checked against Node's JWK export).
#   tests/deploy/keys_test.sh [repo-root]
set -euo pipefail

ROOT="$(cd "${1:-$(dirname "$0")/../..}" && pwd)"
KEYS="$ROOT/deploy/keys"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
SERVICES=(identity deputies suggestions voting evaluation notifications)

passed=0
failed=0
check() {  # description, command...
  if "${@:2}"; then
    passed=$((passed + 1))
  else
    echo "FAIL $1" >&2
    failed=$((failed + 1))
  fi
}
fails() { ! "$@" >/dev/null 2>&1; }

mode_is() { [ "$(stat -c %a "$2")" = "$1" ]; }
private_p256() { openssl pkey -in "$1" -noout -text 2>/dev/null | grep -q 'ASN1 OID: prime256v1'; }
public_p256() { openssl pkey -pubin -in "$1" -noout -text 2>/dev/null | grep -q 'ASN1 OID: prime256v1'; }
# A public key as one line of base64 (its PEM body), to compare keys and look them up in a bundle.
body_of_private() { openssl pkey -in "$1" -pubout | grep -v -- ----- | tr -d '\n'; }
body_of_public() { grep -v -- ----- "$1" | tr -d '\n'; }
bundle_bodies() { awk '/-----BEGIN PUBLIC KEY-----/ {b = ""; next} /-----END PUBLIC KEY-----/ {print b; next} {b = b $0}' "$1"; }
bundle_count() { bundle_bodies "$1" | wc -l | tr -d ' '; }
in_bundle() { bundle_bodies "$2" | grep -qx "$(body_of_private "$1")"; }
same_key() { [ "$(body_of_private "$1")" = "$(body_of_private "$2")" ]; }
# Every file's content, mode and owner, to see that a command changed nothing.
snapshot() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 stat -c '%n %a %u:%g' && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
unchanged_by() {  # dir, command...
  local before after
  before="$(snapshot "$1")"
  "${@:2}" >/dev/null 2>&1 || true
  after="$(snapshot "$1")"
  [ "$before" = "$after" ]
}
# RFC 7638 thumbprint computed independently of deploy/keys: Node exports the JWK, SHA-256 of its members.
node_kid() {
  node -e '
    const c = require("crypto");
    const j = c.createPublicKey(require("fs").readFileSync(0)).export({format: "jwk"});
    const canonical = JSON.stringify({crv: j.crv, kty: j.kty, x: j.x, y: j.y});
    process.stdout.write(c.createHash("sha256").update(canonical).digest("base64url"));'
}

# ---- init ---------------------------------------------------------------------------------------
D="$WORK/keys"
out="$(umask 000; "$KEYS" init "$D")"
check "init creates the signing key" test -f "$D/token-signing.pem"
check "the signing key is 0600 whatever the umask" mode_is 600 "$D/token-signing.pem"
check "the signing key is an EC P-256 private key" private_p256 "$D/token-signing.pem"
check "the verify bundle is 0644" mode_is 644 "$D/token-verify.pem"
check "the verify bundle holds one key" [ "$(bundle_count "$D/token-verify.pem")" = 1 ]
check "the verify bundle holds the signing key's public key" in_bundle "$D/token-signing.pem" "$D/token-verify.pem"
check "the folder of service keys is 0700" mode_is 700 "$D/services"
for s in "${SERVICES[@]}"; do
  check "$s: private key 0600" mode_is 600 "$D/services/$s.key.pem"
  check "$s: private key is P-256" private_p256 "$D/services/$s.key.pem"
  check "$s: public key 0644" mode_is 644 "$D/service-public/$s.pem"
  check "$s: public key is P-256" public_p256 "$D/service-public/$s.pem"
  check "$s: public key is the private key's" \
    [ "$(body_of_public "$D/service-public/$s.pem")" = "$(body_of_private "$D/services/$s.key.pem")" ]
done
check "exactly the six services' public keys" [ "$(find "$D/service-public" -type f | wc -l)" = 6 ]
check "every key differs from the others" \
  [ "$(for f in "$D/token-signing.pem" "$D"/services/*.key.pem; do body_of_private "$f"; echo; done | sort -u | wc -l)" = 7 ]
check "init says what it created" grep -q "created token-signing.pem" <<<"$out"

check "init again changes nothing" unchanged_by "$D" "$KEYS" init "$D"
check "init again creates nothing" fails grep -q created <<<"$("$KEYS" init "$D")"

# A service key is replaced by deleting its pair and running init: only that pair changes.
old_voting="$(body_of_private "$D/services/voting.key.pem")"
old_deputies="$(body_of_private "$D/services/deputies.key.pem")"
rm "$D/services/voting.key.pem" "$D/service-public/voting.pem"
"$KEYS" init "$D" >/dev/null
check "a deleted service pair is made anew" [ "$(body_of_private "$D/services/voting.key.pem")" != "$old_voting" ]
check "its public key matches" [ "$(body_of_public "$D/service-public/voting.pem")" = "$(body_of_private "$D/services/voting.key.pem")" ]
check "the other services keep their keys" [ "$(body_of_private "$D/services/deputies.key.pem")" = "$old_deputies" ]
# A public file that does not match its private key is written again from the private key.
cp "$D/service-public/voting.pem" "$D/service-public/deputies.pem"
chmod 640 "$D/services/evaluation.key.pem"
"$KEYS" init "$D" >/dev/null
check "a stale public key is rewritten from the private key" \
  [ "$(body_of_public "$D/service-public/deputies.pem")" = "$(body_of_private "$D/services/deputies.key.pem")" ]
check "a private key's mode is put back to 0600" mode_is 600 "$D/services/evaluation.key.pem"

# ---- rotation -----------------------------------------------------------------------------------
cp "$D/token-signing.pem" "$WORK/first.pem"
check "promote without a prepared key fails" fails "$KEYS" promote "$D"
check "...and changes nothing" unchanged_by "$D" "$KEYS" promote "$D"

"$KEYS" prepare "$D" >/dev/null
check "prepare makes a next key" test -f "$D/token-signing.next.pem"
check "the next key is 0600 and P-256" mode_is 600 "$D/token-signing.next.pem"
check "the next key is P-256" private_p256 "$D/token-signing.next.pem"
check "prepare keeps the signing key" same_key "$D/token-signing.pem" "$WORK/first.pem"
check "after prepare the bundle holds two keys" [ "$(bundle_count "$D/token-verify.pem")" = 2 ]
check "...the current one" in_bundle "$D/token-signing.pem" "$D/token-verify.pem"
check "...and the next one" in_bundle "$D/token-signing.next.pem" "$D/token-verify.pem"
check "the bundle stays 0644" mode_is 644 "$D/token-verify.pem"
check "prepare again changes nothing" unchanged_by "$D" "$KEYS" prepare "$D"
check "init during a rotation changes nothing" unchanged_by "$D" "$KEYS" init "$D"
cp "$D/token-signing.next.pem" "$WORK/second.pem"

# An old signing key: the wait before retire counts from the promote, not from the key's making.
touch -d '-2 days' "$D/token-signing.pem"
"$KEYS" promote "$D" >/dev/null
check "promote makes the next key the signing key" same_key "$D/token-signing.pem" "$WORK/second.pem"
check "the new signing key is 0600" mode_is 600 "$D/token-signing.pem"
check "promote keeps the previous key" same_key "$D/token-signing.previous.pem" "$WORK/first.pem"
check "promote leaves no next key" test ! -e "$D/token-signing.next.pem"
check "after promote the bundle still holds both keys" [ "$(bundle_count "$D/token-verify.pem")" = 2 ]
check "...the previous one" in_bundle "$WORK/first.pem" "$D/token-verify.pem"
check "...and the new signing key" in_bundle "$D/token-signing.pem" "$D/token-verify.pem"
check "promote again changes nothing" unchanged_by "$D" "$KEYS" promote "$D"
check "prepare before the previous key is retired fails" fails "$KEYS" prepare "$D"
check "...and changes nothing" unchanged_by "$D" "$KEYS" prepare "$D"

check "retire within the token lifetime fails" fails "$KEYS" retire "$D"
check "...and changes nothing" unchanged_by "$D" "$KEYS" retire "$D"
touch -d '-31 minutes' "$D/token-signing.previous.pem"
"$KEYS" retire "$D" >/dev/null
check "after retire the bundle holds one key" [ "$(bundle_count "$D/token-verify.pem")" = 1 ]
check "...the signing key" in_bundle "$D/token-signing.pem" "$D/token-verify.pem"
check "retire removes the previous private key" test ! -e "$D/token-signing.previous.pem"
check "the bundle stays 0644 after retire" mode_is 644 "$D/token-verify.pem"
check "retire again changes nothing" unchanged_by "$D" "$KEYS" retire "$D"
check "the service keys survive a rotation" [ "$(body_of_private "$D/services/deputies.key.pem")" = "$old_deputies" ]

# A leaked key: the whole rotation at once, --force skipping the wait.
"$KEYS" prepare "$D" >/dev/null
"$KEYS" promote "$D" >/dev/null
"$KEYS" retire "$D" --force >/dev/null
check "retire --force retires at once" test ! -e "$D/token-signing.previous.pem"
check "...leaving only the new signing key" [ "$(bundle_count "$D/token-verify.pem")" = 1 ]
check "...which is not the one before" fails same_key "$D/token-signing.pem" "$WORK/second.pem"
check "...and is in the bundle" in_bundle "$D/token-signing.pem" "$D/token-verify.pem"

# ---- status: the key ids tokens and GET /v1/auth/jwks carry -------------------------------------
"$KEYS" prepare "$D" >/dev/null
status="$("$KEYS" status "$D")"
signing_kid="$(openssl pkey -in "$D/token-signing.pem" -pubout | node_kid)"
next_kid="$(openssl pkey -in "$D/token-signing.next.pem" -pubout | node_kid)"
check "status prints the signing key's RFC 7638 id" grep -qx "token-signing.pem *$signing_kid" <<<"$status"
check "status prints the next key's id" grep -qx "token-signing.next.pem *$next_kid" <<<"$status"
check "status lists both keys of the bundle" [ "$(grep -c '^token-verify.pem' <<<"$status")" = 2 ]
check "status prints each service's key id" \
  grep -qx "service voting *$(node_kid <"$D/service-public/voting.pem")" <<<"$status"

# ---- --owner: for containers that run as another user (the images' 10001:10001) ----------------
if [ "$(id -u)" -eq 0 ]; then
  O="$WORK/owned"
  "$KEYS" init "$O" --owner 4242:4343 >/dev/null
  check "--owner: the signing key belongs to 4242:4343" [ "$(stat -c %u:%g "$O/token-signing.pem")" = 4242:4343 ]
  check "--owner: a service key belongs to 4242:4343" [ "$(stat -c %u:%g "$O/services/voting.key.pem")" = 4242:4343 ]
  check "--owner: the keys stay 0600" mode_is 600 "$O/services/voting.key.pem"
  "$KEYS" prepare "$O" --owner 4242:4343 >/dev/null
  check "--owner: the next key belongs to 4242:4343" [ "$(stat -c %u:%g "$O/token-signing.next.pem")" = 4242:4343 ]
else
  echo "skipped --owner (needs root)"
fi

check "an unknown command is refused" fails "$KEYS" rotate "$D"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
