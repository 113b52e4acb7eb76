#include "identity/store.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "identity/account.h"

namespace minyi::identity {
namespace {

using ::minyi::identity::v1::Account;

constexpr char kFindByUsername[] = "identity_find_by_username";
constexpr char kLoadAccount[] = "identity_load_account";
constexpr char kInsertAccount[] = "identity_insert_account";
constexpr char kListAccounts[] = "identity_list_accounts";
constexpr char kDeputyHasActive[] = "identity_deputy_has_active_account";
constexpr char kSetPassword[] = "identity_set_password";
constexpr char kSetDisabled[] = "identity_set_disabled";
constexpr char kBumpVersion[] = "identity_bump_token_version";
constexpr char kInsertRevocation[] = "identity_insert_revocation";
constexpr char kActiveRevocations[] = "identity_active_revocations";
constexpr char kPurgeRevocations[] = "identity_purge_revocations";

// Every account read selects these columns; AccountFromRow reads them by name.
constexpr absl::string_view kAccountColumns =
    "id, username, display_name, role, deputy, department, "
    "(extract(epoch FROM create_time) * 1000000)::bigint AS create_us, password_hash, disabled, "
    "password_change_required, token_version";

Account AccountFromRow(const pqxx::row& row) {
  Account a;
  a.set_name(AccountName(row["id"].as<int64_t>()));
  a.set_username(row["username"].as<std::string>());
  a.set_display_name(row["display_name"].as<std::string>());
  minyi::common::v1::Role role = minyi::common::v1::ROLE_UNSPECIFIED;
  minyi::common::v1::Role_Parse(row["role"].as<std::string>(), &role);
  a.set_role(role);
  a.set_deputy(row["deputy"].as<std::string>());
  a.set_department(row["department"].as<std::string>());
  *a.mutable_create_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  a.set_disabled(row["disabled"].as<bool>());
  a.set_password_change_required(row["password_change_required"].as<bool>());
  return a;
}

StoredAccount StoredFromRow(const pqxx::row& row) {
  return StoredAccount{row["id"].as<int64_t>(), AccountFromRow(row), row["password_hash"].as<std::string>(),
                       row["token_version"].as<int64_t>()};
}

}  // namespace

std::vector<PreparedStatement> Statements() {
  return {
      {kFindByUsername, absl::StrCat("SELECT ", kAccountColumns, " FROM accounts WHERE username = $1")},
      {kLoadAccount, absl::StrCat("SELECT ", kAccountColumns, " FROM accounts WHERE id = $1")},
      {kInsertAccount,
       absl::StrCat("INSERT INTO accounts (username, display_name, role, deputy, department, password_hash, "
                    "password_change_required) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                    "ON CONFLICT (username) DO NOTHING RETURNING ",
                    kAccountColumns)},
      {kDeputyHasActive, "SELECT 1 FROM accounts WHERE deputy = $1 AND NOT disabled"},
      {kSetPassword,
       "UPDATE accounts SET password_hash = $2, password_change_required = $3, token_version = token_version + 1 "
       "WHERE id = $1 RETURNING token_version"},
      {kSetDisabled,
       absl::StrCat("UPDATE accounts SET disabled = $2, "
                    "token_version = token_version + CASE WHEN $2 THEN 1 ELSE 0 END WHERE id = $1 RETURNING ",
                    kAccountColumns)},
      {kBumpVersion, "UPDATE accounts SET token_version = token_version + 1 WHERE id = $1 RETURNING token_version"},
      {kInsertRevocation,
       "INSERT INTO token_revocations (account_id, min_version, token_id, until) "
       "VALUES ($1, $2, NULLIF($3, ''), to_timestamp($4))"},
      {kActiveRevocations,
       "SELECT account_id, coalesce(min_version, 0) AS min_version, coalesce(token_id, '') AS token_id, "
       "extract(epoch FROM until)::bigint AS until FROM token_revocations WHERE until > now() ORDER BY id"},
      {kPurgeRevocations, "DELETE FROM token_revocations WHERE until < now() - interval '1 day'"},
      // Empty filters match everything; the lists arrive as JSON arrays of strings.
      {kListAccounts,
       absl::StrCat("SELECT ", kAccountColumns,
                    " FROM accounts WHERE id > $1 AND NOT disabled AND ($2 = '' OR role = $2)"
                    " AND ($3::jsonb = '[]'::jsonb OR deputy IN (SELECT jsonb_array_elements_text($3::jsonb)))"
                    " AND ($4::jsonb = '[]'::jsonb OR department IN (SELECT jsonb_array_elements_text($4::jsonb)))"
                    " ORDER BY id LIMIT $5")},
  };
}

std::optional<StoredAccount> FindAccountByUsername(pqxx::transaction_base& tx, const std::string& username) {
  pqxx::result r = tx.exec_prepared(kFindByUsername, username);
  if (r.empty()) {
    return std::nullopt;
  }
  return StoredFromRow(r[0]);
}

std::optional<StoredAccount> LoadStoredAccount(pqxx::transaction_base& tx, int64_t id) {
  pqxx::result r = tx.exec_prepared(kLoadAccount, id);
  if (r.empty()) {
    return std::nullopt;
  }
  return StoredFromRow(r[0]);
}

std::optional<Account> LoadAccount(pqxx::transaction_base& tx, int64_t id) {
  pqxx::result r = tx.exec_prepared(kLoadAccount, id);
  if (r.empty()) {
    return std::nullopt;
  }
  return AccountFromRow(r[0]);
}

std::optional<Account> InsertAccount(pqxx::work& tx, const Account& account, const std::string& password_hash,
                                     bool password_change_required) {
  pqxx::result r = tx.exec_prepared(kInsertAccount, account.username(), account.display_name(),
                                    minyi::common::v1::Role_Name(account.role()), account.deputy(),
                                    account.department(), password_hash, password_change_required);
  if (r.empty()) {
    return std::nullopt;
  }
  return AccountFromRow(r[0]);
}

bool DeputyHasActiveAccount(pqxx::transaction_base& tx, const std::string& deputy) {
  return !tx.exec_prepared(kDeputyHasActive, deputy).empty();
}

namespace {

std::optional<int64_t> VersionOf(const pqxx::result& r) {
  if (r.empty()) {
    return std::nullopt;
  }
  return r[0][0].as<int64_t>();
}

}  // namespace

std::optional<int64_t> SetPassword(pqxx::work& tx, int64_t id, const std::string& password_hash,
                                   bool password_change_required) {
  return VersionOf(tx.exec_prepared(kSetPassword, id, password_hash, password_change_required));
}

std::optional<StoredAccount> SetDisabled(pqxx::work& tx, int64_t id, bool disabled) {
  pqxx::result r = tx.exec_prepared(kSetDisabled, id, disabled);
  if (r.empty()) {
    return std::nullopt;
  }
  return StoredFromRow(r[0]);
}

std::optional<int64_t> BumpTokenVersion(pqxx::work& tx, int64_t id) {
  return VersionOf(tx.exec_prepared(kBumpVersion, id));
}

void InsertRevocation(pqxx::work& tx, int64_t account_id, const Revocation& revocation) {
  std::optional<int64_t> min_version;
  if (revocation.token_id.empty()) {
    min_version = revocation.min_version;
  }
  tx.exec_prepared(kInsertRevocation, account_id, min_version, revocation.token_id,
                   absl::ToUnixSeconds(revocation.until));
}

std::vector<Revocation> ActiveRevocations(pqxx::transaction_base& tx) {
  std::vector<Revocation> out;
  for (const pqxx::row& row : tx.exec_prepared(kActiveRevocations)) {
    out.push_back(Revocation{.account_id = row["account_id"].as<std::string>(),
                             .min_version = row["min_version"].as<int64_t>(),
                             .token_id = row["token_id"].as<std::string>(),
                             .until = absl::FromUnixSeconds(row["until"].as<int64_t>())});
  }
  return out;
}

int PurgeRevocations(pqxx::work& tx) { return static_cast<int>(tx.exec_prepared(kPurgeRevocations).affected_rows()); }

std::vector<std::pair<int64_t, Account>> ListAccounts(pqxx::transaction_base& tx, const AccountFilter& filter) {
  const std::string role =
      filter.role == minyi::common::v1::ROLE_UNSPECIFIED ? "" : minyi::common::v1::Role_Name(filter.role);
  pqxx::result r = tx.exec_prepared(kListAccounts, filter.after_id, role,
                                    nlohmann::json(filter.deputies).dump(),
                                    nlohmann::json(filter.departments).dump(), filter.limit);
  std::vector<std::pair<int64_t, Account>> out;
  out.reserve(r.size());
  for (const pqxx::row& row : r) {
    out.emplace_back(row["id"].as<int64_t>(), AccountFromRow(row));
  }
  return out;
}

}  // namespace minyi::identity
