// FindSimilar on the minyi-suggestions binary as it ships: only open items come back (a rejected or merged
// copy of the text does not), `minScore` cuts by exact similarity, `limit` keeps the best, best first, and
// both are checked for range. The expected answers are computed here with the same shingles the service
// uses (band candidates, weights from them), on texts far enough apart that the service's LSH candidates
// cannot miss them.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "minyi/suggestions/v1/suggestions.grpc.pb.h"
#include "suggestions/dedup.h"
#include "support/service_fixture.h"

namespace minyi::testing {
namespace {

namespace v1 = ::minyi::suggestions::v1;
using ::testing::ElementsAreArray;

constexpr char kTitle[] = "关于人民公园增建公共厕所的建议";
constexpr char kBody[] =
    "人民公园公共厕所太少，节假日游客多时排长队，老人孩子尤其不便，建议园林局增建公共厕所并延长开放时间。";

class FindSimilarTest : public ServiceFixture<v1::Suggestions> {
 protected:
  static void SetUpTestSuite() {
    // No deputies service: nothing here asks it.
    StartSuite("suggestions", {{"MINYI_DEPUTIES_ADDR", "127.0.0.1:1"}});
  }

  // A deputy's suggestion, submitted.
  static v1::Suggestion Submitted(const std::string& title, const std::string& body) {
    v1::CreateSuggestionRequest create;
    create.set_submit(true);
    create.mutable_suggestion()->set_kind(v1::SUGGESTION_KIND_DEPUTY);
    create.mutable_suggestion()->set_title(title);
    create.mutable_suggestion()->set_body(body);
    v1::Suggestion s;
    grpc::Status st =
        stub_->CreateSuggestion(CallContext(Token(minyi::common::v1::ROLE_DEPUTY, "deputies/9")).get(), create, &s);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return s;
  }

  // The scores of `texts` (title, body) against the query's text, as the service computes them: each
  // text sharing a band with the query is a candidate, and weights come from the candidates; 0 for others.
  static std::vector<double> Scores(const std::vector<std::pair<std::string, std::string>>& texts) {
    const suggestions::MinHasher hasher;
    suggestions::BandIndex index(hasher);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      index.Add(static_cast<int64_t>(i), {texts[i].first, texts[i].second});
    }
    std::vector<std::pair<int64_t, suggestions::TitledText>> candidates;
    for (const auto& [id, shared] : index.Candidates({kTitle, kBody})) {
      candidates.emplace_back(id, suggestions::TitledText{texts[id].first, texts[id].second});
    }
    std::vector<double> scores(texts.size(), 0);
    for (const suggestions::ScoredItem& item :
         suggestions::RankBySimilarity(hasher, {kTitle, kBody}, candidates, 0, static_cast<int>(texts.size()))) {
      scores[item.id] = item.score;
    }
    return scores;
  }

