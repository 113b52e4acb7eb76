#include "common/secrets.h"

#include <array>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace minyi {
namespace {

// Words that mark a value as something to be replaced, or as a word rather than a secret.
constexpr absl::string_view kPlaceholderWords[] = {"change-me", "changeme", "change_me", "replace", "placeholder",
                                                   "example",   "password", "passwd",    "secret",  "default",
                                                   "sample",    "dummy",    "<",         "${"};
constexpr std::size_t kPatternRun = 8;
constexpr double kMinEntropyBits = 64;

absl::Status Refuse(absl::string_view variable, absl::string_view why) {
  return absl::FailedPreconditionError(
      absl::StrCat("configuration: ", variable, " ", why, "; generate a random one (see README, Configuration)"));
}

// The longest run of characters stepping by -1, 0 or +1 ("aaaa", "1234", "dcba").
std::size_t LongestPatternRun(absl::string_view s) {
  std::size_t longest = s.empty() ? 0 : 1;
  std::size_t run = 1;
  int step = 2;  // none yet
  for (std::size_t i = 1; i < s.size(); ++i) {
    const int d = static_cast<unsigned char>(s[i]) - static_cast<unsigned char>(s[i - 1]);
    if (d >= -1 && d <= 1 && (run == 1 || d == step)) {
      step = d;
      ++run;
    } else if (d >= -1 && d <= 1) {
      step = d;
      run = 2;
    } else {
      run = 1;
    }
    longest = std::max(longest, run);
  }
  return longest;
}

// Shannon entropy of the value's own character frequencies, times its length.
double EntropyBits(absl::string_view s) {
  std::array<int, 256> counts{};
  for (unsigned char c : s) {
    ++counts[c];
  }
  double bits = 0;
  for (int n : counts) {
    if (n > 0) {
      const double p = static_cast<double>(n) / static_cast<double>(s.size());
      bits -= p * std::log2(p);
    }
  }
  return bits * static_cast<double>(s.size());
}

std::string PercentDecode(absl::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    int byte = 0;
    if (s[i] == '%' && i + 2 < s.size() && absl::SimpleHexAtoi(s.substr(i + 1, 2), &byte)) {
      out.push_back(static_cast<char>(byte));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

absl::Status CheckSecret(absl::string_view variable, absl::string_view value, std::size_t min_chars) {
  if (value.size() < min_chars) {
    return Refuse(variable, absl::StrCat("has fewer than ", min_chars, " characters"));
  }
  const std::string lower = absl::AsciiStrToLower(value);
  for (absl::string_view word : kPlaceholderWords) {
    if (absl::StrContains(lower, word)) {
      return Refuse(variable, "is a placeholder, not a secret");
    }
  }
  if (LongestPatternRun(lower) >= kPatternRun) {
    return Refuse(variable, "follows a typed pattern");
  }
  if (EntropyBits(value) < kMinEntropyBits) {
    return Refuse(variable, "has too little entropy");
  }
  return absl::OkStatus();
}

std::string DsnPassword(absl::string_view dsn) {
  for (absl::string_view scheme : {"postgresql://", "postgres://"}) {
    if (absl::ConsumePrefix(&dsn, scheme)) {
      const std::size_t at = dsn.find('@');
      const std::size_t slash = dsn.find('/');
      if (at == absl::string_view::npos || (slash != absl::string_view::npos && slash < at)) {
        return "";
      }
      const absl::string_view userinfo = dsn.substr(0, at);
      const std::size_t colon = userinfo.find(':');
      return colon == absl::string_view::npos ? "" : PercentDecode(userinfo.substr(colon + 1));
    }
  }
  for (absl::string_view pair : absl::StrSplit(dsn, ' ', absl::SkipWhitespace())) {
    if (absl::ConsumePrefix(&pair, "password=")) {
      return std::string(absl::StripPrefix(absl::StripSuffix(pair, "'"), "'"));
    }
  }
  return "";
}

}  // namespace minyi
