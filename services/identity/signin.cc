#include "identity/signin.h"

#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/audit.h"
#include "common/log.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "identity/account.h"
#include "identity/password.h"
#include "identity/store.h"

namespace minyi::identity {
namespace {

// Longer user names cannot exist, so they are not looked up, but are still answered after equal work.
constexpr std::size_t kMaxUsernameBytes = 64;

// Verified against when the user name is unknown, so a wrong name costs as much as a wrong password and
// response times do not reveal which accounts exist.
const std::string& DummyHash() {
  static const std::string* const kHash = [] {
    absl::StatusOr<std::string> h = HashPassword("minyi-dummy-password-for-constant-work");
    return new std::string(h.ok() ? *h : std::string());
  }();
  return *kHash;
}

absl::Status WrongCredentials() { return Unauthenticated("INVALID_CREDENTIALS", "wrong username or password"); }

absl::Status Throttled(absl::Duration wait) {
  // Whole seconds, rounded up, as Retry-After carries them.
  const absl::Duration rounded = absl::Ceil(wait, absl::Seconds(1));
  return ResourceExhausted("SIGN_IN_THROTTLED",
                           absl::StrCat("too many failed sign-ins; try again in ", absl::ToInt64Seconds(rounded), " s"),
                           rounded);
}

absl::StatusOr<int64_t> OwnAccountId(const Caller& caller, absl::string_view name) {
  int64_t id = 0;
  if (!absl::SimpleAtoi(caller.account_id(), &id)) {
    return Unauthenticated("TOKEN_INVALID", "the access token names no account");
  }
  if (name != "accounts/me") {
    absl::StatusOr<int64_t> named = ParseAccountName(name);
    if (!named.ok()) {
      return named.status();
    }
    if (*named != id) {
      return PermissionDenied("only the account itself may change its password");
    }
  }
  return id;
}

}  // namespace

SignIn::SignIn(PgPool& pool, const Authorizer& authorizer, Sessions sessions)
    : pool_(pool), authorizer_(authorizer), sessions_(sessions) {
  DummyHash();  // pays the one-time hashing cost at start rather than in the first sign-in
}

absl::Status SignIn::FillToken(const StoredAccount& account, int64_t version, v1::Token* response) {
  Caller caller;
  caller.set_account_id(absl::StrCat(account.id));
  caller.set_role(account.account.role());
  caller.set_deputy(account.account.deputy());
  caller.set_department(account.account.department());
  const bool change = account.account.password_change_required();
  ASSIGN_OR_RETURN(std::string token, sessions_.issuer.Issue(caller, absl::Now(),
                                                             {.version = version, .password_change_required = change}));
  response->set_access_token(std::move(token));
  response->set_token_type("Bearer");
  response->set_expires_in(absl::ToInt64Seconds(sessions_.issuer.ttl()));
  response->set_password_change_required(change);
  *response->mutable_account() = account.account;
  return absl::OkStatus();
}

absl::Status SignIn::IssueToken(const Call& call, const v1::IssueTokenRequest& request, v1::Token* response) {
  const std::string& address = call.client_address;
  // Before any password work: a throttled guesser costs one Redis round trip, not an Argon2id hash.
  if (const absl::Duration wait = sessions_.throttle.Wait(request.username(), address); wait > absl::ZeroDuration()) {
    return Throttled(wait);
  }
  std::optional<HashingSlots::Slot> slot = sessions_.hashing.TryAcquire();
  if (!slot.has_value()) {
    return HashingBusy();
  }
  std::optional<StoredAccount> found;
  if (request.username().size() <= kMaxUsernameBytes && IsValidUtf8(request.username())) {
    RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
      found = FindAccountByUsername(tx, request.username());
      return absl::OkStatus();
    }));
  }
  const bool password_ok = request.password().size() <= kMaxPasswordBytes &&
                           VerifyPassword(found ? found->password_hash : DummyHash(), request.password());
  slot.reset();
  if (!found.has_value() || !password_ok) {
    sessions_.throttle.RecordFailure(request.username(), address);
    // The audit row names the account only when it exists, so the trail is no list of guessed names.
    const std::string resource = found ? found->account.name() : std::string();
    absl::Status st = pool_.Transact([&](pqxx::work& tx) {
      AppendAudit(tx, {.action = "SignInFailed", .resource = resource, .request_id = call.request_id});
      return absl::OkStatus();
    });
    return st.ok() ? WrongCredentials() : st;
  }
  sessions_.throttle.RecordSuccess(request.username());
  if (found->account.disabled()) {
    // Only someone who knows the password learns that the account is disabled.
    return PermissionDenied("this account is disabled; ask an administrator");
  }
  RETURN_IF_ERROR(FillToken(*found, found->token_version, response));
  return pool_.Transact([&](pqxx::work& tx) {
    AppendAudit(tx, {.actor = absl::StrCat(found->id),
                     .action = "SignIn",
                     .resource = found->account.name(),
                     .request_id = call.request_id});
    return absl::OkStatus();
  });
}

