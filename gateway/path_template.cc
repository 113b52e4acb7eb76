#include "path_template.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace minyi::gateway {
namespace {

bool IsIdentChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Characters a literal segment or verb may hold: anything but the template's own syntax.
bool IsLiteralChar(char c) { return c != '/' && c != '{' && c != '}' && c != '=' && c != '*' && c != ':' && c > ' '; }

int Rank(PathTemplate::SegmentKind kind) {
  switch (kind) {
    case PathTemplate::SegmentKind::kLiteral:
      return 2;
    case PathTemplate::SegmentKind::kWildcard:
      return 1;
    case PathTemplate::SegmentKind::kDeepWildcard:
      return 0;
  }
  return 0;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// A recursive-descent parser over the template text without its verb.
class Parser final {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  absl::Status ParseSegments(std::vector<PathTemplate::Segment>* segments,
                             std::vector<PathTemplate::Variable>* variables, bool in_variable) {
    while (true) {
      if (Peek() == '{') {
        if (in_variable) {
          return Error("nested variable");
        }
        if (absl::Status s = ParseVariable(segments, variables); !s.ok()) {
          return s;
        }
      } else if (Peek() == '*') {
        ++pos_;
        if (Peek() == '*') {
          ++pos_;
          segments->push_back({PathTemplate::SegmentKind::kDeepWildcard, ""});
        } else {
          segments->push_back({PathTemplate::SegmentKind::kWildcard, ""});
        }
      } else {
        size_t start = pos_;
        while (pos_ < text_.size() && IsLiteralChar(text_[pos_])) {
          ++pos_;
        }
        if (pos_ == start) {
          return Error("empty segment");
        }
        segments->push_back({PathTemplate::SegmentKind::kLiteral, std::string(text_.substr(start, pos_ - start))});
      }
      if (Peek() != '/') {
        return absl::OkStatus();
      }
      ++pos_;
    }
  }

  bool AtEnd() const { return pos_ == text_.size(); }
  size_t pos() const { return pos_; }

  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("path template \"", text_, "\": ", what, " at offset ", pos_));
  }

 private:
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  absl::Status ParseVariable(std::vector<PathTemplate::Segment>* segments,
                             std::vector<PathTemplate::Variable>* variables) {
    ++pos_;  // '{'
    size_t start = pos_;
    while (pos_ < text_.size() && (IsIdentChar(text_[pos_]) || text_[pos_] == '.')) {
      ++pos_;
    }
    std::string field_path(text_.substr(start, pos_ - start));
    if (field_path.empty() || field_path.front() == '.' || field_path.back() == '.' ||
        field_path.find("..") != std::string::npos) {
      return Error("bad field path");
    }
    int begin = static_cast<int>(segments->size());
    if (Peek() == '=') {
      ++pos_;
      if (absl::Status s = ParseSegments(segments, nullptr, /*in_variable=*/true); !s.ok()) {
        return s;
      }
    } else {
      segments->push_back({PathTemplate::SegmentKind::kWildcard, ""});
    }
    if (Peek() != '}') {
      return Error("expected '}'");
    }
    ++pos_;
    variables->push_back({std::move(field_path), begin, static_cast<int>(segments->size())});
    return absl::OkStatus();
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  PathTemplate t;
  t.text_ = std::string(text);
  if (text.empty() || text.front() != '/') {
    return absl::InvalidArgumentError(absl::StrCat("path template \"", text, "\" must start with '/'"));
  }
  // The verb is the text after the last ':' that is outside braces and after the last '/'.
  int depth = 0;
  size_t verb_colon = absl::string_view::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '{') {
      ++depth;
    } else if (c == '}') {
      --depth;
    } else if (depth == 0 && c == '/') {
      verb_colon = absl::string_view::npos;
    } else if (depth == 0 && c == ':') {
      verb_colon = i;
    }
  }
  absl::string_view body = text.substr(1);
  if (verb_colon != absl::string_view::npos) {
    t.verb_ = std::string(text.substr(verb_colon + 1));
    body = text.substr(1, verb_colon - 1);
    if (t.verb_.empty() || !std::all_of(t.verb_.begin(), t.verb_.end(), IsLiteralChar)) {
      return absl::InvalidArgumentError(absl::StrCat("path template \"", text, "\": bad verb"));
    }
  }
  Parser parser(body);
  if (absl::Status s = parser.ParseSegments(&t.segments_, &t.variables_, /*in_variable=*/false); !s.ok()) {
    return s;
  }
  if (!parser.AtEnd()) {
    return parser.Error("unexpected character");
  }
  for (size_t i = 0; i + 1 < t.segments_.size(); ++i) {
    if (t.segments_[i].kind == SegmentKind::kDeepWildcard) {
      return absl::InvalidArgumentError(absl::StrCat("path template \"", text, "\": '**' must be the last segment"));
    }
  }
  for (size_t i = 0; i < t.variables_.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (t.variables_[i].field_path == t.variables_[j].field_path) {
        return absl::InvalidArgumentError(
            absl::StrCat("path template \"", text, "\": variable ", t.variables_[i].field_path, " bound twice"));
      }
    }
  }
  return t;
}

bool PathTemplate::Match(absl::string_view path, std::vector<Binding>* bindings) const {
  if (path.empty() || path.front() != '/') {
    return false;
  }
  path.remove_prefix(1);
  if (!verb_.empty()) {
    size_t last_slash = path.rfind('/');
    size_t colon = path.rfind(':');
    if (colon == absl::string_view::npos || (last_slash != absl::string_view::npos && colon < last_slash) ||
        path.substr(colon + 1) != verb_) {
      return false;
    }
    path = path.substr(0, colon);
  }
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  const bool deep = !segments_.empty() && segments_.back().kind == SegmentKind::kDeepWildcard;
  const size_t fixed = deep ? segments_.size() - 1 : segments_.size();
  if (deep ? parts.size() < fixed : parts.size() != fixed) {
    return false;
  }
  for (size_t i = 0; i < fixed; ++i) {
    const Segment& seg = segments_[i];
    if (seg.kind == SegmentKind::kLiteral ? parts[i] != seg.literal : parts[i].empty()) {
      return false;
    }
  }
  bindings->clear();
  bindings->reserve(variables_.size());
  for (const Variable& v : variables_) {
    size_t end = (deep && v.end == static_cast<int>(segments_.size())) ? parts.size() : v.end;
    bool multi = end - v.begin != 1 || segments_[v.begin].kind == SegmentKind::kDeepWildcard;
    std::string raw = absl::StrJoin(parts.begin() + v.begin, parts.begin() + end, "/");
    bindings->push_back({v.field_path, PercentDecode(raw, /*keep_slash=*/multi)});
  }
  return true;
}

bool PathTemplate::MoreSpecificThan(const PathTemplate& other) const {
  if (verb_.empty() != other.verb_.empty()) {
    return !verb_.empty();
  }
  size_t n = std::min(segments_.size(), other.segments_.size());
  for (size_t i = 0; i < n; ++i) {
    int a = Rank(segments_[i].kind);
    int b = Rank(other.segments_[i].kind);
    if (a != b) {
      return a > b;
    }
  }
  return segments_.size() > other.segments_.size();
}

std::string PercentDecode(absl::string_view s, bool keep_slash) {
  if (s.find('%') == absl::string_view::npos) {
    return std::string(s);
  }
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      char c = static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      if (keep_slash && c == '/') {
        out.append(s.data() + i, 3);
      } else {
        out.push_back(c);
      }
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace minyi::gateway
