#include "suggestions/dedup.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "support/harness.h"

namespace minyi::suggestions {
namespace {

// A labelled pair of suggestions: `duplicate` when they ask the same thing.
struct LabelledPair {
  bool duplicate = false;
  std::string title_a = "", body_a = "", title_b = "", body_b = "";
  int same_request_as = -1;  // a diff pair whose first text repeats that dup pair's request
  TitledText a() const { return {title_a, body_a}; }
  TitledText b() const { return {title_b, body_b}; }
};

std::vector<std::vector<std::string>> DataLines(const std::string& path) {
  std::ifstream in(minyi::testing::SourcePath(path));
  std::vector<std::vector<std::string>> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') {
      out.push_back(absl::StrSplit(line, '\t'));
    }
  }
  return out;
}

// The short hand-labelled set: whole texts, no titles.
std::vector<LabelledPair> LoadLabelledSet() {
  std::vector<LabelledPair> pairs;
  for (const std::vector<std::string>& p : DataLines("tests/unit/suggestions/near_duplicates.tsv")) {
    if (p.size() >= 3) {
      pairs.push_back({.duplicate = p[0] == "dup",
                       .body_a = p[1],
                       .body_b = p[2],
                       .same_request_as = p.size() > 3 ? std::stoi(p[3]) : -1});
    }
  }
  return pairs;
}

// Titled suggestions with bodies of 100-600 characters (tests/unit/suggestions/similar/make_pairs.py).
std::vector<LabelledPair> LoadTitledSet(const std::string& name) {
  std::vector<LabelledPair> pairs;
  for (const std::vector<std::string>& p : DataLines(absl::StrCat("tests/unit/suggestions/similar/", name))) {
    if (p.size() >= 6) {
      pairs.push_back({.duplicate = p[0] == "dup", .title_a = p[2], .body_a = p[3], .title_b = p[4], .body_b = p[5]});
    }
  }
  return pairs;
}

struct Quality {
  int tp = 0, fp = 0, fn = 0, tn = 0, retrieved_dups = 0, dups = 0;
  int missed_unretrieved = 0;  // a duplicate whose partner was not among the band candidates
  double precision() const { return tp + fp == 0 ? 0 : static_cast<double>(tp) / (tp + fp); }
  double recall() const { return static_cast<double>(tp) / (tp + fn); }
  double candidate_recall() const { return static_cast<double>(retrieved_dups) / dups; }
};

// How a pair's second text fared when its first was looked up: whether it was a band candidate, its
// score and its place in the ranking of every candidate (-1 and 0 when not a candidate).
struct Lookup {
  bool duplicate = false;
  bool retrieved = false;
  double score = 0;
  int rank = -1;
};

// Each pair's first text looked up among every pair's second text the way the service does: the first
// kCandidatePool LSH candidates by shared bands, scored among themselves.
std::vector<Lookup> LookUpAll(const std::vector<LabelledPair>& pairs) {
  MinHasher hasher;
  BandIndex index(hasher);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    index.Add(static_cast<int64_t>(i), pairs[i].b());
  }
  std::vector<Lookup> out;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    std::vector<std::pair<int64_t, TitledText>> candidates;
    Lookup lookup{.duplicate = pairs[i].duplicate};
    for (const auto& [id, shared] : index.Candidates(pairs[i].a())) {
      if (candidates.size() < static_cast<std::size_t>(kCandidatePool)) {
        candidates.emplace_back(id, pairs[id].b());
        lookup.retrieved = lookup.retrieved || id == static_cast<int64_t>(i);
      }
    }
    const std::vector<ScoredItem> ranked = RankBySimilarity(hasher, pairs[i].a(), candidates, 0, kCandidatePool);
    for (std::size_t r = 0; r < ranked.size(); ++r) {
      if (ranked[r].id == static_cast<int64_t>(i)) {
        lookup.score = ranked[r].score;
        lookup.rank = static_cast<int>(r);
      }
    }
    out.push_back(lookup);
  }
  return out;
}

// A pair counts as found when its second text is among the best 10 at `min_score` (those ranked above
// it score at least as much, so its rank in the full ranking decides).
Quality Judge(const std::vector<Lookup>& lookups, double min_score) {
  Quality q;
  for (const Lookup& l : lookups) {
    const bool predicted = l.retrieved && l.score >= min_score && l.rank < 10;
    if (l.duplicate) {
      ++q.dups;
      q.retrieved_dups += l.retrieved;
      q.missed_unretrieved += !l.retrieved;
      predicted ? ++q.tp : ++q.fn;
    } else {
      predicted ? ++q.fp : ++q.tn;
    }
  }
  return q;
}

