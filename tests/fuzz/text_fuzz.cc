// libFuzzer target: the CJK text helpers, services/common/text.* (UTF-8 validation and repair, character
// counts, field checks, masks) and the normalisation suggestions' near-duplicate detection cuts shingles from
// (services/suggestions/dedup.*). Input: any bytes.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/text.h"
#include "fuzz_check.h"
#include "nlohmann/json.hpp"
#include "suggestions/dedup.h"

namespace {

// An independent UTF-8 validator (RFC 3629: no overlongs, surrogates or values past U+10FFFF): the JSON
// library's, which refuses to serialize anything else.
bool JsonSaysValid(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const minyi::suggestions::MinHasher hasher;
  const std::string input(reinterpret_cast<const char*>(data), size);

  const bool valid = minyi::IsValidUtf8(input);
  FUZZ_CHECK(valid == JsonSaysValid(input));
  const std::string repaired = minyi::ToValidUtf8(input);
  FUZZ_CHECK(minyi::IsValidUtf8(repaired));
  FUZZ_CHECK(valid == (repaired == input));
  absl::Status checked = minyi::CheckText("field", input, 0, 1 << 20);
  if (!valid) {
    FUZZ_CHECK(!checked.ok());
  } else if (checked.ok() && !input.empty()) {
    // CheckText counts characters as Utf8Length does.
    const size_t n = minyi::Utf8Length(input);
    FUZZ_CHECK(minyi::CheckText("field", input, n, n).ok());
    FUZZ_CHECK(!minyi::CheckText("field", input, 0, n - 1).ok());
  }
  FUZZ_CHECK(minyi::MaskPhone(input).size() == input.size());
  FUZZ_CHECK(minyi::MaskIdNumber(input).size() == input.size());

  // Normalisation keeps ideographs, ASCII letters and digits only, and is idempotent; shingles are cut
  // from it, so a text and its normal form have the same shingles.
  const std::string normal = minyi::suggestions::NormalizeForShingles(input);
  FUZZ_CHECK(minyi::IsValidUtf8(normal));
  FUZZ_CHECK(minyi::suggestions::NormalizeForShingles(normal) == normal);
  if (valid) {
    FUZZ_CHECK(minyi::Utf8Length(normal) <= minyi::Utf8Length(input));
  }
  const std::vector<uint64_t> shingles = hasher.Shingles(input);
  FUZZ_CHECK(shingles == hasher.Shingles(normal));
  for (size_t i = 1; i < shingles.size(); ++i) {
    FUZZ_CHECK(shingles[i - 1] < shingles[i]);
  }
  const std::vector<uint64_t> signature = hasher.Signature(shingles);
  const auto& options = hasher.options();
  FUZZ_CHECK(signature.size() == (shingles.empty() ? 0u : static_cast<size_t>(options.bands * options.rows)));
  FUZZ_CHECK(hasher.BandKeys(signature).size() == (shingles.empty() ? 0u : static_cast<size_t>(options.bands)));
  if (!shingles.empty()) {
    FUZZ_CHECK(minyi::suggestions::Jaccard(shingles, shingles) == 1.0);
  }
  return 0;
}
