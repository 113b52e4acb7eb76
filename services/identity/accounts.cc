#include "identity/accounts.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/audit.h"
#include "common/log.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"
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

absl::StatusOr<std::string> Accounts::Hash(absl::string_view password) {
  std::optional<HashingSlots::Slot> slot = sessions_.hashing.TryAcquire();
  if (!slot.has_value()) {
    return HashingBusy();
  }
  return HashPassword(password);
}

absl::Status Accounts::BootstrapAdmin(const std::string& password) {
  CreateAccountRequest request;
  request.mutable_account()->set_username(kBootstrapUsername);
  request.mutable_account()->set_display_name("系统管理员");
  request.mutable_account()->set_role(minyi::common::v1::ROLE_ADMIN);
  request.set_password(password);
  if (absl::Status st = ValidateNewAccount(request); !st.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("MINYI_BOOTSTRAP_ADMIN_PASSWORD is not an acceptable password: ", st.message()));
  }
  ASSIGN_OR_RETURN(const std::string hash, HashPassword(request.password()));
  return pool_.Transact([&](pqxx::work& tx) {
    // ON CONFLICT makes replicas starting together create the account once.
    std::optional<Account> created = InsertAccount(tx, request.account(), hash, /*password_change_required=*/true);
    if (created.has_value()) {
      AppendAudit(tx, {.actor = "", .action = "BootstrapAdmin", .resource = created->name()});
      log::Info("bootstrap admin account created", {{"account", created->name()}});
    }
    return absl::OkStatus();
  });
}

Accounts::Accounts(PgPool& pool, const Authorizer& authorizer, Sessions sessions)
    : pool_(pool), authorizer_(authorizer), sessions_(sessions), commands_(pool, "identity") {}

absl::Status Accounts::Create(const Call& call, const CreateAccountRequest& request, Account* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Require(call, {minyi::common::v1::ROLE_ADMIN}));
  RETURN_IF_ERROR(ValidateNewAccount(request));
  ASSIGN_OR_RETURN(const std::string hash, Hash(request.password()));
  // The idempotency fingerprint leaves the password out: a fast SHA-256 over it would be stored next to
  // the Argon2id hash and undo its cost.
  CreateAccountRequest fingerprint = request;
  fingerprint.clear_password();
  return commands_.Run(call, caller, "CreateAccount", fingerprint, response, [&](Change& change) -> absl::Status {
    // The unique index decides under races; this answers the common case by name.
    if (!request.account().deputy().empty() && DeputyHasActiveAccount(change.tx(), request.account().deputy())) {
      return DeputyTaken();
    }
    std::optional<Account> created = InsertAccount(change.tx(), request.account(), hash, false);
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
    change.Audit(created->name(), std::move(detail));
    *response = *std::move(created);
    return absl::OkStatus();
  });
}

absl::Status Accounts::ResetPassword(const Call& call, const ResetPasswordRequest& request, Account* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Require(call, {minyi::common::v1::ROLE_ADMIN}));
  ASSIGN_OR_RETURN(const int64_t id, ParseAccountName(request.name()));
  RETURN_IF_ERROR(ValidatePassword("temporary_password", request.temporary_password()));
  ASSIGN_OR_RETURN(const std::string hash, Hash(request.temporary_password()));
  ResetPasswordRequest fingerprint = request;
  fingerprint.clear_temporary_password();
  std::optional<Revocation> ended;
  RETURN_IF_ERROR(
      commands_.Run(call, caller, "ResetPassword", fingerprint, response, [&](Change& change) -> absl::Status {
        std::optional<int64_t> version = SetPassword(change.tx(), id, hash, /*password_change_required=*/true);
        if (!version.has_value()) {
          return NotFoundError(request.name());
        }
        ended = EndSessionsBelow(sessions_.issuer, id, *version);
        InsertRevocation(change.tx(), id, *ended);
        change.Audit(AccountName(id));
        *response = *LoadAccount(change.tx(), id);
        return absl::OkStatus();
      }));
  if (ended.has_value()) {  // none when the stored answer of a retry was returned
    sessions_.revocations.Publish(*ended);
  }
  return absl::OkStatus();
}

absl::Status Accounts::Disable(const Call& call, const DisableAccountRequest& request, Account* response) {
  return SetDisabled(call, request.name(), true, request.reason(), response);
}

absl::Status Accounts::Enable(const Call& call, const EnableAccountRequest& request, Account* response) {
  return SetDisabled(call, request.name(), false, "", response);
}

