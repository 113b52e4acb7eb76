#include "common/auth.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace minyi {
namespace {

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef-unit";
const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

Caller Deputy() {
  Caller c;
  c.set_account_id("42");
  c.set_role(minyi::common::v1::ROLE_DEPUTY);
  c.set_deputy("deputies/7");
  return c;
}

std::string Segment(absl::string_view json) { return absl::WebSafeBase64Escape(json); }

TEST(TokenSigner, RoundTripsTheCaller) {
  TokenSigner signer(kSecret, "minyi");
  auto token = signer.Issue(Deputy(), kNow);
  ASSERT_TRUE(token.ok());
  auto caller = signer.Verify(*token, kNow + absl::Minutes(1));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->account_id(), "42");
  EXPECT_EQ(caller->role(), minyi::common::v1::ROLE_DEPUTY);
  EXPECT_EQ(caller->deputy(), "deputies/7");
}

TEST(TokenSigner, RefusesExpiredAndNotYetValid) {
  TokenSigner signer(kSecret, "minyi", absl::Minutes(30));
  auto token = signer.Issue(Deputy(), kNow);
  ASSERT_TRUE(token.ok());
  auto late = signer.Verify(*token, kNow + absl::Hours(1));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(late.status().message().find("expired"), absl::string_view::npos);
  EXPECT_EQ(signer.Verify(*token, kNow - absl::Minutes(5)).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(TokenSigner, RemembersAVerifiedTokenButStillChecksItsTimeWindow) {
  TokenSigner signer(kSecret, "minyi", absl::Minutes(30));
  auto token = signer.Issue(Deputy(), kNow);
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(signer.Verify(*token, kNow).ok());  // now remembered
  EXPECT_EQ(signer.Verify(*token, kNow + absl::Minutes(10))->deputy(), "deputies/7");
  auto late = signer.Verify(*token, kNow + absl::Hours(1));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(late.status().message().find("expired"), absl::string_view::npos);
  EXPECT_EQ(signer.Verify(*token, kNow - absl::Minutes(5)).status().code(), absl::StatusCode::kUnauthenticated);
  // The same claims under a changed signature are not the remembered token.
  std::string forged = *token;
  char& c = forged[forged.size() - 10];  // inside the signature, clear of its final padding bits
  c = c == 'A' ? 'B' : 'A';
  EXPECT_FALSE(signer.Verify(forged, kNow).ok());
}

TEST(TokenSigner, RefusesOtherAudienceAndOtherKey) {
  auto token = TokenSigner(kSecret, "minyi").Issue(Deputy(), kNow);
  ASSERT_TRUE(token.ok());
  EXPECT_FALSE(TokenSigner(kSecret, "elsewhere").Verify(*token, kNow).ok());
  EXPECT_FALSE(TokenSigner("another-secret-0123456789abcdef-0000", "minyi").Verify(*token, kNow).ok());
}

TEST(TokenSigner, RefusesTamperedPayload) {
  TokenSigner signer(kSecret, "minyi");
  auto token = signer.Issue(Deputy(), kNow);
  ASSERT_TRUE(token.ok());
  std::vector<std::string> parts = absl::StrSplit(*token, '.');
  std::string payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[1], &payload));
  const std::string promoted = absl::StrReplaceAll(payload, {{"ROLE_DEPUTY", "ROLE_ADMIN"}});
  ASSERT_NE(promoted, payload);
  EXPECT_FALSE(signer.Verify(absl::StrCat(parts[0], ".", Segment(promoted), ".", parts[2]), kNow).ok());
}

TEST(TokenSigner, AlgorithmIsPinned) {
  TokenSigner signer(kSecret, "minyi");
  auto token = signer.Issue(Deputy(), kNow);
  ASSERT_TRUE(token.ok());
  std::vector<std::string> parts = absl::StrSplit(*token, '.');
  // "none" with and without a signature, and RS256 / HS512 headers over the same payload and signature.
  for (const char* header : {R"({"alg":"none","typ":"JWT"})", R"({"alg":"RS256","typ":"JWT"})",
                             R"({"alg":"HS512","typ":"JWT"})", R"({"typ":"JWT"})"}) {
    EXPECT_FALSE(signer.Verify(absl::StrCat(Segment(header), ".", parts[1], ".", parts[2]), kNow).ok()) << header;
    EXPECT_FALSE(signer.Verify(absl::StrCat(Segment(header), ".", parts[1], "."), kNow).ok()) << header;
  }
  EXPECT_FALSE(signer.Verify("garbage", kNow).ok());
  EXPECT_FALSE(signer.Verify("", kNow).ok());
}

TEST(Roles, SelfOrOffice) {
  Caller staff;
  staff.set_role(minyi::common::v1::ROLE_STAFF);
  EXPECT_TRUE(IsOffice(staff));
  EXPECT_TRUE(RequireSelfOrOffice(staff, "deputies/1").ok());
  EXPECT_TRUE(RequireSelfOrOffice(Deputy(), "deputies/7").ok());
  EXPECT_EQ(RequireSelfOrOffice(Deputy(), "deputies/8").code(), absl::StatusCode::kPermissionDenied);
  Caller citizen;
  citizen.set_role(minyi::common::v1::ROLE_CITIZEN);
  EXPECT_FALSE(IsOffice(citizen));
  EXPECT_EQ(RequireSelfOrOffice(citizen, "deputies/7").code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace minyi
