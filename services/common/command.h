#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/auth.h"
#include "common/call.h"
#include "google/protobuf/message.h"
#include "nlohmann/json.hpp"
#include "pqxx/pqxx"

namespace minyi {

class PgPool;

// What a command's `apply` does besides changing rows, written in the same transaction: the events it
// emits and the one audit row naming the resource it changed.
class Change final {
 public:
  Change(pqxx::work& tx, const Caller& caller) : tx_(tx), caller_(caller) {}

  pqxx::work& tx() { return tx_; }
  const Caller& caller() const { return caller_; }

  // An event about `subject` into the outbox, relayed once this transaction commits.
  void Emit(const google::protobuf::Message& event, std::string_view subject);
  // The audited resource and what the row adds (never personal data or secrets). A command that ends up
  // changing nothing (already done) names none, and no row is written.
  void Audit(std::string resource, nlohmann::json detail = nlohmann::json::object());

 private:
  friend class Commands;
  pqxx::work& tx_;
  const Caller& caller_;
  std::string resource_ = "";
  nlohmann::json detail_ = nlohmann::json::object();
};

// The one write path of every mutating RPC. Before it the handler has authorized the caller and validated
// the request; Run then does, in one transaction and at most once per Idempotency-Key
// (RunIdempotent): `apply` changes the rows, emits its events, names the audited resource and reloads the
// response; and the audit row is written with the action named once (the idempotency scope is
// "<service>.<action>", the audit row's action is `action`, its actor the caller, its request id the
// gateway's). An error from `apply` rolls all of it back.
class Commands final {
 public:
  Commands(PgPool& pool, std::string service) : pool_(pool), service_(std::move(service)) {}

  absl::Status Run(const Call& call, const Caller& caller, absl::string_view action,
                   const google::protobuf::Message& request, google::protobuf::Message* response,
                   const std::function<absl::Status(Change&)>& apply) const;

 private:
  PgPool& pool_;
  const std::string service_;
};

}  // namespace minyi