absl::Status SignIn::Logout(const Call& call, const v1::LogoutRequest& request, google::protobuf::Empty*) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.AuthenticateForPasswordChange(call));
  int64_t id = 0;
  if (!absl::SimpleAtoi(caller.account_id(), &id)) {
    return Unauthenticated("TOKEN_INVALID", "the access token names no account");
  }
  // Not RunIdempotent: a retry carries the token this call revokes, and is refused at once (401), which is
  // the answer a client that logged out expects.
  std::optional<Revocation> ended;
  absl::Status st = pool_.Transact([&](pqxx::work& tx) -> absl::Status {
    if (request.all_sessions()) {
      std::optional<int64_t> version = BumpTokenVersion(tx, id);
      if (!version.has_value()) {
        return NotFoundError(AccountName(id));
      }
      ended = EndSessionsBelow(sessions_.issuer, id, *version);
    } else {
      ended = Revocation{.account_id = caller.account_id(),
                         .token_id = caller.token_id(),
                         .until = absl::FromUnixSeconds(caller.token_expire_unix()) + kRevocationMargin};
    }
    InsertRevocation(tx, id, *ended);
    AppendAudit(tx, {.actor = caller.account_id(),
                     .action = request.all_sessions() ? "LogoutAllSessions" : "Logout",
                     .resource = AccountName(id),
                     .request_id = call.request_id});
    return absl::OkStatus();
  });
  if (st.ok()) {
    sessions_.revocations.Publish(*ended);
  }
  return st;
}

absl::Status SignIn::GetJwks(const Call&, const v1::GetJwksRequest&, v1::Jwks* response) {
  for (const EcPublicKey& key : sessions_.verifier.keys()) {
    v1::Jwk* jwk = response->add_keys();
    jwk->set_kty("EC");
    jwk->set_crv("P-256");
    jwk->set_x(key.x);
    jwk->set_y(key.y);
    jwk->set_kid(key.kid);
    jwk->set_alg("ES256");
    jwk->set_use("sig");
  }
  return absl::OkStatus();
}

absl::Status SignIn::ChangePassword(const Call& call, const v1::ChangePasswordRequest& request, v1::Token* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.AuthenticateForPasswordChange(call));
  ASSIGN_OR_RETURN(const int64_t id, OwnAccountId(caller, request.name()));
  RETURN_IF_ERROR(ValidatePassword("new_password", request.new_password()));
  if (request.new_password() == request.current_password()) {
    return InvalidField("new_password", "must differ from the current password");
  }
  std::optional<StoredAccount> account;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    account = LoadStoredAccount(tx, id);
    return absl::OkStatus();
  }));
  if (!account.has_value()) {
    return NotFoundError(AccountName(id));
  }
  // A stolen session must not become a way around the sign-in throttle: the same counters apply.
  const std::string& address = call.client_address;
  const std::string& username = account->account.username();
  if (const absl::Duration wait = sessions_.throttle.Wait(username, address); wait > absl::ZeroDuration()) {
    return Throttled(wait);
  }
  std::optional<HashingSlots::Slot> slot = sessions_.hashing.TryAcquire();
  if (!slot.has_value()) {
    return HashingBusy();
  }
  if (request.current_password().size() > kMaxPasswordBytes ||
      !VerifyPassword(account->password_hash, request.current_password())) {
    slot.reset();
    sessions_.throttle.RecordFailure(username, address);
    return InvalidField("current_password", "is not the account's password");
  }
  absl::StatusOr<std::string> hash = HashPassword(request.new_password());
  slot.reset();
  RETURN_IF_ERROR(hash.status());
  // Not RunIdempotent: its stored response would be a bearer token in the database. A retry with the old
  // token is refused (401) since this call ends that session; the new password signs in.
  std::optional<Revocation> ended;
  RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& tx) -> absl::Status {
    std::optional<int64_t> version = SetPassword(tx, id, *hash, /*password_change_required=*/false);
    if (!version.has_value()) {
      return NotFoundError(AccountName(id));
    }
    ended = EndSessionsBelow(sessions_.issuer, id, *version);
    InsertRevocation(tx, id, *ended);
    AppendAudit(tx, {.actor = caller.account_id(),
                     .action = "ChangePassword",
                     .resource = AccountName(id),
                     .request_id = call.request_id});
    account->token_version = *version;
    return absl::OkStatus();
  }));
  sessions_.revocations.Publish(*ended);
  account->account.set_password_change_required(false);
  return FillToken(*account, account->token_version, response);
}

}  // namespace minyi::identity
