#include "redis.h"

#include <sys/time.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "hiredis.h"

namespace minyi {
namespace {

RedisReply Convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) {
        out.elements.push_back(Convert(r->element[i]));
      }
      break;
    default:
      out.type = RedisReply::Type::kNil;
      break;
  }
  return out;
}

}  // namespace

const RedisReply* ReplyField(const RedisReply& map, std::string_view name) {
  for (size_t i = 0; i + 1 < map.elements.size(); i += 2) {
    if (map.elements[i].str == name) {
      return &map.elements[i + 1];
    }
  }
  return nullptr;
}

RedisClient::RedisClient(std::string addr, absl::Duration timeout) : timeout_(timeout) {
  const size_t colon = addr.rfind(':');
  host_ = addr.substr(0, colon);
  if (colon == std::string::npos || !absl::SimpleAtoi(addr.substr(colon + 1), &port_)) {
    port_ = 6379;
  }
}

RedisClient::~RedisClient() {
  if (ctx_ != nullptr) {
    redisFree(ctx_);
  }
}

absl::Status RedisClient::EnsureConnected() {
  if (ctx_ != nullptr) {
    return absl::OkStatus();
  }
  redisContext* ctx = redisConnectWithTimeout(host_.c_str(), port_, absl::ToTimeval(timeout_));
  if (ctx == nullptr || ctx->err != 0) {
    std::string why = ctx == nullptr ? "out of memory" : ctx->errstr;
    if (ctx != nullptr) {
      redisFree(ctx);
    }
    return absl::UnavailableError(absl::StrCat("redis ", host_, ":", port_, ": ", why));
  }
  if (redisSetTimeout(ctx, absl::ToTimeval(timeout_)) != REDIS_OK || redisEnableKeepAlive(ctx) != REDIS_OK) {
    redisFree(ctx);
    return absl::UnavailableError(absl::StrCat("redis ", host_, ":", port_, ": cannot configure socket"));
  }
  ctx_ = ctx;
  return absl::OkStatus();
}

absl::Status RedisClient::Disconnect() {
  // hiredis cannot reuse a context after an I/O error or timeout: the next command reconnects.
  std::string why = ctx_->errstr;
  redisFree(ctx_);
  ctx_ = nullptr;
  return absl::UnavailableError(absl::StrCat("redis ", host_, ":", port_, ": ", why));
}

absl::StatusOr<RedisReply> RedisClient::Command(const std::vector<std::string>& args) {
  absl::StatusOr<std::vector<RedisReply>> replies = Pipeline(absl::MakeConstSpan(&args, 1));
  if (!replies.ok()) {
    return replies.status();
  }
  return std::move(replies->front());
}

absl::StatusOr<std::vector<RedisReply>> RedisClient::Pipeline(absl::Span<const std::vector<std::string>> commands) {
  std::lock_guard<std::mutex> lock(mu_);
  if (absl::Status st = EnsureConnected(); !st.ok()) {
    return st;
  }
  std::vector<const char*> argv;
  std::vector<size_t> argvlen;
  for (const std::vector<std::string>& args : commands) {
    argv.clear();
    argvlen.clear();
    for (const std::string& a : args) {
      argv.push_back(a.data());
      argvlen.push_back(a.size());
    }
    if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), argvlen.data()) != REDIS_OK) {
      return Disconnect();
    }
  }
  std::vector<RedisReply> out;
  out.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* reply = nullptr;
    if (redisGetReply(ctx_, &reply) != REDIS_OK || reply == nullptr) {
      return Disconnect();
    }
    out.push_back(Convert(static_cast<redisReply*>(reply)));
    freeReplyObject(reply);
  }
  return out;
}

}  // namespace minyi
