#include "identity/service.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/audit.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/text.h"
#include "common/workers.h"
#include "grpcpp/server_context.h"
#include "identity/account.h"
#include "identity/password.h"
#include "identity/store.h"

namespace minyi::identity {
namespace {

using ::minyi::identity::v1::Account;
using ::minyi::identity::v1::CreateAccountRequest;
using ::minyi::identity::v1::DisableAccountRequest;
using ::minyi::identity::v1::EnableAccountRequest;
using ::minyi::identity::v1::GetAccountRequest;
using ::minyi::identity::v1::ListAccountsRequest;
using ::minyi::identity::v1::ListAccountsResponse;
using ::minyi::identity::v1::ResetPasswordRequest;

constexpr char kBootstrapUsername[] = "admin";
// A recipient lookup names at most this many deputies or departments, and pages hold up to 1000 accounts.
constexpr int kMaxFilterValues = 1000;
constexpr int kDefaultAccountPage = 200;
constexpr int kMaxAccountPage = 1000;

absl::Status DeputyTaken() {
  return AlreadyExists("DEPUTY_HAS_ACCOUNT", "this deputy already has an active account; disable it first");
}

}  // namespace

absl::Status HashingBusy() {
  return ResourceExhausted("SIGN_IN_BUSY", "too many sign-ins at once; try again in a second", absl::Seconds(1));
}

absl::StatusOr<std::string> IdentityService::Hash(absl::string_view password) {
  std::optional<HashingSlots::Slot> slot = sessions_.hashing.TryAcquire();
  if (!slot.has_value()) {
    return HashingBusy();
  }
  return HashPassword(password);
}

absl::Status IdentityService::BootstrapAdmin(const std::string& password) {
  CreateAccountRequest request;
  request.mutable_account()->set_username(kBootstrapUsername);
  request.mutable_account()->set_display_name("系统管理员");
  request.mutable_account()->set_role(minyi::common::v1::ROLE_ADMIN);
  request.set_password(password);
  if (absl::Status st = ValidateNewAccount(request); !st.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("MINYI_BOOTSTRAP_ADMIN_PASSWORD is not an acceptable password: ", st.message()));
  }
  absl::StatusOr<std::string> hash = HashPassword(request.password());
  if (!hash.ok()) {
    return hash.status();
  }
  return pool_.Transact([&](pqxx::work& tx) {
    // ON CONFLICT makes replicas starting together create the account once.
    std::optional<Account> created = InsertAccount(tx, request.account(), *hash, /*password_change_required=*/true);
    if (created.has_value()) {
      AppendAudit(tx, {.actor = "", .action = "BootstrapAdmin", .resource = created->name()});
      log::Info("bootstrap admin account created", {{"account", created->name()}});
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* IdentityService::IssueToken(grpc::CallbackServerContext* ctx,
                                                      const v1::IssueTokenRequest* request, v1::Token* response) {
  return Serve(ctx, [=, this] { return DoIssueToken(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* IdentityService::Logout(grpc::CallbackServerContext* ctx, const v1::LogoutRequest* request,
                                                  google::protobuf::Empty*) {
  return Serve(ctx, [=, this] { return DoLogout(*ctx, *request); });
}

grpc::ServerUnaryReactor* IdentityService::GetJwks(grpc::CallbackServerContext* ctx, const v1::GetJwksRequest*,
                                                   v1::Jwks* response) {
  return Serve(ctx, [=, this] { return DoGetJwks(response); });
}

grpc::ServerUnaryReactor* IdentityService::ChangePassword(grpc::CallbackServerContext* ctx,
                                                          const v1::ChangePasswordRequest* request,
                                                          v1::Token* response) {
  return Serve(ctx, [=, this] { return DoChangePassword(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* IdentityService::ResetPassword(grpc::CallbackServerContext* ctx,
                                                         const ResetPasswordRequest* request, Account* response) {
  return Serve(ctx, [=, this] { return DoResetPassword(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* IdentityService::DisableAccount(grpc::CallbackServerContext* ctx,
                                                          const DisableAccountRequest* request, Account* response) {
  return Serve(ctx, [=, this] { return DoSetDisabled(*ctx, request->name(), true, request->reason(), response); });
}

grpc::ServerUnaryReactor* IdentityService::EnableAccount(grpc::CallbackServerContext* ctx,
                                                         const EnableAccountRequest* request, Account* response) {
  return Serve(ctx, [=, this] { return DoSetDisabled(*ctx, request->name(), false, "", response); });
}

grpc::ServerUnaryReactor* IdentityService::CreateAccount(grpc::CallbackServerContext* ctx,
                                                         const CreateAccountRequest* request, Account* response) {
  return Serve(ctx, [=, this] { return DoCreateAccount(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* IdentityService::GetAccount(grpc::CallbackServerContext* ctx,
                                                      const GetAccountRequest* request, Account* response) {
  return Serve(ctx, [=, this] { return DoGetAccount(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* IdentityService::ListAccounts(grpc::CallbackServerContext* ctx,
                                                        const ListAccountsRequest* request,
                                                        ListAccountsResponse* response) {
  return Serve(ctx, [=, this] { return DoListAccounts(*ctx, *request, response); });
}

absl::Status IdentityService::DoCreateAccount(const grpc::ServerContextBase& ctx, const CreateAccountRequest& request,
                                              Account* response) {
  absl::StatusOr<Caller> caller = authorizer_.Require(ctx, {minyi::common::v1::ROLE_ADMIN});
  if (!caller.ok()) {
    return caller.status();
  }
  if (absl::Status st = ValidateNewAccount(request); !st.ok()) {
    return st;
  }
  absl::StatusOr<std::string> hash = Hash(request.password());
  if (!hash.ok()) {
    return hash.status();
  }
  // The idempotency fingerprint leaves the password out: a fast SHA-256 over it would be stored next to
  // the Argon2id hash and undo its cost.
  CreateAccountRequest fingerprint = request;
  fingerprint.clear_password();
  return RunIdempotent(
      pool_, ctx, *caller, "identity.CreateAccount", fingerprint, response,
      [&](pqxx::work& tx) -> absl::Status {
        // The unique index decides under races; this answers the common case by name.
        if (!request.account().deputy().empty() && DeputyHasActiveAccount(tx, request.account().deputy())) {
          return DeputyTaken();
        }
        std::optional<Account> created = InsertAccount(tx, request.account(), *hash, false);
        if (!created.has_value()) {
          return AlreadyExists("USERNAME_TAKEN", "an account with this username already exists");
        }
        nlohmann::json detail = {{"username", created->username()},
                                 {"role", minyi::common::v1::Role_Name(created->role())}};
        // The link decides whom the account acts for (a deputy's ballot, a department's answers).
        if (!created->deputy().empty()) {
          detail["deputy"] = created->deputy();
        }
        if (!created->department().empty()) {
          detail["department"] = created->department();
        }
        AppendAudit(tx, {.actor = caller->account_id(),
                         .action = "CreateAccount",
                         .resource = created->name(),
                         .request_id = RequestId(ctx),
                         .detail = std::move(detail)});
        *response = *std::move(created);
        return absl::OkStatus();
      });
}

absl::Status IdentityService::DoResetPassword(const grpc::ServerContextBase& ctx, const ResetPasswordRequest& request,
                                              Account* response) {
  absl::StatusOr<Caller> caller = authorizer_.Require(ctx, {minyi::common::v1::ROLE_ADMIN});
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int64_t> id = ParseAccountName(request.name());
  if (!id.ok()) {
    return id.status();
  }
  if (absl::Status st = ValidatePassword("temporary_password", request.temporary_password()); !st.ok()) {
    return st;
  }
  absl::StatusOr<std::string> hash = Hash(request.temporary_password());
  if (!hash.ok()) {
    return hash.status();
  }
  ResetPasswordRequest fingerprint = request;
  fingerprint.clear_temporary_password();
  std::optional<Revocation> ended;
  absl::Status st = RunIdempotent(
      pool_, ctx, *caller, "identity.ResetPassword", fingerprint, response, [&](pqxx::work& tx) -> absl::Status {
        std::optional<int64_t> version = SetPassword(tx, *id, *hash, /*password_change_required=*/true);
        if (!version.has_value()) {
          return NotFoundError(request.name());
        }
        ended = EndSessionsBelow(*id, *version);
        InsertRevocation(tx, *id, *ended);
        AppendAudit(tx, {.actor = caller->account_id(),
                         .action = "ResetPassword",
                         .resource = AccountName(*id),
                         .request_id = RequestId(ctx)});
        *response = *LoadAccount(tx, *id);
        return absl::OkStatus();
      });
  if (st.ok() && ended.has_value()) {
    sessions_.revocations.Publish(*ended);
  }
  return st;
}

absl::Status IdentityService::DoSetDisabled(const grpc::ServerContextBase& ctx, absl::string_view name, bool disabled,
                                            absl::string_view reason, Account* response) {
  absl::StatusOr<Caller> caller = authorizer_.Require(ctx, {minyi::common::v1::ROLE_ADMIN});
  if (!caller.ok()) {
    return caller.status();
  }
  absl::StatusOr<int64_t> id = ParseAccountName(name);
  if (!id.ok()) {
    return id.status();
  }
  if (disabled) {
    if (absl::Status st = CheckText("reason", reason, 1, 500); !st.ok()) {
      return st;
    }
    // An admin locking themself out could leave nobody to undo it.
    if (absl::StrCat(*id) == caller->account_id()) {
      return FailedPrecondition("CANNOT_DISABLE_SELF", "an admin cannot disable their own account");
    }
  }
  DisableAccountRequest fingerprint;
  fingerprint.set_name(std::string(name));
  fingerprint.set_reason(std::string(reason));
  std::optional<Revocation> ended;
  absl::Status st = RunIdempotent(
      pool_, ctx, *caller, disabled ? "identity.DisableAccount" : "identity.EnableAccount", fingerprint, response,
      [&](pqxx::work& tx) -> absl::Status {
        std::optional<StoredAccount> before = LoadStoredAccount(tx, *id);
        if (!before.has_value()) {
          return minyi::NotFoundError(name);
        }
        if (before->account.disabled() == disabled) {
          return FailedPrecondition(disabled ? "ALREADY_DISABLED" : "NOT_DISABLED",
                                    disabled ? "the account is already disabled" : "the account is not disabled");
        }
        if (!disabled && !before->account.deputy().empty() && DeputyHasActiveAccount(tx, before->account.deputy())) {
          return DeputyTaken();
        }
        std::optional<StoredAccount> after = SetDisabled(tx, *id, disabled);
        if (disabled) {
          ended = EndSessionsBelow(*id, after->token_version);
          InsertRevocation(tx, *id, *ended);
        }
        nlohmann::json detail = nlohmann::json::object();
        if (disabled) {
          detail["reason"] = std::string(reason);
        }
        if (!after->account.deputy().empty()) {
          detail["deputy"] = after->account.deputy();
        }
        AppendAudit(tx, {.actor = caller->account_id(),
                         .action = disabled ? "DisableAccount" : "EnableAccount",
                         .resource = AccountName(*id),
                         .request_id = RequestId(ctx),
                         .detail = std::move(detail)});
        *response = after->account;
        return absl::OkStatus();
      });
  if (st.ok() && ended.has_value()) {
    sessions_.revocations.Publish(*ended);
  }
  return st;
}

absl::Status IdentityService::DoGetAccount(const grpc::ServerContextBase& ctx, const GetAccountRequest& request,
                                           Account* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(ctx);
  if (!caller.ok()) {
    return caller.status();
  }
  int64_t id = 0;
  if (request.name() == "accounts/me") {
    if (!absl::SimpleAtoi(caller->account_id(), &id)) {
      return Unauthenticated("TOKEN_INVALID", "the access token names no account");
    }
  } else {
    absl::StatusOr<int64_t> parsed = ParseAccountName(request.name());
    if (!parsed.ok()) {
      return parsed.status();
    }
    id = *parsed;
  }
  // Checked before the lookup, so a non-admin cannot probe which account ids exist.
  if (caller->role() != minyi::common::v1::ROLE_ADMIN && caller->account_id() != absl::StrCat(id)) {
    return PermissionDenied("only admins may read other accounts");
  }
  std::optional<Account> account;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
    account = LoadAccount(tx, id);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  if (!account.has_value()) {
    return NotFoundError(AccountName(id));
  }
  *response = *std::move(account);
  return absl::OkStatus();
}

absl::Status IdentityService::DoListAccounts(const grpc::ServerContextBase& ctx, const ListAccountsRequest& request,
                                             ListAccountsResponse* response) {
  absl::StatusOr<Caller> caller =
      authorizer_.RequireUserOrService(ctx, {minyi::common::v1::ROLE_ADMIN}, {"notifications"});
  if (!caller.ok()) {
    return caller.status();
  }
  if (!minyi::common::v1::Role_IsValid(request.role())) {
    return InvalidField("role", "is not a known role");
  }
  if (request.deputies_size() > kMaxFilterValues) {
    return InvalidField("deputies", absl::StrCat("names more than ", kMaxFilterValues, " deputies"));
  }
  if (request.departments_size() > kMaxFilterValues) {
    return InvalidField("departments", absl::StrCat("names more than ", kMaxFilterValues, " departments"));
  }
  std::vector<std::string> deputies(request.deputies().begin(), request.deputies().end());
  std::vector<std::string> departments(request.departments().begin(), request.departments().end());
  std::sort(deputies.begin(), deputies.end());
  std::sort(departments.begin(), departments.end());
  absl::StatusOr<PageRequest> page = ReadPageRequest(
      request.page_size(), request.page_token(),
      {"accounts", absl::StrCat(request.role()), absl::StrJoin(deputies, ","), absl::StrJoin(departments, ",")},
      kDefaultAccountPage, kMaxAccountPage);
  if (!page.ok()) {
    return page.status();
  }
  AccountFilter filter{.after_id = page->after_id,
                       .limit = page->size + 1,
                       .role = request.role(),
                       .deputies = std::move(deputies),
                       .departments = std::move(departments)};
  std::vector<std::pair<int64_t, Account>> rows;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
    rows = minyi::identity::ListAccounts(tx, filter);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  response->set_next_page_token(
      TrimToPage(rows, page->size, page->fingerprint, [](const auto& row) { return row.first; }));
  for (auto& [id, account] : rows) {
    // Only what reaching the account needs: no user name, no person's name.
    account.clear_username();
    account.clear_display_name();
    *response->add_accounts() = std::move(account);
  }
  return absl::OkStatus();
}

}  // namespace minyi::identity
