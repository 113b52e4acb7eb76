// Search results follow the same rule (title hits first, newest first in each rank, only the caller's
// department's items) whether a word is held by few items or by thousands: the service plans a rare word
// from the index and a common one by walking newest first, and pages cross from one rank to the other.

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "minyi/suggestions/v1/suggestions.grpc.pb.h"
#include "pqxx/pqxx"
#include "support/service_fixture.h"

namespace minyi::testing {
namespace {

namespace v1 = ::minyi::suggestions::v1;
using ::testing::ElementsAreArray;

constexpr int kItems = 9000;

// Item i (1..kItems), written in order: "bodyword" in every body and in the titles of the last 50;
// "titleword" in the titles of the even ones; "rareword" in every 500th body and every 1,000th title.
// Lead unit dept-a for every third, dept-b for the rest; co-unit dept-c for every fourth.
bool Holds(absl::string_view word, int i, bool title) {
  if (word == "bodyword") return !title || i > kItems - 50;
  if (word == "titleword") return i % 2 == 0;
  return i % (title ? 1000 : 500) == 0;
}
bool In(absl::string_view department, int i) {
  return department.empty() || (department == "dept-a" ? i % 3 == 0 : department == "dept-b" ? i % 3 != 0 : i % 4 == 0);
}

class SearchPlansTest : public ServiceFixture<v1::Suggestions> {
 protected:
  static void SetUpTestSuite() {
    StartSuite("suggestions", {{"MINYI_DEPUTIES_ADDR", "127.0.0.1:1"}});
    pqxx::connection conn(*dsn_);
    pqxx::work tx(conn);
    // Holds() as SQL over i, for the title's words or the whole text's.
    auto words = [](bool title) {
      return absl::StrCat("array_to_string(ARRAY['x'",
                          title ? ", CASE WHEN i > 8950 THEN 'bodyword' END" : ", 'bodyword'",
                          ", CASE WHEN i % 2 = 0 THEN 'titleword' END, CASE WHEN i % ", title ? "1000" : "500",
                          " = 0 THEN 'rareword' END], ' ')::tsvector");
    };
    for (const pqxx::row& r : tx.exec(absl::StrCat(
             "INSERT INTO suggestions.suggestions (kind, title, body, state, created_by, lead_department, "
             "co_departments, search_title, search_text) SELECT 'SUGGESTION_KIND_DEPUTY', 'item ' || i, 'body', "
             "'SUGGESTION_STATE_ASSIGNED', 'deputies/9', CASE WHEN i % 3 = 0 THEN 'dept-a' ELSE 'dept-b' END, "
             "CASE WHEN i % 4 = 0 THEN ARRAY['dept-c'] ELSE '{}' END, ",
             words(true), ", ", words(false), " FROM generate_series(1, ", kItems,
             ") i ORDER BY i RETURNING id, substr(title, 6)::int"))) {
      names_[r[1].as<int>()] = absl::StrCat("suggestions/", r[0].as<int64_t>());
    }
    tx.commit();
    pqxx::nontransaction(conn).exec0("VACUUM ANALYZE suggestions.suggestions");
  }

  // The first `pages` pages of `page_size` that staff get searching `q` in `department` ("" for all).
  static std::vector<std::string> Search(const std::string& q, const std::string& department, int pages,
                                         int page_size) {
    std::vector<std::string> out;
    std::string token;
    for (int p = 0; p < pages; ++p) {
      v1::ListSuggestionsRequest req;
      req.set_q(q);
      req.set_department(department);
      req.set_page_size(page_size);
      req.set_page_token(token);
      v1::ListSuggestionsResponse resp;
      grpc::Status st = stub_->ListSuggestions(CallContext(Staff()).get(), req, &resp);
      EXPECT_TRUE(st.ok()) << st.error_message();
      for (const v1::Suggestion& s : resp.suggestions()) {
        out.push_back(s.name());
      }
      token = resp.next_page_token();
      if (token.empty()) break;
    }
    return out;
  }

  // The rule's answer, its first `n` items: title hits newest first, then the other matches newest first.
  static std::vector<std::string> Expected(absl::string_view word, const std::string& department, std::size_t n) {
    std::vector<std::string> out;
    for (const bool title : {true, false}) {
      for (int i = kItems; i >= 1 && out.size() < n; --i) {
        if (In(department, i) && Holds(word, i, false) && Holds(word, i, true) == title) {
          out.push_back(names_[i]);
        }
      }
    }
    return out;
  }

  static inline std::map<int, std::string> names_;
};

TEST_F(SearchPlansTest, AWordInThousandsOfItemsIsRankedAndPagedAsARareOne) {
  // 50 title hits then 8,950 body hits: pages cross from the first rank to the second.
  EXPECT_THAT(Search("bodyword", "", 3, 40), ElementsAreArray(Expected("bodyword", "", 120)));
  // 4,500 title hits.
  EXPECT_THAT(Search("titleword", "", 2, 40), ElementsAreArray(Expected("titleword", "", 80)));
  // 18 items: all of them, on one page and on several.
  EXPECT_THAT(Search("rareword", "", 1, 40), ElementsAreArray(Expected("rareword", "", 40)));
  EXPECT_THAT(Search("rareword", "", 10, 4), ElementsAreArray(Expected("rareword", "", 40)));
  EXPECT_EQ(Expected("rareword", "", 40).size(), 18u);
}

TEST_F(SearchPlansTest, TheDepartmentFilterCoversLeadAndCoUnitsForCommonAndRareWords) {
  for (const std::string department : {"dept-a", "dept-b", "dept-c"}) {
    SCOPED_TRACE(department);
    EXPECT_THAT(Search("bodyword", department, 2, 40), ElementsAreArray(Expected("bodyword", department, 80)));
    EXPECT_THAT(Search("titleword", department, 1, 40), ElementsAreArray(Expected("titleword", department, 40)));
    EXPECT_THAT(Search("rareword", department, 2, 40), ElementsAreArray(Expected("rareword", department, 80)));
  }
  EXPECT_THAT(Search("bodyword", "dept-none", 1, 40), ::testing::IsEmpty());
}

}  // namespace
}  // namespace minyi::testing
