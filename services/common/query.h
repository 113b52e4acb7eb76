#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/pg.h"

namespace minyi {

// A prepared statement: its name and its SQL in one constant, beside the store function that runs it
// (as userver keeps a query's name and text together).
//
//   const Query kLoadAccount{"identity_load_account", "SELECT ... FROM accounts WHERE id = $1"};
//   ... tx.exec_prepared(kLoadAccount, id) ...
//
// Each Query registers itself when its file's constants are initialised, before main; a service's pool
// prepares every registered query whose name carries the service's prefix (QueriesOf), so a statement is
// named once, written once and used where it is defined. Only constants at namespace scope, never
// created at run time.
class Query final {
 public:
  Query(std::string name, std::string sql);
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // What exec_prepared takes.
  operator const std::string&() const { return name_; }
  const std::string& name() const { return name_; }
  const std::string& sql() const { return sql_; }

 private:
  const std::string name_;
  const std::string sql_;
};

// Every registered query whose name starts with `prefix` (e.g. "identity_"), in name order.
std::vector<PreparedStatement> QueriesOf(std::string_view prefix);

}  // namespace minyi
