#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

// Near-duplicate detection for Chinese text, free of I/O. Chinese has no word boundaries, so a text is
// reduced to its set of character n-gram shingles (bigrams by default) after normalisation (full-width
// ASCII folded, letters lower-cased, punctuation and spaces dropped, a few boilerplate bigrams such as
// 关于/建议 ignored). Similarity is the Jaccard index of two shingle sets. To find candidates without a full
// scan, each text gets a MinHash signature cut into LSH bands; every band hashes to one 64-bit key stored
// in an indexed table, and texts sharing any band key are candidates, then re-ranked by exact Jaccard.
// With b bands of r rows, a pair of Jaccard J becomes a candidate with probability 1 - (1 - J^r)^b.
namespace minyi::suggestions {

class MinHasher final {
 public:
  struct Options {
    int shingle_chars = 2;
    int bands = 56;
    int rows = 3;
  };

  MinHasher() : MinHasher(Options{}) {}
  explicit MinHasher(Options options);

  // Sorted, distinct 64-bit hashes of the text's shingles.
  std::vector<uint64_t> Shingles(absl::string_view text) const;
  // bands * rows minimum hashes; empty for a text without shingles.
  std::vector<uint64_t> Signature(const std::vector<uint64_t>& shingles) const;
  // One key per band (the band number is mixed in, so equal rows in different bands differ).
  std::vector<int64_t> BandKeys(const std::vector<uint64_t>& signature) const;
  // Shingles and band keys of a text in one go.
  std::vector<int64_t> BandKeysOf(absl::string_view text) const { return BandKeys(Signature(Shingles(text))); }

  const Options& options() const { return options_; }

 private:
  Options options_;
  std::vector<uint64_t> seeds_;
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
  void Add(int64_t id, absl::string_view text);
  // Ids sharing at least one band with `text`, with how many bands they share, most first.
  std::vector<std::pair<int64_t, int>> Candidates(absl::string_view text) const;

 private:
  const MinHasher& hasher_;
  std::map<int64_t, std::vector<int64_t>> buckets_;
};

struct ScoredItem {
  int64_t id = 0;
  double score = 0;
};

// Re-ranks candidate texts by exact Jaccard with `text`, keeps those scoring at least `min_score`, best
// first (ties to the lower id), at most `limit`.
std::vector<ScoredItem> RankBySimilarity(const MinHasher& hasher, absl::string_view text,
                                         const std::vector<std::pair<int64_t, std::string>>& candidates,
                                         double min_score, int limit);

}  // namespace minyi::suggestions