absl::Status Accounts::SetDisabled(const Call& call, absl::string_view name, bool disabled, absl::string_view reason,
                                   Account* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Require(call, {minyi::common::v1::ROLE_ADMIN}));
  ASSIGN_OR_RETURN(const int64_t id, ParseAccountName(name));
  if (disabled) {
    RETURN_IF_ERROR(CheckText("reason", reason, 1, 500));
    // An admin locking themself out could leave nobody to undo it.
    if (absl::StrCat(id) == caller.account_id()) {
      return FailedPrecondition("CANNOT_DISABLE_SELF", "an admin cannot disable their own account");
    }
  }
  DisableAccountRequest fingerprint;
  fingerprint.set_name(std::string(name));
  fingerprint.set_reason(std::string(reason));
  std::optional<Revocation> ended;
  RETURN_IF_ERROR(commands_.Run(
      call, caller, disabled ? "DisableAccount" : "EnableAccount", fingerprint, response,
      [&](Change& change) -> absl::Status {
        pqxx::work& tx = change.tx();
        std::optional<StoredAccount> before = LoadStoredAccount(tx, id);
        if (!before.has_value()) {
          return minyi::NotFoundError(name);
        }
        if (before->account.disabled() == disabled) {
          return FailedPrecondition(disabled ? "ALREADY_DISABLED" : "NOT_DISABLED",
                                    disabled ? "the account is already disabled" : "the account is not disabled");
        }
        if (!disabled && before->account.closed()) {
          return FailedPrecondition("ACCOUNT_CLOSED", "the account was closed by its owner and cannot be enabled");
        }
        if (!disabled && !before->account.deputy().empty() && DeputyHasActiveAccount(tx, before->account.deputy())) {
          return DeputyTaken();
        }
        std::optional<StoredAccount> after = minyi::identity::SetDisabled(tx, id, disabled);
        if (disabled) {
          ended = EndSessionsBelow(sessions_.issuer, id, after->token_version);
          InsertRevocation(tx, id, *ended);
        }
        nlohmann::json detail = nlohmann::json::object();
        if (disabled) {
          detail["reason"] = std::string(reason);
        }
        if (!after->account.deputy().empty()) {
          detail["deputy"] = after->account.deputy();
        }
        change.Audit(AccountName(id), std::move(detail));
        *response = after->account;
        return absl::OkStatus();
      }));
  if (ended.has_value()) {
    sessions_.revocations.Publish(*ended);
  }
  return absl::OkStatus();
}

absl::Status Accounts::UpdateProfile(const Call& call, const v1::UpdateProfileRequest& request, Account* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t id, OwnAccountId(caller, request.name()));
  RETURN_IF_ERROR(CheckText("display_name", request.display_name(), 1, 32));
  return commands_.Run(call, caller, "UpdateProfile", request, response, [&](Change& change) -> absl::Status {
    std::optional<Account> updated = SetDisplayName(change.tx(), id, request.display_name());
    if (!updated.has_value()) {
      return NotFoundError(AccountName(id));
    }
    change.Audit(AccountName(id));
    *response = *std::move(updated);
    return absl::OkStatus();
  });
}

absl::Status Accounts::Get(const Call& call, const GetAccountRequest& request, Account* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  int64_t id = 0;
  if (request.name() == "accounts/me") {
    if (!absl::SimpleAtoi(caller.account_id(), &id)) {
      return Unauthenticated("TOKEN_INVALID", "the access token names no account");
    }
  } else {
    ASSIGN_OR_RETURN(id, ParseAccountName(request.name()));
  }
  // Checked before the lookup, so a non-admin cannot probe which account ids exist.
  if (caller.role() != minyi::common::v1::ROLE_ADMIN && caller.account_id() != absl::StrCat(id)) {
    return PermissionDenied("only admins may read other accounts");
  }
  std::optional<Account> account;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    account = LoadAccount(tx, id);
    return absl::OkStatus();
  }));
  if (!account.has_value()) {
    return NotFoundError(AccountName(id));
  }
  *response = *std::move(account);
  return absl::OkStatus();
}

absl::Status Accounts::List(const Call& call, const ListAccountsRequest& request, ListAccountsResponse* response) {
  RETURN_IF_ERROR(authorizer_.RequireUserOrService(call, {minyi::common::v1::ROLE_ADMIN}, {"notifications"}).status());
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
  ASSIGN_OR_RETURN(const PageRequest page,
                   ReadPageRequest(request.page_size(), request.page_token(),
                                   {"accounts", absl::StrCat(request.role()), absl::StrJoin(deputies, ","),
                                    absl::StrJoin(departments, ",")},
                                   kDefaultAccountPage, kMaxAccountPage));
  AccountFilter filter{.after_id = page.after_id,
                       .limit = page.size + 1,
                       .role = request.role(),
                       .deputies = std::move(deputies),
                       .departments = std::move(departments)};
  std::vector<std::pair<int64_t, Account>> rows;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    rows = minyi::identity::ListAccounts(tx, filter);
    return absl::OkStatus();
  }));
  response->set_next_page_token(
      TrimToPage(rows, page.size, page.fingerprint, [](const auto& row) { return row.first; }));
  for (auto& [id, account] : rows) {
    // Only what reaching the account needs: no user name, no person's name, no number.
    account.clear_username();
    account.clear_display_name();
    account.clear_phone();
    *response->add_accounts() = std::move(account);
  }
  return absl::OkStatus();
}

}  // namespace minyi::identity
