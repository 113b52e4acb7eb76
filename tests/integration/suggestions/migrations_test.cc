// The co-signers migration on data written before co-signers confirmed: a joint draft's named co-signers
// become invitations, and submitted items keep the submitters their duty records were booked for.

#include <string>

#include "absl/strings/str_cat.h"
#include "common/migrate.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"
#include "suggestions/store.h"
#include "support/harness.h"

namespace minyi::testing {
namespace {

std::string Rows(pqxx::connection& conn, const std::string& sql) {
  pqxx::nontransaction tx(conn);
  return tx.exec1(absl::StrCat("SELECT coalesce(string_agg(r, ' '), '') FROM (", sql, ") AS t(r)"))[0]
      .as<std::string>();
}

TEST(SuggestionsMigrations, JointDraftsOfBeforeConsentInviteTheirCoSigners) {
  const std::string dsn = PostgresServer::Shared().CreateDatabase();
  const std::vector<Migration>& all = minyi::suggestions::Migrations();
  ASSERT_GE(all.size(), 2u);
  ASSERT_TRUE(ApplyMigrations(dsn, "suggestions", {all[0]}).ok());
  pqxx::connection conn(dsn);
  {
    pqxx::work tx(conn);
    tx.exec("SET search_path TO suggestions");
    tx.exec(
        "INSERT INTO suggestions (id, kind, title, body, state, created_by) VALUES "
        "(1, 'SUGGESTION_KIND_JOINT', '草稿', '联名草稿', 'SUGGESTION_STATE_DRAFT', '1'), "
        "(2, 'SUGGESTION_KIND_JOINT', '已提交', '联名建议', 'SUGGESTION_STATE_SUBMITTED', '1'), "
        "(3, 'SUGGESTION_KIND_DELEGATION', '全团', '全团草稿', 'SUGGESTION_STATE_DRAFT', '1')");
    tx.exec(
        "INSERT INTO suggestion_deputies (suggestion_id, deputy_id, position) VALUES "
        "(1, 10, 0), (1, 11, 1), (1, 12, 2), (2, 10, 0), (2, 11, 1), (3, 10, 0), (3, 13, 1)");
    tx.commit();
  }
  ASSERT_TRUE(ApplyMigrations(dsn, "suggestions", all).ok());
  const std::string submitters =
      "SELECT suggestion_id || ':' || deputy_id FROM suggestions.suggestion_deputies ORDER BY suggestion_id, position";
  EXPECT_EQ(Rows(conn, submitters), "1:10 2:10 2:11 3:10 3:13");
  EXPECT_EQ(Rows(conn,
                 "SELECT suggestion_id || ':' || deputy_id || ':' || position || ':' || state FROM "
                 "suggestions.co_signers ORDER BY suggestion_id, position"),
            "1:11:1:CO_SIGNER_STATE_INVITED 1:12:2:CO_SIGNER_STATE_INVITED");
}

}  // namespace
}  // namespace minyi::testing
