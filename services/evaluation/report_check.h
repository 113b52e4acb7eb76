#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "minyi/evaluation/v1/evaluation.pb.h"

// The 6-3-1 format check of a report (六三一): achievements at most 60%, problems at least 30%, measures
// at least 10% of the report's length. Length is counted in characters that carry content — letters,
// digits and CJK ideographs — one per code point; whitespace and punctuation (ASCII, CJK and full-width)
// do not count, so padding a section with spaces or "。。。" changes nothing. Shares compare exactly
// (integers); they are shown at one decimal.
namespace minyi::evaluation {

// Characters of `text` that count (see above). `text` is valid UTF-8.
int ContentCharacters(absl::string_view text);

minyi::evaluation::v1::ReportCheck CheckReportSections(absl::string_view achievements, absl::string_view problems,
                                                       absl::string_view measures);

}  // namespace minyi::evaluation