Quality Evaluate(const std::vector<LabelledPair>& pairs, double min_score) {
  const std::vector<Lookup> lookups = LookUpAll(pairs);
  const Quality q = Judge(lookups, min_score);
  std::cout << "dedup quality: precision=" << q.precision() << " recall=" << q.recall()
            << " lsh_candidate_recall=" << q.candidate_recall() << " (tp=" << q.tp << " fp=" << q.fp << " fn=" << q.fn
            << " tn=" << q.tn << "; of the misses " << q.missed_unretrieved << " not a candidate, "
            << q.fn - q.missed_unretrieved << " a candidate scored too low)\n";
  std::vector<double> dup_scores, diff_scores;
  for (const Lookup& l : lookups) {
    (l.duplicate ? dup_scores : diff_scores).push_back(l.score);
  }
  std::sort(dup_scores.begin(), dup_scores.end());
  std::sort(diff_scores.begin(), diff_scores.end(), std::greater<>());
  auto at = [](const std::vector<double>& v, double f) { return v[static_cast<std::size_t>(f * (v.size() - 1))]; };
  std::cout << "pair scores: duplicates lowest " << at(dup_scores, 0) << ", 5th percentile " << at(dup_scores, 0.05)
            << ", median " << at(dup_scores, 0.5) << "; non-duplicates highest " << at(diff_scores, 0)
            << ", 95th percentile " << at(diff_scores, 0.05) << ", median " << at(diff_scores, 0.5) << "\n";
  return q;
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
  const TitledText text{"建议增开工业园区公交线路", "工业园区职工上下班乘车难。"};
  const std::vector<int64_t> keys = hasher.BandKeysOf(text);
  EXPECT_EQ(keys.size(), static_cast<std::size_t>(hasher.options().bands + hasher.options().title_bands));
  EXPECT_EQ(keys, MinHasher().BandKeysOf(text));
  EXPECT_EQ(std::set<int64_t>(keys.begin(), keys.end()).size(), keys.size());
  // The whole text's keys are those stored before titles had bands of their own, so they stay valid.
  const std::vector<int64_t> whole =
      hasher.BandKeys(hasher.Signature(hasher.Shingles("建议增开工业园区公交线路 工业园区职工上下班乘车难。")));
  EXPECT_EQ(std::vector<int64_t>(keys.begin(), keys.begin() + hasher.options().bands), whole);
  EXPECT_EQ(hasher.BandKeysOf({"", "工业园区职工上下班乘车难。"}).size(),
            static_cast<std::size_t>(hasher.options().bands));
}

TEST(RankBySimilarityTest, OrdersByScoreThenIdAndCutsAtMinScore) {
  MinHasher hasher;
  const TitledText query{"", "人民公园公共厕所太少，节假日排长队，建议增建公共厕所"};
  const std::vector<std::pair<int64_t, TitledText>> candidates = {
      {7, {"", "建议在人民公园增设健身器材"}},
      {3, {"", "人民公园公共厕所太少，节假日排长队，建议增建公共厕所"}},
      {5, {"", "人民公园厕所少，节假日排长队，建议增建厕所"}},
  };
  const std::vector<ScoredItem> ranked = RankBySimilarity(hasher, query, candidates, 0.3, 10);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].id, 3);
  EXPECT_DOUBLE_EQ(ranked[0].score, 1.0);
  EXPECT_EQ(ranked[1].id, 5);
  EXPECT_GT(ranked[1].score, 0.3);
}

// Two people asking for the same thing write their own bodies; the titles say what is asked. Another
// request about the same estate, with a longer body on the same trouble, must score below the same
// request under a title worded differently and a short body of its own.
TEST(RankBySimilarityTest, TheTitleOutweighsTheBody) {
  MinHasher hasher;
  const TitledText query{"关于利用幸福里小区旁闲置空地建设立体停车场的建议",
                         "幸福里小区建成于上世纪九十年代，规划时没有考虑停车，现在家家户户都有车，晚上车辆只能停在"
                         "消防通道上。建议利用小区北侧闲置多年的空地建设机械式立体停车库。"};
  const std::vector<std::pair<int64_t, TitledText>> candidates = {
      {1,
       {"关于清理幸福里小区僵尸车的建议",
        "幸福里小区是九十年代的老小区，车位本来就少，现在家家都有车，晚上停车只能停在消防通道和绿化带上。"
        "更可气的是有十几辆僵尸车常年占着车位，希望组织力量拖移小区里几年不动的废旧车辆。"}},
      {2, {"幸福里小区停车难，盼建立体停车库", "小区北边那块荒地闲置多年，恳请政府盘活，建一座立体车库。"}},
  };
  const std::vector<ScoredItem> ranked = RankBySimilarity(hasher, query, candidates, 0, 10);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].id, 2);
  EXPECT_GT(ranked[0].score, ranked[1].score);
}

