#include "log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "config.h"

namespace minyi::log {
namespace {

std::atomic<Level> g_level{Level::kInfo};

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void InitFromEnv() {
  const char* v = std::getenv("MINYI_LOG_LEVEL");
  std::string s = v == nullptr ? "info" : v;
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (s == LevelName(l)) {
      SetLevel(l);
    }
  }
}

void SetLevel(Level level) { g_level.store(level); }

void Write(Level level, absl::string_view msg, const nlohmann::json& fields) {
  if (level < g_level.load(std::memory_order_relaxed)) {
    return;
  }
  nlohmann::json line = nlohmann::json::object();
  line["ts"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  line["level"] = LevelName(level);
  line["service"] = ServiceName();
  line["msg"] = msg;
  if (fields.is_object()) {
    for (const auto& [k, v] : fields.items()) {
      line[k] = v;
    }
  }
  // One fwrite per line keeps concurrent lines whole; invalid UTF-8 is replaced, never thrown.
  std::string out = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out.push_back('\n');
  std::fwrite(out.data(), 1, out.size(), stderr);
}

}  // namespace minyi::log
