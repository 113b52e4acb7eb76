#include "identity/phone_code.h"

#include <set>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace minyi::identity {
namespace {

TEST(CanonicalMobileTest, AcceptsMainlandNumbersAsPeopleTypeThem) {
  for (const char* typed :
       {"13812345678", " 138 1234 5678 ", "138-1234-5678", "+8613812345678", "+86 138 1234 5678", "008619912345678"}) {
    absl::StatusOr<std::string> phone = CanonicalMobile("phone", typed);
    ASSERT_TRUE(phone.ok()) << typed << ": " << phone.status();
    EXPECT_EQ(phone->size(), 11u) << typed;
  }
  EXPECT_EQ(*CanonicalMobile("phone", "+86 138-1234-5678"), "13812345678");
}

TEST(CanonicalMobileTest, RefusesWhatIsNoMobileNumberNamingTheField) {
  for (const char* typed : {"", "1381234567", "138123456789", "23812345678", "12812345678", "1381234567x",
                            "１３８１２３４５６７８", "+1 4155550123", "010-12345678"}) {
    absl::StatusOr<std::string> phone = CanonicalMobile("phone", typed);
    ASSERT_FALSE(phone.ok()) << typed;
    EXPECT_EQ(phone.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(phone.status().message().find("phone"), absl::string_view::npos) << phone.status();
  }
}

TEST(NewCodeTest, IsSixDigitsAndVaries) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string code = NewCode();
    ASSERT_EQ(code.size(), 6u);
    for (char c : code) {
      EXPECT_TRUE(c >= '0' && c <= '9') << code;
    }
    seen.insert(code);
  }
  EXPECT_GT(seen.size(), 40u);  // 50 draws from a million collide rarely
}

TEST(CodeHasherTest, MatchesOnlyTheSameCodeNumberAndPurpose) {
  const CodeHasher hasher("a secret the database never holds");
  const std::string stored = hasher.CodeHash("13812345678", "CODE_PURPOSE_REGISTER", "042917");
  EXPECT_TRUE(hasher.Matches(stored, "13812345678", "CODE_PURPOSE_REGISTER", "042917"));
  EXPECT_FALSE(hasher.Matches(stored, "13812345678", "CODE_PURPOSE_REGISTER", "042918"));
  EXPECT_FALSE(hasher.Matches(stored, "13812345679", "CODE_PURPOSE_REGISTER", "042917"));
  EXPECT_FALSE(hasher.Matches(stored, "13812345678", "CODE_PURPOSE_SIGN_IN", "042917"));
  EXPECT_FALSE(hasher.Matches("", "13812345678", "CODE_PURPOSE_REGISTER", "042917"));
  // Neither the code nor the number shows in what is stored.
  EXPECT_EQ(stored.find("042917"), std::string::npos);
  EXPECT_EQ(hasher.PhoneKey("13812345678").find("13812345678"), std::string::npos);
}

TEST(CodeHasherTest, ANeedsTheKeyToCheckACode) {
  const CodeHasher ours("a secret the database never holds");
  const CodeHasher other("another secret");
  const std::string stored = ours.CodeHash("13812345678", "CODE_PURPOSE_SIGN_IN", "123456");
  EXPECT_FALSE(other.Matches(stored, "13812345678", "CODE_PURPOSE_SIGN_IN", "123456"));
  EXPECT_NE(ours.PhoneKey("13812345678"), other.PhoneKey("13812345678"));
  EXPECT_EQ(ours.PhoneKey("13812345678"), CodeHasher("a secret the database never holds").PhoneKey("13812345678"));
}

TEST(JudgeCodeTest, AcceptsTheRightCodeOnceBeforeItExpires) {
  const absl::Time now = absl::FromUnixSeconds(1'900'000'000);
  const StoredCode fresh{.code_hash = "h", .expire_time = now + absl::Minutes(5)};
  EXPECT_EQ(JudgeCode(fresh, true, now), CodeVerdict::kAccepted);
  EXPECT_EQ(JudgeCode(fresh, false, now), CodeVerdict::kWrong);
  EXPECT_EQ(JudgeCode(std::nullopt, false, now), CodeVerdict::kNone);

  StoredCode used = fresh;
  used.used = true;
  EXPECT_EQ(JudgeCode(used, true, now), CodeVerdict::kUsed);

  EXPECT_EQ(JudgeCode(fresh, true, now + absl::Minutes(5)), CodeVerdict::kExpired);
  EXPECT_EQ(JudgeCode(fresh, true, now + absl::Minutes(5) - absl::Seconds(1)), CodeVerdict::kAccepted);

  StoredCode tried = fresh;
  tried.failed_attempts = kMaxCodeAttempts - 1;
  EXPECT_EQ(JudgeCode(tried, true, now), CodeVerdict::kAccepted);
  tried.failed_attempts = kMaxCodeAttempts;
  EXPECT_EQ(JudgeCode(tried, true, now), CodeVerdict::kExhausted);  // even the right digits
}

TEST(CodeRefusalTest, NamesTheFieldAndSaysWhy) {
  for (CodeVerdict v :
       {CodeVerdict::kNone, CodeVerdict::kWrong, CodeVerdict::kUsed, CodeVerdict::kExhausted, CodeVerdict::kExpired}) {
    const absl::Status st = CodeRefusal("code", v);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(st.message().find("code"), absl::string_view::npos) << st;
  }
  EXPECT_NE(CodeRefusal("code", CodeVerdict::kExpired).message().find("expired"), absl::string_view::npos);
  EXPECT_NE(CodeRefusal("code", CodeVerdict::kUsed).message().find("used"), absl::string_view::npos);
  EXPECT_TRUE(CodeRefusal("code", CodeVerdict::kAccepted).ok());
}

TEST(SendWaitTest, WaitsForTheWindowOnlyPastTheLimit) {
  const SendWindow window{3, absl::Minutes(10)};
  EXPECT_EQ(SendWait(window, 1, absl::Minutes(10)), absl::ZeroDuration());
  EXPECT_EQ(SendWait(window, 3, absl::Minutes(2)), absl::ZeroDuration());
  EXPECT_EQ(SendWait(window, 4, absl::Minutes(2)), absl::Minutes(2));
  // A window Redis reports without an expiry (-1 ms) or just ending still asks for a second.
  EXPECT_EQ(SendWait(window, 9, absl::Milliseconds(-1)), absl::Seconds(1));
}

}  // namespace
}  // namespace minyi::identity
