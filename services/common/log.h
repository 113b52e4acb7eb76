#pragma once

#include "absl/strings/string_view.h"

#include "nlohmann/json.hpp"

namespace minyi::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Reads MINYI_LOG_LEVEL (debug, info, warn, error).
void InitFromEnv();
void SetLevel(Level level);

// Writes one JSON line to stderr: {"ts","level","service","msg",...fields}. Personal data (phone
// numbers, ID numbers, passwords, tokens) must never be passed in `fields`.
void Write(Level level, absl::string_view msg, const nlohmann::json& fields = nlohmann::json::object());

inline void Debug(absl::string_view msg, const nlohmann::json& f = nlohmann::json::object()) {
  Write(Level::kDebug, msg, f);
}
inline void Info(absl::string_view msg, const nlohmann::json& f = nlohmann::json::object()) {
  Write(Level::kInfo, msg, f);
}
inline void Warn(absl::string_view msg, const nlohmann::json& f = nlohmann::json::object()) {
  Write(Level::kWarn, msg, f);
}
inline void Error(absl::string_view msg, const nlohmann::json& f = nlohmann::json::object()) {
  Write(Level::kError, msg, f);
}

}  // namespace minyi::log
