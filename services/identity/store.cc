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

// Every account read selects these columns; AccountFromRow reads them by name.
constexpr absl::string_view kAccountColumns =
    "id, username, display_name, role, deputy, department, "
    "(extract(epoch FROM create_time) * 1000000)::bigint AS create_us, password_hash";

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
  return a;
}

}  // namespace

std::vector<PreparedStatement> Statements() {
  return {
      {kFindByUsername, absl::StrCat("SELECT ", kAccountColumns, " FROM accounts WHERE username = $1")},
      {kLoadAccount, absl::StrCat("SELECT ", kAccountColumns, " FROM accounts WHERE id = $1")},
      {kInsertAccount,
       absl::StrCat("INSERT INTO accounts (username, display_name, role, deputy, department, password_hash) "
                    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING RETURNING ",
                    kAccountColumns)},
      // Empty filters match everything; the lists arrive as JSON arrays of strings.
      {kListAccounts,
       absl::StrCat("SELECT ", kAccountColumns,
                    " FROM accounts WHERE id > $1 AND ($2 = '' OR role = $2)"
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
  return StoredAccount{r[0]["id"].as<int64_t>(), AccountFromRow(r[0]),
                       r[0]["password_hash"].as<std::string>()};
}

std::optional<Account> LoadAccount(pqxx::transaction_base& tx, int64_t id) {
  pqxx::result r = tx.exec_prepared(kLoadAccount, id);
  if (r.empty()) {
    return std::nullopt;
  }
  return AccountFromRow(r[0]);
}

std::optional<Account> InsertAccount(pqxx::work& tx, const Account& account,
                                     const std::string& password_hash) {
  pqxx::result r = tx.exec_prepared(kInsertAccount, account.username(), account.display_name(),
                                    minyi::common::v1::Role_Name(account.role()), account.deputy(),
                                    account.department(), password_hash);
  if (r.empty()) {
    return std::nullopt;
  }
  return AccountFromRow(r[0]);
}

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
