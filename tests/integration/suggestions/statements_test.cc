// Every SQL statement of the suggestions store prepares against the migrated schema, so a typo or a type
// mismatch fails here rather than on the first request that happens to use it.

#include "absl/strings/str_cat.h"
#include "common/migrate.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"
#include "suggestions/store.h"
#include "support/harness.h"

namespace minyi::testing {
namespace {

TEST(SuggestionsStatements, EveryStatementPreparesOnTheMigratedSchema) {
  const std::string dsn = PostgresServer::Shared().CreateDatabase();
  ASSERT_TRUE(ApplyMigrations(dsn, "suggestions", minyi::suggestions::Migrations()).ok());
  pqxx::connection conn(dsn);
  pqxx::nontransaction tx(conn);
  tx.exec("SET search_path TO suggestions");
  for (const PreparedStatement& s : minyi::suggestions::Statements()) {
    EXPECT_NO_THROW(tx.exec(absl::StrCat("PREPARE ", s.name, " AS ", s.sql))) << s.name;
  }
}

}  // namespace
}  // namespace minyi::testing
