#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

struct redisContext;
struct redisReply;

namespace minyi {

// A reply from Redis, copied out of hiredis' structure.
struct RedisReply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus, kError };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus, kError
  long long integer = 0;
  std::vector<RedisReply> elements;
};

// The value after `name` in a flat [field, value, ...] reply (XINFO's maps, a stream entry's fields);
// null when absent.
const RedisReply* ReplyField(const RedisReply& map, std::string_view name);

// A synchronous Redis connection (hiredis) that reconnects on the next command after a failure.
// Commands are binary-safe argument vectors. Thread-safe: calls are serialized.
class RedisClient final {
 public:
  explicit RedisClient(std::string addr, absl::Duration timeout = absl::Seconds(5));
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // UNAVAILABLE when Redis cannot be reached; a Redis error reply is returned as kError, not a status.
  absl::StatusOr<RedisReply> Command(const std::vector<std::string>& args);
  // Sends every command before reading any reply: one round trip for all of them. The replies come in
  // order, each as Command would return it. UNAVAILABLE when the connection fails midway, after which
  // any of the commands may or may not have been applied.
  absl::StatusOr<std::vector<RedisReply>> Pipeline(absl::Span<const std::vector<std::string>> commands);

 private:
  absl::Status EnsureConnected();
  absl::Status Disconnect();  // after an I/O error: UNAVAILABLE with hiredis' reason

  std::string host_;
  int port_;
  absl::Duration timeout_;
  std::mutex mu_;
  redisContext* ctx_ = nullptr;  // guarded by mu_
};

}  // namespace minyi
