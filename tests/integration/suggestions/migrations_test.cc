// The co-signers migration on data written before co-signers confirmed: a joint draft's named co-signers
// become invitations, and submitted items keep the submitters their duty records were booked for.

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/migrate.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"
#include "suggestions/dedup.h"
#include "suggestions/jobs.h"
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

// Items indexed before titles had bands of their own keep their whole-text keys and are queued; the
// reindex step gives each every key the service computes now, once.
TEST(SuggestionsMigrations, ItemsIndexedBeforeTitleBandsAreQueuedAndGetThem) {
  const std::string dsn = PostgresServer::Shared().CreateDatabase();
  const std::vector<Migration>& all = minyi::suggestions::Migrations();
  ASSERT_GE(all.size(), 3u);
  ASSERT_TRUE(ApplyMigrations(dsn, "suggestions", {all[0], all[1]}).ok());
  const suggestions::MinHasher hasher;
  const std::vector<int64_t> keys = hasher.BandKeysOf({"关于增开工业园区公交线路的建议", "园区职工上下班乘车难。"});
  const std::vector<int64_t> whole(keys.begin(), keys.begin() + hasher.options().bands);
  pqxx::connection conn(dsn);
  for (const PreparedStatement& s : minyi::suggestions::Statements()) {
    conn.prepare(s.name, s.sql);
  }
  {
    pqxx::work tx(conn);
    tx.exec("SET search_path TO suggestions");
    tx.exec(
        "INSERT INTO suggestions (id, kind, title, body, state, created_by) VALUES "
        "(1, 'SUGGESTION_KIND_DEPUTY', '关于增开工业园区公交线路的建议', '园区职工上下班乘车难。', "
        "'SUGGESTION_STATE_SUBMITTED', '1'), "
        "(2, 'SUGGESTION_KIND_DEPUTY', '草稿', '未提交', 'SUGGESTION_STATE_DRAFT', '1')");
    tx.exec_params("INSERT INTO dedup_bands (band_key, suggestion_id) SELECT DISTINCT k, 1 FROM unnest($1::bigint[]) k",
                   absl::StrCat("{", absl::StrJoin(whole, ","), "}"));
    tx.commit();
  }
  ASSERT_TRUE(ApplyMigrations(dsn, "suggestions", all).ok());
  EXPECT_EQ(Rows(conn, "SELECT suggestion_id::text FROM suggestions.dedup_reindex"), "1");

  std::vector<int64_t> distinct = keys;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  for (const int expected_taken : {1, 0}) {
    pqxx::work tx(conn);
    tx.exec("SET search_path TO suggestions");
    EXPECT_EQ(suggestions::ReindexBands(tx, hasher, 10), expected_taken);
    tx.commit();
  }
  EXPECT_EQ(Rows(conn, "SELECT count(*)::text FROM suggestions.dedup_reindex"), "0");
  // Every key, and no other.
  EXPECT_EQ(Rows(conn, "SELECT count(*)::text FROM suggestions.dedup_bands WHERE suggestion_id = 1"),
            absl::StrCat(distinct.size()));
  EXPECT_EQ(Rows(conn, absl::StrCat("SELECT count(*)::text FROM suggestions.dedup_bands WHERE suggestion_id = 1 AND "
                                    "band_key = ANY('{",
                                    absl::StrJoin(distinct, ","), "}'::bigint[])")),
            absl::StrCat(distinct.size()));
}

}  // namespace
}  // namespace minyi::testing
