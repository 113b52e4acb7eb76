#include "common/auth.h"

#include <jwt.h>

#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/revocation.h"
#include "gtest/gtest.h"

namespace minyi {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

EcPrivateKey NewKey() { return *PrivateKeyFromPem(GenerateEcKeyPair().private_pem); }

// Identity's signing key, and a verifier that knows only it.
struct Keys {
  EcPrivateKey signing = NewKey();
  TokenIssuer issuer{signing, "minyi"};
  TokenVerifier verifier{{signing.public_key}, "minyi"};
};

Caller Deputy() {
  Caller c;
  c.set_account_id("42");
  c.set_role(minyi::common::v1::ROLE_DEPUTY);
  c.set_deputy("deputies/7");
  return c;
}

std::string Segment(absl::string_view json) { return absl::WebSafeBase64Escape(json); }

// A JWT signed with libjwt as an attacker would make one: any algorithm, any key.
std::string Forge(jwt_alg_t alg, const std::string& key, const std::string& claims_json, const char* kid) {
  jwt_t* j = nullptr;
  jwt_new(&j);
  jwt_add_grants_json(j, claims_json.c_str());
  if (kid != nullptr) {
    jwt_add_header(j, "kid", kid);
  }
  jwt_set_alg(j, alg, reinterpret_cast<const unsigned char*>(key.data()), static_cast<int>(key.size()));
  char* s = jwt_encode_str(j);
  std::string out = s == nullptr ? "" : s;
  std::free(s);
  jwt_free(j);
  return out;
}

std::string ClaimsOf(const std::string& token) {
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::string payload;
  absl::WebSafeBase64Unescape(parts[1], &payload);
  return payload;
}

TEST(AccessTokens, RoundTripTheCallerAndTheSession) {
  Keys k;
  auto token = k.issuer.Issue(Deputy(), kNow, {.version = 3});
  ASSERT_TRUE(token.ok()) << token.status();
  auto v = k.verifier.Verify(*token, kNow + absl::Minutes(1));
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->caller.account_id(), "42");
  EXPECT_EQ(v->caller.role(), minyi::common::v1::ROLE_DEPUTY);
  EXPECT_EQ(v->caller.deputy(), "deputies/7");
  EXPECT_EQ(v->caller.token_id().size(), 32u);
  EXPECT_EQ(v->caller.token_expire_unix(), absl::ToUnixSeconds(kNow + absl::Minutes(30)));
  EXPECT_EQ(v->version, 3);
  EXPECT_FALSE(v->password_change_required);
  auto again = k.issuer.Issue(Deputy(), kNow, {.version = 3, .password_change_required = true});
  EXPECT_TRUE(k.verifier.Verify(*again, kNow)->password_change_required);
  EXPECT_NE(k.verifier.Verify(*again, kNow)->caller.token_id(), v->caller.token_id());
}

// ES256 is signed and verified with OpenSSL directly (common/jwt.cc); libjwt, an independent implementation,
// must accept what it signs and sign what it accepts (RFC 7515's raw R || S signature, not DER).
TEST(AccessTokens, AgreeWithAnIndependentImplementation) {
  Keys k;
  auto token = k.issuer.Issue(Deputy(), kNow);
  ASSERT_TRUE(token.ok());
  jwt_t* decoded = nullptr;
  const std::string& pem = k.signing.public_key.pem;
  ASSERT_EQ(jwt_decode(&decoded, token->c_str(), reinterpret_cast<const unsigned char*>(pem.data()),
                       static_cast<int>(pem.size())),
            0);
  EXPECT_EQ(jwt_get_alg(decoded), JWT_ALG_ES256);
  EXPECT_STREQ(jwt_get_grant(decoded, "sub"), "42");
  jwt_free(decoded);

  const std::string kid = k.signing.public_key.kid;
  const std::string by_libjwt = Forge(JWT_ALG_ES256, k.signing.pem, ClaimsOf(*token), kid.c_str());
  auto v = k.verifier.Verify(by_libjwt, kNow);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->caller.account_id(), "42");
  // The same bytes spelt another way (a non-canonical last base64url character) are not the same token.
  // A P-256 signature is 64 bytes, 86 characters: the last one's four low bits carry nothing.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string respelt = *token;
  respelt.back() = alphabet[alphabet.find(respelt.back()) ^ 1];
  EXPECT_FALSE(k.verifier.Verify(respelt, kNow).ok());
}

