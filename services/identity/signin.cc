#include "identity/signin.h"

#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/audit.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "identity/account.h"
#include "identity/password.h"
#include "identity/phone_code.h"
#include "identity/store.h"
#include "minyi/identity/v1/events.pb.h"

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

absl::StatusOr<std::optional<HashingSlots::Slot>> SignIn::Gate(const std::string& key, const std::string& address) {
  // Before any password work: a throttled guesser costs one Redis round trip, not an Argon2id hash.
  if (const absl::Duration wait = sessions_.throttle.Wait(key, address); wait > absl::ZeroDuration()) {
    return Throttled(wait);
  }
  std::optional<HashingSlots::Slot> slot = sessions_.hashing.TryAcquire();
  if (!slot.has_value()) {
    return HashingBusy();
  }
  return slot;
}

absl::Status SignIn::IssueToken(const Call& call, const v1::IssueTokenRequest& request, v1::Token* response) {
  if (request.phone().empty() && request.code().empty()) {
    const std::string& username = request.username();
    return ByPassword(
        call, username, request.password(),
        [&](pqxx::transaction_base& tx) -> std::optional<StoredAccount> {
          if (username.size() > kMaxUsernameBytes || !IsValidUtf8(username)) {
            return std::nullopt;
          }
          return FindAccountByUsername(tx, username);
        },
        response);
  }
  if (!request.username().empty()) {
    return InvalidField("username", "give either a username or a phone number, not both");
  }
  ASSIGN_OR_RETURN(const std::string phone, CanonicalMobile("phone", request.phone()));
  if (request.code().empty()) {
    return ByPassword(
        call, phone, request.password(), [&](pqxx::transaction_base& tx) { return FindAccountByPhone(tx, phone); },
        response);
  }
  if (!request.password().empty()) {
    return InvalidField("password", "give either a password or a code, not both");
  }
  return ByCode(call, phone, request.code(), response);
}

absl::Status SignIn::ByPassword(const Call& call, const std::string& key, const std::string& password,
                                const std::function<std::optional<StoredAccount>(pqxx::transaction_base&)>& find,
                                v1::Token* response) {
  const std::string& address = call.client_address;
  ASSIGN_OR_RETURN(std::optional<HashingSlots::Slot> slot, Gate(key, address));
  std::optional<StoredAccount> found;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    found = find(tx);
    return absl::OkStatus();
  }));
  const bool password_ok =
      password.size() <= kMaxPasswordBytes && VerifyPassword(found ? found->password_hash : DummyHash(), password);
  slot.reset();
  if (!found.has_value() || !password_ok) {
    sessions_.throttle.RecordFailure(key, address);
    // The audit row names the account only when it exists, so the trail is no list of guessed names.
    const std::string resource = found ? found->account.name() : std::string();
    absl::Status st = pool_.Transact([&](pqxx::work& tx) {
      AppendAudit(tx, {.action = "SignInFailed", .resource = resource, .request_id = call.request_id});
      return absl::OkStatus();
    });
    return st.ok() ? WrongCredentials() : st;
  }
  sessions_.throttle.RecordSuccess(key);
  return Admit(call, *found, "SignIn", response);
}

absl::Status SignIn::ByCode(const Call& call, const std::string& phone, const std::string& code, v1::Token* response) {
  const std::string& address = call.client_address;
  if (const absl::Duration wait = sessions_.throttle.Wait(phone, address); wait > absl::ZeroDuration()) {
    return Throttled(wait);
  }
  if (absl::Status st = sessions_.codes.Spend("code", phone, v1::CODE_PURPOSE_SIGN_IN, code); !st.ok()) {
    sessions_.throttle.RecordFailure(phone, address);
    return st;
  }
  std::optional<StoredAccount> found;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    found = FindAccountByPhone(tx, phone);
    return absl::OkStatus();
  }));
  if (!found.has_value()) {  // the number's account went away after the code was sent
    return CodeRefusal("code", CodeVerdict::kNone);
  }
  sessions_.throttle.RecordSuccess(phone);
  return Admit(call, *found, "SignInByCode", response);
}

absl::Status SignIn::Admit(const Call& call, const StoredAccount& account, absl::string_view action,
                           v1::Token* response) {
  if (account.account.disabled()) {
    // Only someone who holds the credentials learns that the account is disabled.
    return PermissionDenied("this account is disabled; ask an administrator");
  }
  RETURN_IF_ERROR(FillToken(account, account.token_version, response));
  return pool_.Transact([&](pqxx::work& tx) {
    AppendAudit(tx, {.actor = absl::StrCat(account.id),
                     .action = std::string(action),
                     .resource = account.account.name(),
                     .request_id = call.request_id});
    return absl::OkStatus();
  });
}

