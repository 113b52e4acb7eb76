#include "suggestions/dedup.h"

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "support/harness.h"

namespace minyi::suggestions {
namespace {

struct LabelledPair {
  bool duplicate = false;
  std::string a;
  std::string b;
  int same_request_as = -1;  // a diff pair whose first text repeats that dup pair's request
};

std::vector<LabelledPair> LoadLabelledSet() {
  std::ifstream in(minyi::testing::SourcePath("tests/unit/suggestions/near_duplicates.tsv"));
  std::vector<LabelledPair> pairs;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    std::vector<std::string> parts = absl::StrSplit(line, '\t');
    if (parts.size() >= 3) {
      pairs.push_back({parts[0] == "dup", parts[1], parts[2], parts.size() > 3 ? std::stoi(parts[3]) : -1});
    }
  }
  return pairs;
}

TEST(MinHasherTest, ShinglesIgnorePunctuationWidthAndCase) {
  MinHasher hasher;
  EXPECT_EQ(hasher.Shingles("城南小学ＡＢ门口，增设红绿灯！"), hasher.Shingles("城南小学 ab 门口增设红绿灯"));
  EXPECT_EQ(NormalizeForShingles("Ｗｉ-Ｆｉ 覆盖，全城！"), "wifi覆盖全城");
}

TEST(MinHasherTest, BoilerplateAloneSharesNothing) {
  MinHasher hasher;
  // "关于…的建议" is in nearly every title and must not make unrelated items look alike.
  EXPECT_EQ(Jaccard(hasher.Shingles("关于修路的建议"), hasher.Shingles("关于植树的建议")), 0.0);
}

TEST(MinHasherTest, JaccardOfIdenticalAndDisjointTexts) {
  MinHasher hasher;
  EXPECT_DOUBLE_EQ(Jaccard(hasher.Shingles("增设红绿灯"), hasher.Shingles("增设红绿灯")), 1.0);
  EXPECT_DOUBLE_EQ(Jaccard(hasher.Shingles("增设红绿灯"), hasher.Shingles("扩建幼儿园")), 0.0);
  EXPECT_TRUE(hasher.Signature(hasher.Shingles("，。！")).empty());
}

TEST(MinHasherTest, SignatureAgreementEstimatesJaccard) {
  MinHasher hasher({.bands = 64, .rows = 4});
  const std::string a = "幸福小区供水管网老化严重，经常漏水停水，居民生活受影响，建议水务局安排改造。";
  const std::string b = "幸福小区供水管网老化，经常漏水、停水，影响居民生活，请水务局尽快安排老旧管网改造。";
  const std::vector<uint64_t> sa = hasher.Signature(hasher.Shingles(a));
  const std::vector<uint64_t> sb = hasher.Signature(hasher.Shingles(b));
  int equal = 0;
  for (std::size_t i = 0; i < sa.size(); ++i) {
    equal += sa[i] == sb[i];
  }
  const double estimate = static_cast<double>(equal) / static_cast<double>(sa.size());
  EXPECT_NEAR(estimate, Jaccard(hasher.Shingles(a), hasher.Shingles(b)), 0.15);
}

TEST(MinHasherTest, BandKeysAreStableAndOnePerBand) {
  MinHasher hasher;
  const std::vector<int64_t> keys = hasher.BandKeysOf("建议增开工业园区公交线路");
  EXPECT_EQ(keys.size(), static_cast<std::size_t>(hasher.options().bands));
  EXPECT_EQ(keys, MinHasher().BandKeysOf("建议增开工业园区公交线路"));
}

TEST(RankBySimilarityTest, OrdersByScoreThenIdAndCutsAtMinScore) {
  MinHasher hasher;
  const std::string query = "人民公园公共厕所太少，节假日排长队，建议增建公共厕所";
  const std::vector<std::pair<int64_t, std::string>> candidates = {
      {7, "建议在人民公园增设健身器材"},
      {3, "人民公园公共厕所太少，节假日排长队，建议增建公共厕所"},
      {5, "人民公园厕所少，节假日排长队，建议增建厕所"},
  };
  const std::vector<ScoredItem> ranked = RankBySimilarity(hasher, query, candidates, 0.3, 10);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].id, 3);
  EXPECT_DOUBLE_EQ(ranked[0].score, 1.0);
  EXPECT_EQ(ranked[1].id, 5);
  EXPECT_GT(ranked[1].score, 0.3);
}