TEST(AccessTokens, NeverForAServiceRole) {
  Keys k;
  Caller service;
  service.set_account_id("service:voting");
  service.set_role(minyi::common::v1::ROLE_SERVICE);
  EXPECT_FALSE(k.issuer.Issue(service, kNow).ok());
  // Nor does a token claiming it verify, even when signed with identity's own key.
  const std::string claims = R"({"iss":"minyi","aud":"minyi","sub":"1","role":"ROLE_SERVICE","jti":"x","ver":0,)"
                             R"("iat":1800000000,"nbf":1800000000,"exp":1800000600})";
  const std::string forged = Forge(JWT_ALG_ES256, k.signing.pem, claims, k.signing.public_key.kid.c_str());
  EXPECT_EQ(k.verifier.Verify(forged, kNow).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(AccessTokens, RefuseExpiredAndNotYetValid) {
  Keys k;
  auto token = k.issuer.Issue(Deputy(), kNow);
  ASSERT_TRUE(token.ok());
  auto late = k.verifier.Verify(*token, kNow + absl::Hours(1));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(late.status().message().find("expired"), absl::string_view::npos);
  EXPECT_EQ(k.verifier.Verify(*token, kNow - absl::Minutes(5)).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(AccessTokens, RememberAVerifiedTokenButStillCheckItsTimeWindow) {
  Keys k;
  auto token = k.issuer.Issue(Deputy(), kNow);
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(k.verifier.Verify(*token, kNow).ok());  // now remembered
  EXPECT_EQ(k.verifier.Verify(*token, kNow + absl::Minutes(10))->caller.deputy(), "deputies/7");
  EXPECT_EQ(k.verifier.Verify(*token, kNow + absl::Hours(1)).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(k.verifier.Verify(*token, kNow - absl::Minutes(5)).status().code(), absl::StatusCode::kUnauthenticated);
  // The same claims under a changed signature are not the remembered token.
  std::string forged = *token;
  char& c = forged[forged.size() - 10];  // inside the signature, clear of its final padding bits
  c = c == 'A' ? 'B' : 'A';
  EXPECT_FALSE(k.verifier.Verify(forged, kNow).ok());
}

TEST(AccessTokens, RefuseOtherAudienceAndKeysNotInTheSet) {
  Keys k;
  auto token = k.issuer.Issue(Deputy(), kNow);
  ASSERT_TRUE(token.ok());
  EXPECT_FALSE(TokenVerifier({k.signing.public_key}, "elsewhere").Verify(*token, kNow).ok());
  const EcPrivateKey stranger = NewKey();
  EXPECT_FALSE(TokenVerifier({stranger.public_key}, "minyi").Verify(*token, kNow).ok());
  // A stranger's token carrying identity's key id still fails on the signature.
  const std::string claims = ClaimsOf(*token);
  EXPECT_FALSE(
      k.verifier.Verify(Forge(JWT_ALG_ES256, stranger.pem, claims, k.signing.public_key.kid.c_str()), kNow).ok());
}

TEST(AccessTokens, RotationVerifiesTheCurrentAndThePreviousKey) {
  const EcPrivateKey previous = NewKey();
  const EcPrivateKey current = NewKey();
  ASSERT_NE(previous.public_key.kid, current.public_key.kid);
  const TokenVerifier both({current.public_key, previous.public_key}, "minyi");
  auto old_token = TokenIssuer(previous, "minyi").Issue(Deputy(), kNow);
  auto new_token = TokenIssuer(current, "minyi").Issue(Deputy(), kNow);
  EXPECT_TRUE(both.Verify(*old_token, kNow).ok());
  EXPECT_TRUE(both.Verify(*new_token, kNow).ok());
  // Once the previous key is dropped, its tokens are refused.
  EXPECT_FALSE(TokenVerifier({current.public_key}, "minyi").Verify(*old_token, kNow).ok());
}

TEST(AccessTokens, RefuseATamperedPayload) {
  Keys k;
  auto token = k.issuer.Issue(Deputy(), kNow);
  ASSERT_TRUE(token.ok());
  std::vector<std::string> parts = absl::StrSplit(*token, '.');
  const std::string payload = ClaimsOf(*token);
  const std::string promoted = absl::StrReplaceAll(payload, {{"ROLE_DEPUTY", "ROLE_ADMIN"}});
  ASSERT_NE(promoted, payload);
  EXPECT_FALSE(k.verifier.Verify(absl::StrCat(parts[0], ".", Segment(promoted), ".", parts[2]), kNow).ok());
}

TEST(AccessTokens, AlgorithmIsPinned) {
  Keys k;
  auto token = k.issuer.Issue(Deputy(), kNow);
  ASSERT_TRUE(token.ok());
  std::vector<std::string> parts = absl::StrSplit(*token, '.');
  const std::string kid = k.signing.public_key.kid;
  // "none" with and without a signature, and other algorithms' headers over the same payload and signature.
  for (const std::string& header :
       {absl::StrCat(R"({"alg":"none","typ":"JWT","kid":")", kid, R"("})"),
        absl::StrCat(R"({"alg":"RS256","typ":"JWT","kid":")", kid, R"("})"),
        absl::StrCat(R"({"alg":"HS256","typ":"JWT","kid":")", kid, R"("})"), std::string(R"({"typ":"JWT"})")}) {
    EXPECT_FALSE(k.verifier.Verify(absl::StrCat(Segment(header), ".", parts[1], ".", parts[2]), kNow).ok()) << header;
    EXPECT_FALSE(k.verifier.Verify(absl::StrCat(Segment(header), ".", parts[1], "."), kNow).ok()) << header;
  }
  // The classic confusion: HS256 keyed with the public key's PEM, which every verifier has.
  const std::string confused = Forge(JWT_ALG_HS256, k.signing.public_key.pem, ClaimsOf(*token), kid.c_str());
  ASSERT_FALSE(confused.empty());
  EXPECT_FALSE(k.verifier.Verify(confused, kNow).ok());
  // No key id, or one nobody knows.
  EXPECT_FALSE(k.verifier.Verify(Forge(JWT_ALG_ES256, k.signing.pem, ClaimsOf(*token), nullptr), kNow).ok());
  EXPECT_FALSE(k.verifier.Verify(Forge(JWT_ALG_ES256, k.signing.pem, ClaimsOf(*token), "other"), kNow).ok());
  EXPECT_FALSE(k.verifier.Verify("garbage", kNow).ok());
  EXPECT_FALSE(k.verifier.Verify("", kNow).ok());
  EXPECT_FALSE(k.verifier.Verify(std::string(10000, 'a'), kNow).ok());
}

TEST(ServiceCredentials, SpeakOnlyAsTheirOwnServiceToTheirOwnCallee) {
  const EcPrivateKey voting = NewKey();
  const EcPrivateKey notifications = NewKey();
  const ServiceVerifier deputies({{"voting", voting.public_key}, {"notifications", notifications.public_key}},
                                 "deputies");
  auto credential = SignServiceCredential(voting, "voting", "deputies", kNow, absl::Minutes(5));
  ASSERT_TRUE(credential.ok());
  EXPECT_EQ(*deputies.Verify(*credential, kNow), "voting");
  // Addressed to deputies: useless at identity.
  const ServiceVerifier identity({{"voting", voting.public_key}}, "identity");
  EXPECT_EQ(identity.Verify(*credential, kNow).status().code(), absl::StatusCode::kUnauthenticated);
  // Voting's key cannot speak for notifications, with either service's name as the key id.
  EXPECT_FALSE(
      deputies.Verify(*SignServiceCredential(voting, "notifications", "deputies", kNow, absl::Minutes(5)), kNow).ok());
  const std::string claims = R"({"iss":"minyi-service","aud":"deputies","sub":"notifications","jti":"x",)"
                             R"("iat":1800000000,"nbf":1800000000,"exp":1800000300})";
  EXPECT_FALSE(deputies.Verify(Forge(JWT_ALG_ES256, voting.pem, claims, "voting"), kNow).ok());
  EXPECT_FALSE(deputies.Verify(Forge(JWT_ALG_ES256, voting.pem, claims, "notifications"), kNow).ok());
  EXPECT_FALSE(deputies.Verify(*credential, kNow + absl::Minutes(10)).ok());  // expired
  // A user's access token is no service credential, and a service credential is no access token.
  Keys k;
  EXPECT_FALSE(deputies.Verify(*k.issuer.Issue(Deputy(), kNow), kNow).ok());
  EXPECT_FALSE(TokenVerifier({voting.public_key}, "deputies").Verify(*credential, kNow).ok());
}

TEST(Revocations, EndOneSessionOrEveryOlderOne) {
  Keys k;
  RevocationList list;
  VerifiedToken a = *k.verifier.Verify(*k.issuer.Issue(Deputy(), kNow, {.version = 2}), kNow);
  VerifiedToken b = *k.verifier.Verify(*k.issuer.Issue(Deputy(), kNow, {.version = 2}), kNow);
  EXPECT_FALSE(list.IsRevoked(a, kNow));
  list.Add({.account_id = "42", .token_id = a.caller.token_id(), .until = kNow + absl::Minutes(31)});
  EXPECT_TRUE(list.IsRevoked(a, kNow));
  EXPECT_FALSE(list.IsRevoked(b, kNow));
  list.Add({.account_id = "42", .min_version = 3, .until = kNow + absl::Minutes(31)});
  EXPECT_TRUE(list.IsRevoked(b, kNow));
  VerifiedToken fresh = *k.verifier.Verify(*k.issuer.Issue(Deputy(), kNow, {.version = 3}), kNow);
  EXPECT_FALSE(list.IsRevoked(fresh, kNow));
  // A lower cutoff written late (a replica racing another) never lowers the one known.
  list.Add({.account_id = "42", .min_version = 1, .until = kNow + absl::Minutes(40)});
  EXPECT_TRUE(list.IsRevoked(b, kNow));
  // Entries are forgotten once every token they could void has expired.
  list.Expire(kNow + absl::Minutes(32));
  EXPECT_FALSE(list.IsRevoked(b, kNow + absl::Minutes(32)));
}

TEST(Revocations, ReadTheRedisHashFormatAndIgnoreJunk) {
  Keys k;
  RevocationList list;
  VerifiedToken t = *k.verifier.Verify(*k.issuer.Issue(Deputy(), kNow, {.version = 0}), kNow);
  const auto by_token = RevocationEntry({.token_id = t.caller.token_id(), .until = kNow + absl::Minutes(5)});
  EXPECT_EQ(by_token.first, absl::StrCat("t:", t.caller.token_id()));
  const auto by_account = RevocationEntry({.account_id = "42", .min_version = 1, .until = kNow + absl::Minutes(5)});
  EXPECT_EQ(by_account.first, "a:42:1");
  EXPECT_EQ(by_account.second, absl::StrCat(absl::ToUnixSeconds(kNow + absl::Minutes(5))));
  list.Merge({{"junk", "1"}, {"a:42:x", "1"}, {"t:", "1"}, {"a:42:1", "soon"}});
  EXPECT_FALSE(list.IsRevoked(t, kNow));
  list.Merge({by_account});
  EXPECT_TRUE(list.IsRevoked(t, kNow));
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
  Caller service;
  service.set_role(minyi::common::v1::ROLE_SERVICE);
  EXPECT_FALSE(IsOffice(service));
}

TEST(Roles, RequireOfficeLetsOnlyAdminsAndStaffThrough) {
  Keys k;
  const RevocationList revocations;
  const Authorizer authorizer(k.verifier, revocations, /*services=*/nullptr);
  const auto call_as = [&](minyi::common::v1::Role role) {
    Caller caller;
    caller.set_account_id("1");
    caller.set_role(role);
    return Call{.authorization = absl::StrCat("Bearer ", *k.issuer.Issue(caller, absl::Now()))};
  };
  for (Role role : {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF}) {
    absl::StatusOr<Caller> caller = authorizer.RequireOffice(call_as(role));
    ASSERT_TRUE(caller.ok()) << caller.status();
    EXPECT_EQ(caller->role(), role);
  }
  for (Role role : {minyi::common::v1::ROLE_LEADER, minyi::common::v1::ROLE_DEPUTY, minyi::common::v1::ROLE_DEPARTMENT,
                    minyi::common::v1::ROLE_CITIZEN}) {
    EXPECT_EQ(authorizer.RequireOffice(call_as(role)).status().code(), absl::StatusCode::kPermissionDenied)
        << minyi::common::v1::Role_Name(role);
  }
  EXPECT_EQ(authorizer.RequireOffice(Call{}).status().code(), absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace minyi
