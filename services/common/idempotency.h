#pragma once

#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth.h"
#include "common/call.h"
#include "google/protobuf/message.h"
#include "pqxx/pqxx"

namespace minyi {

class PgPool;

// Runs a mutating RPC's `work` at most once per (caller, method, Idempotency-Key) — Stripe's semantics.
// The key is the call's (the gateway forwards the HTTP header as `idempotency-key` metadata). Without a key,
// `work` simply runs in a transaction. With one, the key is claimed in the same transaction as `work`,
// and the response is stored with it, so a crash leaves either both or neither:
//  - a replay within 24 hours returns the stored response without running `work`;
//  - a concurrent duplicate waits for the first to commit, then returns its response;
//  - the same key with a different request is ALREADY_EXISTS (reason IDEMPOTENCY_KEY_REUSED -> HTTP 409);
//  - a failed first attempt stores nothing, so a retry does the work.
absl::Status RunIdempotent(PgPool& pool, const Call& call, const Caller& caller, absl::string_view method,
                           const google::protobuf::Message& request, google::protobuf::Message* response,
                           const std::function<absl::Status(pqxx::work&)>& work);

// Deletes keys older than 24 hours (their stored responses may hold personal data). Returns how many.
absl::StatusOr<int> PurgeExpiredIdempotencyKeys(PgPool& pool);

// Deletes every stored answer to the account's keys, inside the caller's transaction: what closing an
// account erases must not live on in a replayable response. Returns how many.
int ForgetIdempotentAnswers(pqxx::work& tx, absl::string_view account_id);

}  // namespace minyi