// Among many items on the query's topic, words they all share (门口, 红绿灯, 学生过马路) weigh little and the
// place weighs much: the same school's request, worded differently, comes before thirty other schools'
// requests worded like the query.
TEST(RankBySimilarityTest, WordsCommonToTheCandidatesWeighLess) {
  MinHasher hasher;
  const TitledText query{"关于在城南小学门口增设红绿灯的建议", "城南小学门口车流量大，学生过马路危险。"};
  std::vector<std::pair<int64_t, TitledText>> candidates = {
      {1, {"城南小学校门口需要红绿灯", "学生上下学过马路很危险。"}}};
  std::vector<std::pair<std::string, std::string>> texts;  // each names its own school, as a writer does
  for (const char* district : {"城东", "城西", "城北", "新区", "开发区", "河西"}) {
    for (const char* school : {"实验小学", "育才小学", "东湖中学", "第二中学", "外国语学校"}) {
      texts.emplace_back(absl::StrCat("关于在", district, school, "门口增设红绿灯的建议"),
                         absl::StrCat(district, school, "门口车流量大，学生过马路危险。"));
    }
  }
  for (std::size_t i = 0; i < texts.size(); ++i) {
    candidates.push_back({static_cast<int64_t>(10 + i), {texts[i].first, texts[i].second}});
  }
  const std::vector<ScoredItem> ranked = RankBySimilarity(hasher, query, candidates, 0, 50);
  ASSERT_EQ(ranked.size(), candidates.size());
  EXPECT_EQ(ranked[0].id, 1);
  EXPECT_GT(ranked[0].score, ranked[1].score);
}

constexpr double kMinScore = 0.3;  // the service's default (kDefaultMinScore)

// Quality on the short hand-labelled set (whole texts without titles), through the service's path.
TEST(DedupQualityTest, PrecisionAndRecallOnLabelledChinesePairs) {
  const std::vector<LabelledPair> pairs = LoadLabelledSet();
  ASSERT_GE(pairs.size(), 40u);
  const Quality q = Evaluate(pairs, kMinScore);
  EXPECT_GE(q.precision(), 0.9);
  EXPECT_GE(q.recall(), 0.9);
  EXPECT_GE(q.candidate_recall(), 0.9);
}

// Quality on the tuning set of realistic suggestions: titles plus independently written bodies of 100-600
// characters, duplicates worded differently, hard negatives on the same topic (another request at the
// same place or elsewhere, the same request elsewhere). The score's constants were chosen on this set.
TEST(DedupQualityTest, PrecisionAndRecallOnTitledTuningSet) {
  const std::vector<LabelledPair> pairs = LoadTitledSet("tuning.tsv");
  ASSERT_GE(pairs.size(), 120u);
  const Quality q = Evaluate(pairs, kMinScore);
  EXPECT_GE(q.precision(), 0.9);
  EXPECT_GE(q.recall(), 0.95);
  EXPECT_GE(q.candidate_recall(), 0.95);
}

// Precision and recall over the minimum score on the tuning set, printed for choosing the minimum; the
// default must be a point of the curve that meets both goals.
TEST(DedupQualityTest, PrecisionRecallCurveOnTitledTuningSet) {
  const std::vector<Lookup> lookups = LookUpAll(LoadTitledSet("tuning.tsv"));
  bool default_meets_goals = false;
  for (int percent = 10; percent <= 60; ++percent) {
    const double min_score = percent / 100.0;
    const Quality q = Judge(lookups, min_score);
    std::cout << "tuning curve: min_score=" << min_score << " precision=" << q.precision() << " recall=" << q.recall()
              << "\n";
    if (percent == static_cast<int>(std::lround(kMinScore * 100))) {
      default_meets_goals = q.precision() >= 0.9 && q.recall() >= 0.95;
    }
  }
  EXPECT_TRUE(default_meets_goals);
}

// The held-out set (other topics, openings and closings than the tuning set's) is only loaded and
// measured here, never tuned on; bench/suggestions_similar evaluates it at 200,000 items. It falls short of
// the goal (recall 0.95 at precision 0.9): recall is 0.72 at precision 0.97 (bench/README.md). The floor
// below keeps what is reached from slipping back.
TEST(DedupQualityTest, PrecisionAndRecallOnTitledHeldOutSet) {
  const std::vector<LabelledPair> pairs = LoadTitledSet("heldout.tsv");
  ASSERT_GE(pairs.size(), 200u);
  const Quality q = Evaluate(pairs, kMinScore);
  EXPECT_GE(q.precision(), 0.9);
  EXPECT_GE(q.recall(), 0.7);
  EXPECT_GE(q.candidate_recall(), 0.95);
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
    index.Add(static_cast<int64_t>(i), pairs[i].b());
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
  // Through the LSH candidates, as the service; and re-ranking every text, as a large corpus's candidate
  // pool full of same-topic items would: there the minimum score alone must keep the noise out.
  for (const bool lsh : {true, false}) {
    for (const int k : {5, 10}) {
      int returned = 0, relevant = 0, queries_with_noise = 0;
      for (std::size_t i = 0; i < pairs.size(); ++i) {
        std::vector<std::pair<int64_t, TitledText>> candidates;
        if (lsh) {
          for (const auto& [id, shared] : index.Candidates(pairs[i].a())) {
            candidates.emplace_back(id, pairs[id].b());
          }
        } else {
          for (std::size_t j = 0; j < pairs.size(); ++j) {
            candidates.emplace_back(static_cast<int64_t>(j), pairs[j].b());
          }
        }
        bool noisy = false;
        for (const ScoredItem& item : RankBySimilarity(hasher, pairs[i].a(), candidates, kMinScore, k)) {
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
