#include "suggestions/dedup.h"

#include <algorithm>
#include <limits>
#include <set>

namespace minyi::suggestions {
namespace {

uint64_t Mix(uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Decodes UTF-8 leniently: an invalid byte is skipped (input was validated on the way in).
std::vector<char32_t> CodePoints(absl::string_view s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
      ++i;
      continue;
    }
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsCjk(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2EBEF) ||
         (c >= 0xF900 && c <= 0xFAFF);
}

// Keeps ideographs, ASCII letters (lower-cased) and digits; folds full-width ASCII first.
std::vector<char32_t> Normalize(absl::string_view text) {
  std::vector<char32_t> out;
  for (char32_t c : CodePoints(text)) {
    if (c >= 0xFF01 && c <= 0xFF5E) {
      c -= 0xFEE0;
    }
    if (c >= 'A' && c <= 'Z') {
      c += 'a' - 'A';
    }
    if (IsCjk(c) || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out.push_back(c);
    }
  }
  return out;
}

uint64_t HashShingle(const char32_t* begin, int n) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a over the code points
  for (int i = 0; i < n; ++i) {
    h = (h ^ static_cast<uint64_t>(begin[i])) * 1099511628211ULL;
  }
  return Mix(h);
}

// Bigrams that nearly every suggestion contains say nothing about what it is about.
const std::set<uint64_t>& Boilerplate() {
  static const std::set<uint64_t>* const kSet = [] {
    auto* set = new std::set<uint64_t>;
    for (const char* phrase : {"关于", "建议", "的建", "议案", "问题", "加强", "进一", "一步", "推进", "提高", "我市",
                               "我县", "我区", "希望", "有关", "部门", "进行"}) {
      const std::vector<char32_t> cps = CodePoints(phrase);
      set->insert(HashShingle(cps.data(), static_cast<int>(cps.size())));
    }
    return set;
  }();
  return *kSet;
}

}  // namespace

MinHasher::MinHasher(Options options) : options_(options) {
  const int n = options_.bands * options_.rows;
  seeds_.reserve(n);
  for (int i = 0; i < n; ++i) {
    seeds_.push_back(Mix(0x5eed0000ULL + static_cast<uint64_t>(i)));
  }
}

std::vector<uint64_t> MinHasher::Shingles(absl::string_view text) const {
  const std::vector<char32_t> cps = Normalize(text);
  std::vector<uint64_t> out;
  const int k = options_.shingle_chars;
  if (cps.empty()) {
    return out;
  }
  if (static_cast<int>(cps.size()) < k) {
    out.push_back(HashShingle(cps.data(), static_cast<int>(cps.size())));
    return out;
  }
  const std::set<uint64_t>& boilerplate = Boilerplate();
  for (std::size_t i = 0; i + k <= cps.size(); ++i) {
    const uint64_t h = HashShingle(cps.data() + i, k);
    if (k != 2 || boilerplate.count(h) == 0) {
      out.push_back(h);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<uint64_t> MinHasher::Signature(const std::vector<uint64_t>& shingles) const {
  if (shingles.empty()) {
    return {};
  }
  std::vector<uint64_t> sig(seeds_.size(), std::numeric_limits<uint64_t>::max());
  for (uint64_t s : shingles) {
    for (std::size_t i = 0; i < seeds_.size(); ++i) {
      sig[i] = std::min(sig[i], Mix(s ^ seeds_[i]));
    }
  }
  return sig;
}

std::vector<int64_t> MinHasher::BandKeys(const std::vector<uint64_t>& signature) const {
  std::vector<int64_t> keys;
  if (signature.empty()) {
    return keys;
  }
  for (int b = 0; b < options_.bands; ++b) {
    uint64_t h = Mix(static_cast<uint64_t>(b) + 0xba4d);
    for (int r = 0; r < options_.rows; ++r) {
      h = Mix(h ^ signature[b * options_.rows + r]);
    }
    keys.push_back(static_cast<int64_t>(h));
  }
  return keys;
}

double Jaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  if (a.empty() && b.empty()) {
    return 0;
  }
  std::size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++common, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

std::string NormalizeForShingles(absl::string_view text) {
  std::string out;
  for (char32_t c : Normalize(text)) {
    AppendUtf8(c, &out);
  }
  return out;
}

void BandIndex::Add(int64_t id, absl::string_view text) {
  for (int64_t key : hasher_.BandKeysOf(text)) {
    buckets_[key].push_back(id);
  }
}

std::vector<std::pair<int64_t, int>> BandIndex::Candidates(absl::string_view text) const {
  std::map<int64_t, int> shared;
  for (int64_t key : hasher_.BandKeysOf(text)) {
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
      continue;
    }
    for (int64_t id : it->second) {
      ++shared[id];
    }
  }
  std::vector<std::pair<int64_t, int>> out(shared.begin(), shared.end());
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

std::vector<ScoredItem> RankBySimilarity(const MinHasher& hasher, absl::string_view text,
                                         const std::vector<std::pair<int64_t, std::string>>& candidates,
                                         double min_score, int limit) {
  const std::vector<uint64_t> mine = hasher.Shingles(text);
  std::vector<ScoredItem> out;
  for (const auto& [id, other] : candidates) {
    const double score = Jaccard(mine, hasher.Shingles(other));
    if (score >= min_score) {
      out.push_back({id, score});
    }
  }
  std::sort(out.begin(), out.end(), [](const ScoredItem& a, const ScoredItem& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  if (static_cast<int>(out.size()) > limit) {
    out.resize(limit);
  }
  return out;
}

}  // namespace minyi::suggestions
