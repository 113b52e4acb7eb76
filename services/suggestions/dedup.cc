#include "suggestions/dedup.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/text.h"

namespace minyi::suggestions {
namespace {

uint64_t Mix(uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Decodes UTF-8 leniently: a malformed byte is skipped (input was validated on the way in).
std::vector<char32_t> CodePoints(absl::string_view s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const long cp = NextCodePoint(s, i);
    if (cp < 0) {
      ++i;
      continue;
    }
    out.push_back(static_cast<char32_t>(cp));
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

// The title's share of a titled pair's score; the bodies' weighted cosine has the rest. Tuned on
// tests/unit/suggestions/similar_tuning.tsv.
constexpr double kTitleShare = 0.7;
// Added to the document count in the inverse document frequency, so that among a few candidates every
// shingle weighs about the same, and a shingle in all of many candidates still weighs a little.
constexpr double kIdfSmoothing = 10;

std::vector<uint64_t> MinHashes(const std::vector<uint64_t>& shingles, const std::vector<uint64_t>& seeds) {
  std::vector<uint64_t> sig(seeds.size(), std::numeric_limits<uint64_t>::max());
  for (uint64_t s : shingles) {
    for (std::size_t i = 0; i < seeds.size(); ++i) {
      sig[i] = std::min(sig[i], Mix(s ^ seeds[i]));
    }
  }
  return sig;
}

// A set of shingles (sorted, distinct) with their weights, and the sums a score needs.
struct WeightedSet {
  std::vector<uint64_t> keys;
  std::vector<double> weights = {};
  double sum = 0;
  double squares = 0;
};

// A scored text: its title's shingles, its body's, and both together.
struct Shingled {
  WeightedSet title;
  WeightedSet body;
  WeightedSet all = {};
};

Shingled ShingleText(const MinHasher& hasher, const TitledText& text) {
  Shingled out{.title = {hasher.Shingles(text.title)}, .body = {hasher.Shingles(text.body)}};
  std::set_union(out.title.keys.begin(), out.title.keys.end(), out.body.keys.begin(), out.body.keys.end(),
                 std::back_inserter(out.all.keys));
  return out;
}

void Weigh(const absl::flat_hash_map<uint64_t, double>& weight_of, WeightedSet& set) {
  set.weights.reserve(set.keys.size());
  for (uint64_t s : set.keys) {
    const double w = weight_of.at(s);
    set.weights.push_back(w);
    set.sum += w;
    set.squares += w * w;
  }
}

// Sum of the weights of the shingles of `a` that are in `b`, or of their squares with `squared`.
double SharedWeight(const WeightedSet& a, const WeightedSet& b, bool squared) {
  double sum = 0;
  std::size_t j = 0;
  for (std::size_t i = 0; i < a.keys.size(); ++i) {
    while (j < b.keys.size() && b.keys[j] < a.keys[i]) {
      ++j;
    }
    if (j < b.keys.size() && b.keys[j] == a.keys[i]) {
      sum += squared ? a.weights[i] * a.weights[i] : a.weights[i];
    }
  }
  return sum;
}

double Cosine(const WeightedSet& a, const WeightedSet& b) {
  if (a.keys == b.keys) {
    return a.keys.empty() ? 0 : 1;  // exactly, whatever the rounding of the norms
  }
  const double norm = std::sqrt(a.squares * b.squares);
  return norm == 0 ? 0 : SharedWeight(a, b, true) / norm;
}

// How much of `title` (by weight) `other` contains.
double Containment(const WeightedSet& title, const WeightedSet& other) {
  return title.sum == 0 ? 0 : SharedWeight(title, other, false) / title.sum;
}

double Score(const Shingled& a, const Shingled& b) {
  if (a.title.keys.empty() || b.title.keys.empty()) {
    return Cosine(a.all, b.all);
  }
  const double titles = (Containment(a.title, b.all) + Containment(b.title, a.all)) / 2;
  return kTitleShare * titles + (1 - kTitleShare) * Cosine(a.body, b.body);
}

}  // namespace

MinHasher::MinHasher(Options options) : options_(options) {
  const int n = options_.bands * options_.rows;
  seeds_.reserve(n);
  for (int i = 0; i < n; ++i) {
    seeds_.push_back(Mix(0x5eed0000ULL + static_cast<uint64_t>(i)));
  }
  for (int i = 0; i < options_.title_bands; ++i) {
    title_seeds_.push_back(Mix(0x717e0000ULL + static_cast<uint64_t>(i)));
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
  return MinHashes(shingles, seeds_);
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

std::vector<int64_t> MinHasher::BandKeysOf(const TitledText& text) const {
  // The whole text as it always was (title, a space, body), so keys stored before title bands stay valid.
  std::vector<int64_t> keys = BandKeys(Signature(Shingles(absl::StrCat(text.title, " ", text.body))));
  const std::vector<uint64_t> title = Shingles(text.title);
  if (title.empty()) {
    return keys;
  }
  const std::vector<uint64_t> mins = MinHashes(title, title_seeds_);
  for (std::size_t b = 0; b < mins.size(); ++b) {
    keys.push_back(static_cast<int64_t>(Mix(Mix(static_cast<uint64_t>(b) + 0x717eba4d) ^ mins[b])));
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

void BandIndex::Add(int64_t id, const TitledText& text) {
  for (int64_t key : hasher_.BandKeysOf(text)) {
    buckets_[key].push_back(id);
  }
}

std::vector<std::pair<int64_t, int>> BandIndex::Candidates(const TitledText& text) const {
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

std::vector<ScoredItem> RankBySimilarity(const MinHasher& hasher, const TitledText& text,
                                         const std::vector<std::pair<int64_t, TitledText>>& candidates,
                                         double min_score, int limit) {
  std::vector<Shingled> docs;  // the query first, then the candidates
  docs.reserve(candidates.size() + 1);
  docs.push_back(ShingleText(hasher, text));
  for (const auto& [id, other] : candidates) {
    docs.push_back(ShingleText(hasher, other));
  }
  absl::flat_hash_map<uint64_t, double> weight_of;  // document frequency first, then weight
  weight_of.reserve(docs.size() * 128);
  for (const Shingled& d : docs) {
    for (uint64_t s : d.all.keys) {
      ++weight_of[s];
    }
  }
  const double n = static_cast<double>(docs.size()) + kIdfSmoothing;
  for (auto& [s, w] : weight_of) {
    w = std::log(n / (w + 1));
  }
  const bool all_titled =
      std::all_of(docs.begin(), docs.end(), [](const Shingled& d) { return !d.title.keys.empty(); });
  for (Shingled& d : docs) {
    Weigh(weight_of, d.title);
    Weigh(weight_of, d.body);
    if (!all_titled) {  // only an untitled pair's score weighs the whole texts
      Weigh(weight_of, d.all);
    }
  }
  const Shingled& mine = docs[0];
  std::vector<ScoredItem> out;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const double score = Score(mine, docs[i + 1]);
    if (score >= min_score) {
      out.push_back({candidates[i].first, score});
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
