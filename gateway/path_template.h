#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace minyi::gateway {

// A google.api.http path template, parsed once and matched against request paths. Grammar (from
// google/api/http.proto):
//   Template = "/" Segments [ Verb ] ;   Segments = Segment { "/" Segment } ;
//   Segment  = "*" | "**" | LITERAL | Variable ;   Variable = "{" FieldPath [ "=" Segments ] "}" ;
//   FieldPath = IDENT { "." IDENT } ;   Verb = ":" LITERAL ;
// `**` matches zero or more segments and may only end the path. No I/O; safe to share between threads.
class PathTemplate final {
 public:
  enum class SegmentKind { kLiteral, kWildcard, kDeepWildcard };
  struct Segment {
    SegmentKind kind;
    std::string literal;  // for kLiteral
  };
  struct Variable {
    std::string field_path;  // "deputy.name"
    int begin;               // first segment index it captures
    int end;                 // one past its last segment
  };
  struct Binding {
    std::string field_path;
    std::string value;  // percent-decoded
  };

  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // The variables' values when `path` (no query string) matches, e.g. "/v1/deputies/12" against
  // "/v1/{name=deputies/*}" gives {"name", "deputies/12"}. Returns false when it does not match.
  bool Match(absl::string_view path, std::vector<Binding>* bindings) const;

  // Orders templates so the more specific wins when several match one path: a verb beats none, then
  // segment by segment a literal beats `*`, which beats `**`.
  bool MoreSpecificThan(const PathTemplate& other) const;

  const std::string& text() const { return text_; }
  const std::vector<Segment>& segments() const { return segments_; }
  const std::vector<Variable>& variables() const { return variables_; }
  const std::string& verb() const { return verb_; }

 private:
  std::string text_;
  std::vector<Segment> segments_;
  std::vector<Variable> variables_;
  std::string verb_;
};

// Decodes %XX escapes. With keep_slash, "%2F" stays encoded (multi-segment variables, per http.proto).
// Malformed escapes are kept literally.
std::string PercentDecode(absl::string_view s, bool keep_slash = false);

}  // namespace minyi::gateway
