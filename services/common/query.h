#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
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

// What `from_row` makes of a row.
template <typename FromRow>
using RowValue = std::decay_t<std::invoke_result_t<FromRow&, const pqxx::row&>>;

// The first row `query` returns, read by `from_row`; nullopt when it returns none (no such id, or a
// RETURNING that matched nothing).
template <typename FromRow, typename... Params>
std::optional<RowValue<FromRow>> FirstRow(pqxx::transaction_base& tx, const Query& query, FromRow from_row,
                                          const Params&... params) {
  const pqxx::result r = tx.exec_prepared(query, params...);
  if (r.empty()) {
    return std::nullopt;
  }
  return from_row(r[0]);
}

// Every row `query` returns, each read by `from_row`, in the query's order.
template <typename FromRow, typename... Params>
std::vector<RowValue<FromRow>> EveryRow(pqxx::transaction_base& tx, const Query& query, FromRow from_row,
                                        const Params&... params) {
  std::vector<RowValue<FromRow>> out;
  for (const pqxx::row& row : tx.exec_prepared(query, params...)) {
    out.push_back(from_row(row));
  }
  return out;
}

// The id of the one row an INSERT ... RETURNING id wrote.
template <typename... Params>
int64_t InsertedId(pqxx::transaction_base& tx, const Query& query, const Params&... params) {
  return tx.exec_prepared1(query, params...)[0].template as<int64_t>();
}

// An enum column holds the value's name; one the parser does not know reads as the enum's zero value.
template <typename Enum>
Enum ParseEnum(const pqxx::field& f, bool (*parse)(const std::string&, Enum*)) {
  Enum value{};
  parse(f.as<std::string>(), &value);
  return value;
}

// A bigint[] parameter as PostgreSQL's array literal ("{1,2,3}"): libpqxx 6 has no array parameter conversion.
std::string IdArray(const std::vector<int64_t>& ids);

}  // namespace minyi
