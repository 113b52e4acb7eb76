// Items written without search words (existing when migration 003 ran, or by an older replica) become
// searchable once the service's search indexer has given them their words, within seconds, with no call
// needed; items created through the service are searchable at once.

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "minyi/suggestions/v1/suggestions.grpc.pb.h"
#include "pqxx/pqxx"
#include "support/service_fixture.h"

namespace minyi::testing {
namespace {

namespace v1 = ::minyi::suggestions::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class SearchIndexerTest : public ServiceFixture<v1::Suggestions> {
 protected:
  static void SetUpTestSuite() { StartSuite("suggestions", {{"MINYI_DEPUTIES_ADDR", "127.0.0.1:1"}}); }

  // The names office staff find searching for `q`.
  static std::vector<std::string> Search(const std::string& q) {
    v1::ListSuggestionsRequest req;
    req.set_q(q);
    v1::ListSuggestionsResponse resp;
    grpc::Status st = stub_->ListSuggestions(CallContext(Staff()).get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    std::vector<std::string> names;
    for (const v1::Suggestion& s : resp.suggestions()) {
      names.push_back(s.name());
    }
    return names;
  }
};

TEST_F(SearchIndexerTest, RowsWrittenWithoutWordsAreFoundOnceIndexedAndNewItemsAtOnce) {
  int64_t id = 0;
  {
    pqxx::connection conn(*dsn_);
    pqxx::work tx(conn);
    id = tx.exec1(
               "INSERT INTO suggestions.suggestions (kind, title, body, state, created_by) VALUES "
               "('SUGGESTION_KIND_DEPUTY', '关于整治菜市场占道经营的建议', '早市摊贩占用机动车道，雨天积水严重。', "
               "'SUGGESTION_STATE_SUBMITTED', 'deputies/9') RETURNING id")[0]
             .as<int64_t>();
    tx.commit();
  }
  const std::string name = "suggestions/" + std::to_string(id);
  std::vector<std::string> found;
  for (int i = 0; i < 100 && found.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    found = Search("占道");
  }
  EXPECT_THAT(found, ElementsAre(name));
  EXPECT_THAT(Search("积水"), ElementsAre(name));
  EXPECT_THAT(Search("菜市场 积水"), ElementsAre(name));
  EXPECT_THAT(Search("停车"), IsEmpty());

  v1::CreateSuggestionRequest create;
  create.set_submit(true);
  create.mutable_suggestion()->set_kind(v1::SUGGESTION_KIND_DEPUTY);
  create.mutable_suggestion()->set_title("关于增设夜市摊位的建议");
  create.mutable_suggestion()->set_body("引导流动摊贩入市经营，减少占道。");
  v1::Suggestion created;
  grpc::Status st =
      stub_->CreateSuggestion(CallContext(Token(minyi::common::v1::ROLE_DEPUTY, "deputies/9")).get(), create, &created);
  ASSERT_TRUE(st.ok()) << st.error_message();
  // At once, the new item ranked first by its title.
  EXPECT_THAT(Search("摊位"), ElementsAre(created.name()));
  EXPECT_THAT(Search("摊"), ElementsAre(created.name(), name));
}

}  // namespace
}  // namespace minyi::testing
