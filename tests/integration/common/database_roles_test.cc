// Each service connects as its own PostgreSQL role, which owns its schema and nothing else: PostgreSQL
// itself refuses one service's role another service's tables, its outbox included.

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "pqxx/pqxx"
#include "support/harness.h"
#include "support/platform.h"

namespace minyi {
namespace {

using testing::ChildProcess;
using testing::PostgresServer;
using testing::ServiceRoleDsn;
using testing::StartService;

constexpr char kRefused[] = "insufficient privilege";

class DatabaseRolesTest : public ::testing::Test {
 protected:
  // identity and deputies as they ship, each migrating its schema at start with the DSN it is given.
  static void SetUpTestSuite() {
    dsn_ = new std::string(PostgresServer::Shared().CreateDatabase());
    int port = 0;
    identity_ = StartService("identity", *dsn_, &port).release();
    deputies_ = StartService("deputies", *dsn_, &port).release();
  }

  static void TearDownTestSuite() {
    delete deputies_;
    delete identity_;
    delete dsn_;
  }

  // Runs `sql` as service `service`'s role: "" when it succeeded, kRefused when PostgreSQL refused the
  // privilege (SQLSTATE 42501), else the error.
  static std::string RunAs(const std::string& service, const std::string& sql) {
    pqxx::connection conn(ServiceRoleDsn(service, *dsn_));
    pqxx::nontransaction tx(conn);
    try {
      tx.exec(sql);
      return "";
    } catch (const pqxx::insufficient_privilege&) {
      return kRefused;
    } catch (const pqxx::sql_error& e) {
      return e.what();
    }
  }

  static int64_t Count(const std::string& sql) {
    pqxx::connection conn(*dsn_);
    pqxx::nontransaction tx(conn);
    return tx.exec1(sql)[0].as<int64_t>();
  }

  static inline std::string* dsn_ = nullptr;
  static inline ChildProcess* identity_ = nullptr;
  static inline ChildProcess* deputies_ = nullptr;
};

TEST_F(DatabaseRolesTest, MigrationsRanAsTheServiceRoleWhichOwnsEveryTableOfItsSchema) {
  for (const std::string service : {"identity", "deputies"}) {
    const std::string role = "minyi_" + service;
    EXPECT_EQ(Count("SELECT count(*) FROM pg_namespace WHERE nspname = '" + service + "' AND nspowner = '" + role +
                    "'::regrole"),
              1)
        << service;
    EXPECT_GT(Count("SELECT count(*) FROM pg_tables WHERE schemaname = '" + service + "'"), 4) << service;
    EXPECT_EQ(
        Count("SELECT count(*) FROM pg_tables WHERE schemaname = '" + service + "' AND tableowner <> '" + role + "'"),
        0)
        << service;
    EXPECT_EQ(RunAs(service, "SELECT count(*) FROM " + service + ".outbox"), "") << "its own tables it may read";
  }
  EXPECT_EQ(Count("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'minyi\\_%' AND (rolsuper OR rolcreatedb OR "
                  "rolcreaterole)"),
            0);
}

TEST_F(DatabaseRolesTest, AServiceRoleIsRefusedAnotherServicesTablesAndOutbox) {
  EXPECT_EQ(RunAs("deputies", "SELECT count(*) FROM identity.accounts"), kRefused);
  EXPECT_EQ(RunAs("deputies", "SELECT count(*) FROM identity.outbox"), kRefused);
  EXPECT_EQ(RunAs("deputies",
                  "INSERT INTO identity.outbox (event_id, event_type, subject, payload) "
                  "VALUES (gen_random_uuid(), 'x', 'x', '')"),
            kRefused);
  EXPECT_EQ(RunAs("identity", "SELECT count(*) FROM deputies.outbox"), kRefused);
  EXPECT_EQ(RunAs("identity", "SELECT count(*) FROM deputies.schema_migrations"), kRefused);
}

TEST_F(DatabaseRolesTest, AServiceRoleCannotMakeASchemaNorGrantItselfMore) {
  EXPECT_EQ(RunAs("deputies", "CREATE SCHEMA suggestions"), kRefused);
  EXPECT_EQ(RunAs("deputies", "CREATE TABLE public.spill (x int)"), kRefused);
  EXPECT_EQ(RunAs("deputies", "ALTER ROLE minyi_deputies SUPERUSER"), kRefused);
}

}  // namespace
}  // namespace minyi