  static grpc::Status Find(const std::string& name, int limit, double min_score, std::vector<std::string>* names,
                           std::vector<double>* scores = nullptr) {
    v1::FindSimilarRequest req;
    req.set_name(name);
    req.set_limit(limit);
    req.set_min_score(min_score);
    v1::FindSimilarResponse resp;
    grpc::Status st = stub_->FindSimilar(CallContext(Staff()).get(), req, &resp);
    names->clear();
    for (const v1::SimilarItem& item : resp.items()) {
      names->push_back(item.name());
      if (scores != nullptr) {
        scores->push_back(item.score());
      }
    }
    return st;
  }
};

TEST_F(FindSimilarTest, OnlyOpenItemsAtOrAboveMinScoreBestFirstUpToLimit) {
  const v1::Suggestion query = Submitted(kTitle, kBody);
  // Near-duplicates, from the same text down to a rewording, and one on the same park but another matter.
  struct Item {
    std::string title;
    std::string body;
    std::string name;
    double score = 0;
  };
  std::vector<Item> open = {
      {kTitle, kBody},
      {"关于人民公园增建公共厕所的建议", "人民公园公共厕所太少，节假日排长队，老人孩子不便，建议增建公共厕所。"},
      {"关于人民公园增建厕所的建议", "人民公园厕所太少，节假日游客排长队，建议园林局增建厕所。"},
      {"关于人民公园增设健身器材的建议", "人民公园健身器材老旧，建议园林局更新健身器材。"},
  };
  std::vector<std::pair<std::string, std::string>> texts;
  for (Item& item : open) {
    item.name = Submitted(item.title, item.body).name();
    texts.emplace_back(item.title, item.body);
  }
  const std::vector<double> scores_of = Scores(texts);
  for (std::size_t i = 0; i < open.size(); ++i) {
    open[i].score = scores_of[i];
  }
  ASSERT_GT(open[1].score, open[2].score);
  ASSERT_GT(open[2].score, 0.3) << "the rewording is a near-duplicate at the default minimum";
  ASSERT_LT(open[3].score, 0.3) << "another matter in the same park is not";

  // The same text, no longer open: not accepted, and merged into the query.
  const v1::Suggestion rejected = Submitted(kTitle, kBody);
  v1::TransitionRequest reject;
  reject.set_name(rejected.name());
  reject.set_reason("与已立案建议重复");
  v1::Suggestion out;
  grpc::Status st = stub_->RejectSuggestion(CallContext(Staff()).get(), reject, &out);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(out.state(), v1::SUGGESTION_STATE_NOT_ACCEPTED);
  const v1::Suggestion merged = Submitted(kTitle, kBody);
  v1::MergeSuggestionRequest merge;
  merge.set_name(merged.name());
  merge.set_into(query.name());
  merge.set_reason("同一事项并案办理");
  st = stub_->MergeSuggestion(CallContext(Staff()).get(), merge, &out);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(out.state(), v1::SUGGESTION_STATE_MERGED);

  // What must come back for a minimum and a limit: the open items scoring at least the minimum, best
  // first (ties to the lower id, as created), at most `limit`.
  auto expected = [&](double min_score, int limit) {
    std::vector<const Item*> kept;
    for (const Item& item : open) {
      if (item.score >= min_score) {
        kept.push_back(&item);
      }
    }
    std::stable_sort(kept.begin(), kept.end(), [](const Item* a, const Item* b) { return a->score > b->score; });
    std::vector<std::string> names;
    for (std::size_t i = 0; i < kept.size() && static_cast<int>(i) < limit; ++i) {
      names.push_back(kept[i]->name);
    }
    return names;
  };

  std::vector<std::string> names;
  std::vector<double> scores;
  // Defaults (limit 10, minimum 0.3): every open near-duplicate, none of the closed copies.
  ASSERT_TRUE(Find(query.name(), 0, 0, &names, &scores).ok());
  EXPECT_THAT(names, ElementsAreArray(expected(0.3, 10)));
  EXPECT_THAT(names, ::testing::Not(::testing::Contains(rejected.name())));
  EXPECT_THAT(names, ::testing::Not(::testing::Contains(merged.name())));
  ASSERT_EQ(scores.size(), names.size());
  for (std::size_t i = 0; i < scores.size(); ++i) {
    EXPECT_GE(scores[i], 0.3);
    if (i > 0) {
      EXPECT_LE(scores[i], scores[i - 1]);
    }
  }

  // A minimum between the close copy and the rewording keeps the first two.
  const double between = (open[1].score + open[2].score) / 2;
  ASSERT_TRUE(Find(query.name(), 0, between, &names).ok());
  EXPECT_THAT(names, ElementsAreArray(expected(between, 10)));
  EXPECT_EQ(names.size(), 2u);
  // A minimum of 1: only the identical open text.
  ASSERT_TRUE(Find(query.name(), 0, 1.0, &names).ok());
  EXPECT_THAT(names, ElementsAreArray({open[0].name}));

  // A limit keeps the best ones.
  ASSERT_TRUE(Find(query.name(), 1, 0, &names).ok());
  EXPECT_THAT(names, ElementsAreArray({open[0].name}));
  ASSERT_TRUE(Find(query.name(), 2, 0, &names).ok());
  EXPECT_THAT(names, ElementsAreArray(expected(0.3, 2)));
  ASSERT_TRUE(Find(query.name(), 50, 0, &names).ok());
  EXPECT_THAT(names, ElementsAreArray(expected(0.3, 50)));

  // Out of range, naming the field.
  st = Find(query.name(), 51, 0, &names);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), ::testing::HasSubstr("limit"));
  st = Find(query.name(), -1, 0, &names);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  st = Find(query.name(), 0, 1.5, &names);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), ::testing::HasSubstr("min_score"));
  st = Find(query.name(), 0, -0.1, &names);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace minyi::testing