absl::Status SignIn::Register(const Call& call, const v1::RegisterRequest& request, v1::Token* response) {
  ASSIGN_OR_RETURN(const std::string phone, CanonicalMobile("phone", request.phone()));
  RETURN_IF_ERROR(CheckText("display_name", request.display_name(), 1, 32));
  RETURN_IF_ERROR(ValidatePassword("password", request.password()));
  if (request.code().empty()) {
    return InvalidField("code", "is required: ask for one with SendPhoneCode");
  }
  const std::string& address = call.client_address;
  // The slot first: a code spent while every slot is busy would be lost to the caller.
  ASSIGN_OR_RETURN(std::optional<HashingSlots::Slot> slot, Gate(phone, address));
  if (absl::Status st = sessions_.codes.Spend("code", phone, v1::CODE_PURPOSE_REGISTER, request.code()); !st.ok()) {
    sessions_.throttle.RecordFailure(phone, address);
    return st;
  }
  absl::StatusOr<std::string> hash = HashPassword(request.password());
  slot.reset();
  RETURN_IF_ERROR(hash.status());
  v1::Account account;
  account.set_display_name(request.display_name());
  account.set_role(minyi::common::v1::ROLE_CITIZEN);
  account.set_phone(phone);
  std::optional<StoredAccount> created;
  // Not RunIdempotent: its stored answer would be a bearer token in the database. A retry finds the code
  // spent and is refused; the password signs in.
  RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& tx) -> absl::Status {
    if (FindAccountByPhone(tx, phone).has_value()) {
      return AlreadyExists("PHONE_REGISTERED", "this number already has an account; sign in instead");
    }
    std::optional<v1::Account> inserted;
    // A generated user name: the number itself would show wherever user names do.
    for (int i = 0; i < 3 && !inserted.has_value(); ++i) {
      account.set_username(absl::StrCat("c", NewCode(), NewCode()));
      inserted = InsertAccount(tx, account, *hash, /*password_change_required=*/false);
    }
    if (!inserted.has_value()) {
      return absl::AbortedError("could not choose a user name; try again");
    }
    ASSIGN_OR_RETURN(const int64_t id, ParseAccountName(inserted->name()));
    created = StoredAccount{.id = id, .account = *inserted, .password_hash = *hash, .token_version = 0};
    AppendAudit(
        tx,
        {.actor = absl::StrCat(id), .action = "Register", .resource = inserted->name(), .request_id = call.request_id});
    return absl::OkStatus();
  }));
  return FillToken(*created, created->token_version, response);
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
  ASSIGN_OR_RETURN(auto checked, CheckOwnPassword(call, id, "current_password", request.current_password()));
  StoredAccount& account = checked.first;
  absl::StatusOr<std::string> hash = HashPassword(request.new_password());
  checked.second.reset();
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
    account.token_version = *version;
    return absl::OkStatus();
  }));
  sessions_.revocations.Publish(*ended);
  account.account.set_password_change_required(false);
  return FillToken(account, account.token_version, response);
}

absl::StatusOr<std::pair<StoredAccount, std::optional<HashingSlots::Slot>>> SignIn::CheckOwnPassword(
    const Call& call, int64_t id, absl::string_view field, const std::string& password) {
  std::optional<StoredAccount> account;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    account = LoadStoredAccount(tx, id);
    return absl::OkStatus();
  }));
  if (!account.has_value()) {
    return NotFoundError(AccountName(id));
  }
  const std::string& address = call.client_address;
  const std::string& username = account->account.username();
  ASSIGN_OR_RETURN(std::optional<HashingSlots::Slot> slot, Gate(username, address));
  if (password.size() > kMaxPasswordBytes || !VerifyPassword(account->password_hash, password)) {
    slot.reset();
    sessions_.throttle.RecordFailure(username, address);
    return InvalidField(field, "is not the account's password");
  }
  return std::pair<StoredAccount, std::optional<HashingSlots::Slot>>(*std::move(account), std::move(slot));
}

absl::Status SignIn::CloseAccount(const Call& call, const v1::CloseAccountRequest& request, v1::Account* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t id, OwnAccountId(caller, request.name()));
  // Other accounts act for the office, a deputy or a department: theirs are the administrators' to disable.
  if (caller.role() != minyi::common::v1::ROLE_CITIZEN) {
    return FailedPrecondition("ONLY_CITIZENS_CLOSE", "only a citizen's own account can be closed by its owner");
  }
  RETURN_IF_ERROR(CheckOwnPassword(call, id, "password", request.password()).status());
  // Not RunIdempotent: the stored answer would keep what closing erases. A retry finds the password gone
  // and the session ended (401).
  std::optional<Revocation> ended;
  RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& tx) -> absl::Status {
    std::optional<StoredAccount> closed = minyi::identity::CloseAccount(tx, id);
    if (!closed.has_value()) {
      return FailedPrecondition("ACCOUNT_CLOSED", "the account is closed already");
    }
    ended = EndSessionsBelow(sessions_.issuer, id, closed->token_version);
    InsertRevocation(tx, id, *ended);
    ForgetIdempotentAnswers(tx, caller.account_id());
    // The other services erase what the citizen gave them (docs/privacy.md).
    v1::AccountClosed event;
    event.set_account(AccountName(id));
    EmitEvent(tx, event, event.account(), caller.account_id());
    AppendAudit(tx, {.actor = caller.account_id(),
                     .action = "CloseAccount",
                     .resource = AccountName(id),
                     .request_id = call.request_id});
    *response = closed->account;
    return absl::OkStatus();
  }));
  sessions_.revocations.Publish(*ended);
  return absl::OkStatus();
}

}  // namespace minyi::identity
