#include "path_template.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace minyi::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::FieldsAre;
using ::testing::IsEmpty;

PathTemplate MustParse(absl::string_view text) {
  absl::StatusOr<PathTemplate> t = PathTemplate::Parse(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status();
  return *std::move(t);
}

std::vector<PathTemplate::Binding> MatchOrDie(const PathTemplate& t, absl::string_view path) {
  std::vector<PathTemplate::Binding> bindings;
  EXPECT_TRUE(t.Match(path, &bindings)) << t.text() << " should match " << path;
  return bindings;
}

bool Matches(const PathTemplate& t, absl::string_view path) {
  std::vector<PathTemplate::Binding> bindings;
  return t.Match(path, &bindings);
}

TEST(PathTemplateTest, ParsesLiteralsVariablesAndVerb) {
  PathTemplate t = MustParse("/v1/{name=suggestions/*}:submit");
  ASSERT_EQ(t.segments().size(), 3u);
  EXPECT_EQ(t.segments()[0].literal, "v1");
  EXPECT_EQ(t.segments()[1].literal, "suggestions");
  EXPECT_EQ(t.segments()[2].kind, PathTemplate::SegmentKind::kWildcard);
  EXPECT_EQ(t.verb(), "submit");
  ASSERT_EQ(t.variables().size(), 1u);
  EXPECT_EQ(t.variables()[0].field_path, "name");
  EXPECT_EQ(t.variables()[0].begin, 1);
  EXPECT_EQ(t.variables()[0].end, 3);
}

TEST(PathTemplateTest, BareVariableIsOneSegment) {
  PathTemplate t = MustParse("/v1/deputies/{id}");
  EXPECT_THAT(MatchOrDie(t, "/v1/deputies/12"), ElementsAre(FieldsAre("id", "12")));
  EXPECT_FALSE(Matches(t, "/v1/deputies/12/duties"));
  EXPECT_FALSE(Matches(t, "/v1/deputies/"));
  EXPECT_FALSE(Matches(t, "/v1/deputies"));
}

TEST(PathTemplateTest, ResourceNameVariableCapturesItsLiterals) {
  PathTemplate t = MustParse("/v1/{name=stations/*}");
  EXPECT_THAT(MatchOrDie(t, "/v1/stations/7"), ElementsAre(FieldsAre("name", "stations/7")));
  EXPECT_FALSE(Matches(t, "/v1/deputies/7"));
  EXPECT_FALSE(Matches(t, "/v2/stations/7"));
}

TEST(PathTemplateTest, NestedFieldPath) {
  PathTemplate t = MustParse("/v1/{deputy.name=deputies/*}");
  EXPECT_THAT(MatchOrDie(t, "/v1/deputies/3"), ElementsAre(FieldsAre("deputy.name", "deputies/3")));
}

TEST(PathTemplateTest, SeveralVariables) {
  PathTemplate t = MustParse("/v1/{parent=deputies/*}/duties/{duty}");
  EXPECT_THAT(MatchOrDie(t, "/v1/deputies/3/duties/9"),
              ElementsAre(FieldsAre("parent", "deputies/3"), FieldsAre("duty", "9")));
}

TEST(PathTemplateTest, DeepWildcardMatchesZeroOrMoreSegments) {
  PathTemplate t = MustParse("/v1/{path=files/**}");
  EXPECT_THAT(MatchOrDie(t, "/v1/files/a/b/c"), ElementsAre(FieldsAre("path", "files/a/b/c")));
  EXPECT_THAT(MatchOrDie(t, "/v1/files"), ElementsAre(FieldsAre("path", "files")));
  EXPECT_FALSE(Matches(t, "/v1/other/a"));
}

TEST(PathTemplateTest, UnnamedWildcards) {
  PathTemplate t = MustParse("/v1/*/items/**");
  EXPECT_TRUE(Matches(t, "/v1/x/items/a/b"));
  EXPECT_FALSE(Matches(t, "/v1/x/things/a"));
  EXPECT_THAT(MatchOrDie(t, "/v1/x/items"), IsEmpty());
}

TEST(PathTemplateTest, VerbMustMatchExactly) {
  PathTemplate rate = MustParse("/v1/stations:rate");
  EXPECT_TRUE(Matches(rate, "/v1/stations:rate"));
  EXPECT_FALSE(Matches(rate, "/v1/stations"));
  EXPECT_FALSE(Matches(rate, "/v1/stations:rank"));
  EXPECT_FALSE(Matches(rate, "/v1/stations:rate/x"));

  PathTemplate plain = MustParse("/v1/stations");
  EXPECT_FALSE(Matches(plain, "/v1/stations:rate"));

  PathTemplate submit = MustParse("/v1/{name=suggestions/*}:submit");
  EXPECT_THAT(MatchOrDie(submit, "/v1/suggestions/5:submit"), ElementsAre(FieldsAre("name", "suggestions/5")));
  EXPECT_FALSE(Matches(submit, "/v1/suggestions/5"));
  EXPECT_FALSE(Matches(submit, "/v1/suggestions/5:accept"));
}

TEST(PathTemplateTest, PercentDecodesVariables) {
  PathTemplate t = MustParse("/v1/tags/{tag}");
  EXPECT_THAT(MatchOrDie(t, "/v1/tags/%E5%BC%A0%20x"), ElementsAre(FieldsAre("tag", "张 x")));
  // A single-segment variable decodes %2F; a multi-segment one keeps it, so it stays distinguishable.
  EXPECT_THAT(MatchOrDie(t, "/v1/tags/a%2Fb"), ElementsAre(FieldsAre("tag", "a/b")));
  PathTemplate deep = MustParse("/v1/{path=files/**}");
  EXPECT_THAT(MatchOrDie(deep, "/v1/files/a%2Fb/c"), ElementsAre(FieldsAre("path", "files/a%2Fb/c")));
}

TEST(PathTemplateTest, LiteralIsMoreSpecificThanVariable) {
  PathTemplate literal = MustParse("/v1/accounts/me");
  PathTemplate variable = MustParse("/v1/{name=accounts/*}");
  PathTemplate deep = MustParse("/v1/{name=accounts/**}");
  PathTemplate verb = MustParse("/v1/{name=accounts/*}:disable");
  EXPECT_TRUE(literal.MoreSpecificThan(variable));
  EXPECT_FALSE(variable.MoreSpecificThan(literal));
  EXPECT_TRUE(variable.MoreSpecificThan(deep));
  EXPECT_TRUE(verb.MoreSpecificThan(literal));
  EXPECT_FALSE(variable.MoreSpecificThan(variable));
}

TEST(PathTemplateTest, RejectsMalformedTemplates) {
  for (absl::string_view bad : {"", "v1/x", "/v1/{name", "/v1/{=x}", "/v1/{a.}", "/v1//x", "/v1/**/x", "/v1/{a={b}}",
                                "/v1/x:", "/v1/{a}/{a}", "/v1/{a=b}}"}) {
    EXPECT_FALSE(PathTemplate::Parse(bad).ok()) << bad;
  }
}

TEST(PathTemplateTest, NoMatchWithoutLeadingSlash) {
  EXPECT_FALSE(Matches(MustParse("/v1/x"), "v1/x"));
  EXPECT_FALSE(Matches(MustParse("/v1/x"), ""));
}

TEST(PercentDecodeTest, DecodesAndKeepsMalformedEscapes) {
  EXPECT_EQ(PercentDecode("%E5%BC%A0"), "张");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(PercentDecode("a%2fb", /*keep_slash=*/true), "a%2fb");
  EXPECT_EQ(PercentDecode("a%2fb"), "a/b");
}

}  // namespace
}  // namespace minyi::gateway
