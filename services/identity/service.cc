#include "identity/service.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/audit.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/workers.h"
#include "common/text.h"
#include "grpcpp/server_context.h"
#include "identity/account.h"
#include "identity/password.h"
#include "identity/store.h"

namespace minyi::identity {
namespace {

using ::minyi::identity::v1::Account;
using ::minyi::identity::v1::CreateAccountRequest;
using ::minyi::identity::v1::GetAccountRequest;
using ::minyi::identity::v1::IssueTokenRequest;
using ::minyi::identity::v1::ListAccountsRequest;
using ::minyi::identity::v1::ListAccountsResponse;
using ::minyi::identity::v1::Token;

constexpr char kBootstrapPasswordEnv[] = "MINYI_BOOTSTRAP_ADMIN_PASSWORD";
constexpr char kBootstrapUsername[] = "admin";
// Longer user names cannot exist, so they are not looked up, but are still answered after equal work.
constexpr std::size_t kMaxUsernameBytes = 64;
// A recipient lookup names at most this many deputies or departments, and pages hold up to 1000 accounts.
constexpr int kMaxFilterValues = 1000;
constexpr int kDefaultAccountPage = 200;
constexpr int kMaxAccountPage = 1000;

// Verified against when the user name is unknown, so a wrong name costs as much as a wrong password and
// response times do not reveal which accounts exist.
const std::string& DummyHash() {
  static const std::string* const kHash = [] {
    absl::StatusOr<std::string> h = HashPassword("minyi-dummy-password-for-constant-work");
    return new std::string(h.ok() ? *h : std::string());
  }();
  return *kHash;
}

absl::Status WrongCredentials() {
  return Unauthenticated("INVALID_CREDENTIALS", "wrong username or password");
}

}  // namespace

IdentityService::IdentityService(PgPool& pool, const TokenSigner& signer, const Authorizer& authorizer)
    : pool_(pool), signer_(signer), authorizer_(authorizer) {
  DummyHash();  // pays the one-time hashing cost at start rather than in the first sign-in
}

absl::Status IdentityService::BootstrapAdminFromEnv() {
  const char* password = std::getenv(kBootstrapPasswordEnv);
  if (password == nullptr || *password == '\0') {
    return absl::OkStatus();
  }
  CreateAccountRequest request;
  request.mutable_account()->set_username(kBootstrapUsername);
  request.mutable_account()->set_display_name("系统管理员");
  request.mutable_account()->set_role(minyi::common::v1::ROLE_ADMIN);
  request.set_password(password);
  if (absl::Status st = ValidateNewAccount(request); !st.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(kBootstrapPasswordEnv, " is not an acceptable password: ", st.message()));
  }
  absl::StatusOr<std::string> hash = HashPassword(request.password());
  if (!hash.ok()) {
    return hash.status();
  }
  return pool_.Transact([&](pqxx::work& tx) {
    // ON CONFLICT makes replicas starting together create the account once.
    std::optional<Account> created = InsertAccount(tx, request.account(), *hash);
    if (created.has_value()) {
      AppendAudit(tx, {.actor = "", .action = "BootstrapAdmin", .resource = created->name()});
      log::Info("bootstrap admin account created", {{"account", created->name()}});
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* IdentityService::IssueToken(grpc::CallbackServerContext* ctx, const IssueTokenRequest* request,
                                         Token* response) {
  return Serve(ctx, [=, this] { return DoIssueToken(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* IdentityService::CreateAccount(grpc::CallbackServerContext* ctx, const CreateAccountRequest* request,
                                            Account* response) {
  return Serve(ctx, [=, this] { return DoCreateAccount(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* IdentityService::GetAccount(grpc::CallbackServerContext* ctx, const GetAccountRequest* request,
                                         Account* response) {
  return Serve(ctx, [=, this] { return DoGetAccount(*ctx, *request, response); });
}

grpc::ServerUnaryReactor* IdentityService::ListAccounts(grpc::CallbackServerContext* ctx, const ListAccountsRequest* request,
                                           ListAccountsResponse* response) {
  return Serve(ctx, [=, this] { return DoListAccounts(*ctx, *request, response); });
}

absl::Status IdentityService::DoIssueToken(const grpc::ServerContextBase& ctx, const IssueTokenRequest& request,
                                           Token* response) {
  std::optional<StoredAccount> found;
  if (request.username().size() <= kMaxUsernameBytes && IsValidUtf8(request.username())) {
    absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
      found = FindAccountByUsername(tx, request.username());
      return absl::OkStatus();
    });
    if (!st.ok()) {
      return st;
    }
  }
  const bool password_ok = request.password().size() <= kMaxPasswordBytes &&
                           VerifyPassword(found ? found->password_hash : DummyHash(), request.password());
  if (!found.has_value() || !password_ok) {
    // The audit row names the account only when it exists, so the trail is no list of guessed names.
    std::string resource = found ? found->account.name() : std::string();
    absl::Status st = pool_.Transact([&](pqxx::work& tx) {
      AppendAudit(tx, {.action = "SignInFailed", .resource = resource, .request_id = RequestId(ctx)});
      return absl::OkStatus();
    });
    if (!st.ok()) {
      return st;
    }
    return WrongCredentials();
  }
  const Account& account = found->account;
  Caller caller;
  caller.set_account_id(absl::StrCat(found->id));
  caller.set_role(account.role());
  caller.set_deputy(account.deputy());
  caller.set_department(account.department());
  absl::StatusOr<std::string> token = signer_.Issue(caller, absl::Now());
  if (!token.ok()) {
    return token.status();
  }
  absl::Status st = pool_.Transact([&](pqxx::work& tx) {
    AppendAudit(tx, {.actor = caller.account_id(),
                     .action = "SignIn",
                     .resource = account.name(),
                     .request_id = RequestId(ctx)});
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  response->set_access_token(*std::move(token));
  response->set_token_type("Bearer");
  response->set_expires_in(absl::ToInt64Seconds(signer_.ttl()));
  *response->mutable_account() = account;
  return absl::OkStatus();
}

absl::Status IdentityService::DoCreateAccount(const grpc::ServerContextBase& ctx,
                                              const CreateAccountRequest& request, Account* response) {
  absl::StatusOr<Caller> caller = authorizer_.Require(ctx, {minyi::common::v1::ROLE_ADMIN});
  if (!caller.ok()) {
    return caller.status();
  }
  if (absl::Status st = ValidateNewAccount(request); !st.ok()) {
    return st;
  }
  absl::StatusOr<std::string> hash = HashPassword(request.password());
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
        std::optional<Account> created = InsertAccount(tx, request.account(), *hash);
        if (!created.has_value()) {
          return AlreadyExists("USERNAME_TAKEN", "an account with this username already exists");
        }
        AppendAudit(tx, {.actor = caller->account_id(),
                         .action = "CreateAccount",
                         .resource = created->name(),
                         .request_id = RequestId(ctx),
                         .detail = {{"username", created->username()},
                                    {"role", minyi::common::v1::Role_Name(created->role())}}});
        *response = *std::move(created);
        return absl::OkStatus();
      });
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
      authorizer_.Require(ctx, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF});
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
