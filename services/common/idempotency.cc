#include "idempotency.h"

#include <sodium.h>

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "pg.h"
#include "status.h"

namespace minyi {
namespace {

constexpr std::size_t kMaxKeyLength = 255;

// Plain SQL: common code cannot add prepared statements to every service's pool, and all values are
// parameters.
constexpr char kClaim[] =
    "INSERT INTO idempotency_keys (scope, key, request_hash, response, created_at) "
    "VALUES ($1, $2, $3, NULL, now()) ON CONFLICT DO NOTHING RETURNING 1";
// An expired key is reclaimed in place, under its row lock, so concurrent retries of an old key still
// serialize on it.
constexpr char kReclaimExpired[] =
    "UPDATE idempotency_keys SET request_hash = $3, response = NULL, created_at = now() "
    "WHERE scope = $1 AND key = $2 AND created_at < now() - interval '24 hours' RETURNING 1";
constexpr char kLookup[] = "SELECT request_hash, response FROM idempotency_keys WHERE scope = $1 AND key = $2";
constexpr char kPurgeExpired[] = "DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'";
// A scope is "<account id> <method>".
constexpr char kForgetAccount[] = "DELETE FROM idempotency_keys WHERE left(scope, length($1) + 1) = $1 || ' '";
constexpr char kStoreResponse[] = "UPDATE idempotency_keys SET response = $3 WHERE scope = $1 AND key = $2";

absl::Status ValidateKey(absl::string_view key) {
  if (key.empty() || key.size() > kMaxKeyLength) {
    return InvalidField("Idempotency-Key", absl::StrCat("must be 1-", kMaxKeyLength, " characters"));
  }
  for (char c : key) {
    if (c < 0x20 || c > 0x7E) {
      return InvalidField("Idempotency-Key", "must be printable ASCII");
    }
  }
  return absl::OkStatus();
}

// SHA-256 of the deterministic serialization, so equal requests hash equally whatever map order.
std::string RequestHash(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

}  // namespace

absl::Status RunIdempotent(PgPool& pool, const Call& call, const Caller& caller, absl::string_view method,
                           const google::protobuf::Message& request, google::protobuf::Message* response,
                           const std::function<absl::Status(pqxx::work&)>& work) {
  const std::optional<std::string>& key = call.idempotency_key;
  if (!key.has_value()) {
    return pool.Transact(work);
  }
  if (absl::Status st = ValidateKey(*key); !st.ok()) {
    return st;
  }
  const std::string scope = absl::StrCat(caller.account_id(), " ", method);
  const pqxx::binarystring hash(RequestHash(request));
  return pool.Transact([&](pqxx::work& tx) -> absl::Status {
    // A concurrent duplicate blocks in this INSERT on the primary key until the first commits or aborts.
    bool claimed = !tx.exec_params(kClaim, scope, *key, hash).empty() ||
                   !tx.exec_params(kReclaimExpired, scope, *key, hash).empty();
    if (claimed) {
      if (absl::Status st = work(tx); !st.ok()) {
        return st;
      }
      tx.exec_params(kStoreResponse, scope, *key, pqxx::binarystring(response->SerializeAsString()));
      return absl::OkStatus();
    }
    pqxx::result r = tx.exec_params(kLookup, scope, *key);
    if (r.empty() || r[0]["response"].is_null()) {
      // Deleted or reclaimed between our statements: rare enough that the client's retry is the answer.
      return absl::AbortedError("a request with this Idempotency-Key is in flight; retry");
    }
    if (pqxx::binarystring(r[0]["request_hash"]).str() != hash.str()) {
      return AlreadyExists("IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was already used with a different request");
    }
    if (!response->ParseFromString(pqxx::binarystring(r[0]["response"]).str())) {
      return absl::InternalError("stored idempotent response is unreadable");
    }
    return absl::OkStatus();
  });
}

int ForgetIdempotentAnswers(pqxx::work& tx, absl::string_view account_id) {
  return static_cast<int>(tx.exec_params(kForgetAccount, std::string(account_id)).affected_rows());
}

absl::StatusOr<int> PurgeExpiredIdempotencyKeys(PgPool& pool) {
  return pool.TransactValue<int>(
      [](pqxx::work& tx) -> absl::StatusOr<int> { return static_cast<int>(tx.exec(kPurgeExpired).affected_rows()); });
}

}  // namespace minyi
