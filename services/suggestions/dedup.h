#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

// Near-duplicate detection for Chinese text, free of I/O. Chinese has no word boundaries, so a text is
// reduced to its set of character n-gram shingles (bigrams by default) after normalisation (full-width
// ASCII folded, letters lower-cased, punctuation and spaces dropped, a few boilerplate bigrams such as
// 关于/建议 ignored). To find candidates without a full scan, each text gets MinHash signatures cut into LSH
// bands; every band hashes to one 64-bit key stored in an indexed table, and texts sharing any band key
// are candidates. With b bands of r rows, a pair of Jaccard J becomes a candidate with probability
// 1 - (1 - J^r)^b. There are two families of bands: the whole text's (title and body together), and the
// title's alone, one row each, because two people asking the same thing write similar titles but bodies
// of their own, whose words dilute the title's.
//
// Candidates are then scored (RankBySimilarity) with inverse document frequencies taken from the
// candidates themselves: band-sharing items are the query's neighbourhood, mostly on its topic, so the
// words they all share (停车, 小区, 老人 on a parking or elderly-care topic) weigh little and what tells two
// requests apart (a place, the thing asked for) weighs much. No corpus-wide statistics are kept.
namespace minyi::suggestions {

// Band-sharing candidates scored per lookup: enough that items sharing a topic's vocabulary cannot crowd a
// real near-duplicate out, cheap to score (scoring costs about 20 µs of CPU a candidate).
inline constexpr int kCandidatePool = 100;

// A suggestion as duplicates are found by.
struct TitledText {
  absl::string_view title;
  absl::string_view body;
};

class MinHasher final {
 public:
  struct Options {
    int shingle_chars = 2;
    int bands = 56;  // of the whole text
    int rows = 3;
    int title_bands = 24;  // of the title alone, one row each
  };

  MinHasher() : MinHasher(Options{}) {}
  explicit MinHasher(Options options);

  // Sorted, distinct 64-bit hashes of the text's shingles.
  std::vector<uint64_t> Shingles(absl::string_view text) const;
  // bands * rows minimum hashes; empty for a text without shingles.
  std::vector<uint64_t> Signature(const std::vector<uint64_t>& shingles) const;
  // One key per band (the band number is mixed in, so equal rows in different bands differ).
  std::vector<int64_t> BandKeys(const std::vector<uint64_t>& signature) const;
  // Every band key of a suggestion: the whole text's `bands`, then the title's `title_bands` (none for an
  // empty title), distinct from each other.
  std::vector<int64_t> BandKeysOf(const TitledText& text) const;

  const Options& options() const { return options_; }

 private:
  Options options_;
  std::vector<uint64_t> seeds_;
  std::vector<uint64_t> title_seeds_;
};

// Jaccard index of two sorted, distinct sets; 0 when both are empty.
double Jaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

// Code points of `text` after normalisation (what the shingles are cut from), as UTF-8.
std::string NormalizeForShingles(absl::string_view text);

// An in-memory band index with the same semantics as the service's table: used by tests and benchmarks
// to check retrieval without PostgreSQL.
class BandIndex final {
 public:
  explicit BandIndex(const MinHasher& hasher) : hasher_(hasher) {}
  void Add(int64_t id, const TitledText& text);
  // Ids sharing at least one band with `text`, with how many bands they share, most first.
  std::vector<std::pair<int64_t, int>> Candidates(const TitledText& text) const;

 private:
  const MinHasher& hasher_;
  std::map<int64_t, std::vector<int64_t>> buckets_;
};

struct ScoredItem {
  int64_t id = 0;
  double score = 0;
};

// Scores each candidate against `text` in [0, 1], keeps those scoring at least `min_score`, best first
// (ties to the lower id), at most `limit`. A shingle's weight is its inverse document frequency among
// `text` and the candidates, smoothed so that a handful of candidates weigh shingles nearly alike. The
// score of two titled texts is 0.7 x how much of each title (by weight) the other text contains, averaged
// both ways, plus 0.3 x the weighted cosine of the bodies; when either title is empty, the weighted cosine
// of the whole texts.
std::vector<ScoredItem> RankBySimilarity(const MinHasher& hasher, const TitledText& text,
                                         const std::vector<std::pair<int64_t, TitledText>>& candidates,
                                         double min_score, int limit);

}  // namespace minyi::suggestions