// Quality on the hand-labelled set, through the same path the service takes: LSH band candidates from an
// index of every text, then exact re-ranking with the service's default minimum score.
TEST(DedupQualityTest, PrecisionAndRecallOnLabelledChinesePairs) {
  const std::vector<LabelledPair> pairs = LoadLabelledSet();
  ASSERT_GE(pairs.size(), 40u);
  MinHasher hasher;
  BandIndex index(hasher);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    index.Add(static_cast<int64_t>(i), pairs[i].b);
  }
  constexpr double kMinScore = 0.2;  // the service's default
  int tp = 0, fp = 0, fn = 0, tn = 0, retrieved_dups = 0, dups = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    std::vector<std::pair<int64_t, std::string>> candidates;
    bool retrieved = false;
    for (const auto& [id, shared] : index.Candidates(pairs[i].a)) {
      candidates.emplace_back(id, pairs[id].b);
      retrieved = retrieved || id == static_cast<int64_t>(i);
    }
    bool predicted = false;
    for (const ScoredItem& item : RankBySimilarity(hasher, pairs[i].a, candidates, kMinScore, 10)) {
      predicted = predicted || item.id == static_cast<int64_t>(i);
    }
    const double score = Jaccard(hasher.Shingles(pairs[i].a), hasher.Shingles(pairs[i].b));
    std::cout << (pairs[i].duplicate ? "dup " : "diff") << " score=" << score << " retrieved=" << retrieved
              << " predicted=" << predicted << "\n";
    if (pairs[i].duplicate) {
      ++dups;
      retrieved_dups += retrieved;
      predicted ? ++tp : ++fn;
    } else {
      predicted ? ++fp : ++tn;
    }
  }
  const double precision = tp + fp == 0 ? 0 : static_cast<double>(tp) / (tp + fp);
  const double recall = static_cast<double>(tp) / (tp + fn);
  const double candidate_recall = static_cast<double>(retrieved_dups) / dups;
  std::cout << "dedup quality: precision=" << precision << " recall=" << recall
            << " lsh_candidate_recall=" << candidate_recall << " (tp=" << tp << " fp=" << fp << " fn=" << fn
            << " tn=" << tn << ")\n";
  EXPECT_GE(precision, 0.9);
  EXPECT_GE(recall, 0.9);
  EXPECT_GE(candidate_recall, 0.9);
}

// Whether the partner comes back is half of it: everything else that comes back is noise a reader must
// wade through. Each pair's first text is looked up among every pair's second text, as the service does
// (LSH candidates, exact re-ranking at the default minimum score), keeping the k best: the submit hint's
// five and FindSimilar's default ten. Precision at k counts every item returned; relevant is a second text
// asking the same request as the query (a dup pair's own partner, or the dup pair a diff pair's first text
// repeats), so a same-topic hard negative counts against it.
TEST(DedupQualityTest, PrecisionAtKCountsEverythingThatComesBack) {
  const std::vector<LabelledPair> pairs = LoadLabelledSet();
  MinHasher hasher;
  BandIndex index(hasher);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    index.Add(static_cast<int64_t>(i), pairs[i].b);
  }
  // The request a text asks: a dup pair's own for both its texts, the repeated one for a diff pair's first
  // text that names it, one of its own for any other.
  auto request_of_b = [&](std::size_t j) {
    return pairs[j].duplicate ? static_cast<int>(j) : -1 - static_cast<int>(j);
  };
  auto request_of_a = [&](std::size_t i) {
    if (pairs[i].duplicate) {
      return static_cast<int>(i);
    }
    return pairs[i].same_request_as >= 0 ? pairs[i].same_request_as : -1000 - static_cast<int>(i);
  };
  constexpr double kMinScore = 0.2;  // the service's default
  // Through the LSH candidates, as the service; and re-ranking every text, as a large corpus's candidate
  // pool full of same-topic items would: there the minimum score alone must keep the noise out.
  for (const bool lsh : {true, false}) {
    for (const int k : {5, 10}) {
      int returned = 0, relevant = 0, queries_with_noise = 0;
      for (std::size_t i = 0; i < pairs.size(); ++i) {
        std::vector<std::pair<int64_t, std::string>> candidates;
        if (lsh) {
          for (const auto& [id, shared] : index.Candidates(pairs[i].a)) {
            candidates.emplace_back(id, pairs[id].b);
          }
        } else {
          for (std::size_t j = 0; j < pairs.size(); ++j) {
            candidates.emplace_back(static_cast<int64_t>(j), pairs[j].b);
          }
        }
        bool noisy = false;
        for (const ScoredItem& item : RankBySimilarity(hasher, pairs[i].a, candidates, kMinScore, k)) {
          const bool hit = request_of_b(item.id) == request_of_a(i);
          ++returned;
          relevant += hit;
          noisy = noisy || !hit;
        }
        queries_with_noise += noisy;
      }
      const double precision_at_k = returned == 0 ? 0 : static_cast<double>(relevant) / returned;
      std::cout << "dedup precision@" << k << (lsh ? " (lsh)" : " (all texts)") << "=" << precision_at_k << " ("
                << relevant << " relevant of " << returned << " returned; " << queries_with_noise << " of "
                << pairs.size() << " queries got noise)\n";
      EXPECT_GE(precision_at_k, 0.9) << "k=" << k << " lsh=" << lsh;
      EXPECT_LE(queries_with_noise, 2) << "k=" << k << " lsh=" << lsh;
    }
  }
}

}  // namespace
}  // namespace minyi::suggestions
