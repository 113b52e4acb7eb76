// Sign-in, sessions and accounts through the gateway, tried as an attacker with ordinary accounts would:
// throttled guessing, revoked and disabled sessions refused at the gateway and at every service, forced
// password changes, one account per deputy, the public key set. docs/security.md lists what each defends.
#include <signal.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/redis.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"
#include "pqxx/pqxx"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;

Platform& P() { return Platform::Shared(); }

constexpr char kPassword[] = "Wq5-sessions-Lm8pz2";

// Each test signs in from loopback addresses of its own, so the per-address throttle of one test never
// meets another's (the gateway sees the socket peer).
HttpResponse From(const std::string& address, absl::string_view method, absl::string_view target,
                  const json& body = nullptr, absl::string_view token = "") {
  return JsonCall(P().http_port(), method, target, body, token, {}, address);
}

HttpResponse SignIn(const std::string& address, const std::string& username, const std::string& password) {
  return From(address, "POST", "/v1/auth/token", {{"username", username}, {"password", password}});
}

// A fresh account with `role` (linked to `deputy` for a deputy); its name and user name.
struct NewUser {
  std::string name;
  std::string username;
};
NewUser CreateUser(absl::string_view role = "ROLE_CITIZEN", const std::string& deputy = "") {
  json account = {{"username", Unique("s")}, {"displayName", "会话测试"}, {"role", role}};
  if (!deputy.empty()) {
    account["deputy"] = deputy;
  }
  HttpResponse r = P().Call("POST", "/v1/accounts", {{"account", account}, {"password", kPassword}}, P().Admin());
  EXPECT_EQ(r.status, 200) << r.body;
  return {Json(r).value("name", ""), account["username"].get<std::string>()};
}

std::string TokenOf(const HttpResponse& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  return Json(r).value("accessToken", "");
}

// What a direct call to the deputies service answers with this token: services check revocation too, not
// only the gateway.
grpc::StatusCode AtDeputies(const std::string& token) {
  auto stub = minyi::deputies::v1::Deputies::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", P().grpc_port("deputies")), grpc::InsecureChannelCredentials()));
  minyi::deputies::v1::ListStationsRequest req;
  minyi::deputies::v1::ListStationsResponse out;
  return stub->ListStations(CallContext(token).get(), req, &out).error_code();
}

// Revocations reach every process within seconds; this is the bound the tests hold them to.
constexpr absl::Duration kPropagation = absl::Seconds(5);

bool RefusedEverywhere(const std::string& token) {
  return Eventually(
      [&] {
        HttpResponse r = P().Call("GET", "/v1/accounts/me", nullptr, token);
        // The gateway's own refusal, not identity's behind it: the gateway itself has learnt the revocation.
        const json info = ErrorDetail(r, "google.rpc.ErrorInfo");
        return r.status == 401 && info.value("reason", "") == "TOKEN_REVOKED" &&
               info.value("domain", "") == "minyi.gateway" && AtDeputies(token) == grpc::StatusCode::UNAUTHENTICATED;
      },
      kPropagation);
}

TEST(SignIn, GuessingOneNameIsThrottledAlikeForKnownAndUnknownNames) {
  const NewUser user = CreateUser();
  const std::string unknown = Unique("nobody");
  // Different addresses for the two names, so only the per-name throttle is at work.
  std::vector<HttpResponse> known_answers, unknown_answers;
  for (int i = 0; i < 6; ++i) {
    known_answers.push_back(SignIn("127.0.0.21", user.username, "wrong-guess-" + std::to_string(i)));
    unknown_answers.push_back(SignIn("127.0.0.22", unknown, "wrong-guess-" + std::to_string(i)));
  }
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(known_answers[i].status, 401) << i;
    EXPECT_EQ(known_answers[i].body, unknown_answers[i].body) << i;  // nothing tells a real name apart
  }
  for (const HttpResponse* r : {&known_answers[5], &unknown_answers[5]}) {
    EXPECT_EQ(r->status, 429) << r->body;
    EXPECT_EQ(ErrorReason(*r), "SIGN_IN_THROTTLED");
    EXPECT_EQ(r->headers.count("retry-after"), 1u);
  }
  // While locked, even the right password is turned away, and from any address.
  HttpResponse locked = SignIn("127.0.0.23", user.username, kPassword);
  ASSERT_EQ(locked.status, 429) << locked.body;
  int wait = 0;
  ASSERT_TRUE(absl::SimpleAtoi(locked.headers["retry-after"], &wait));
  EXPECT_GE(wait, 1);
  EXPECT_LE(wait, 2);  // the first lock after the free attempts is short
  // Waiting the lock out is what is tested here (no request may tell when it ends without counting).
  absl::SleepFor(absl::Seconds(wait));
  // The delay grows with each further failure.
  HttpResponse again = SignIn("127.0.0.21", user.username, "wrong-again");
  EXPECT_EQ(again.status, 401) << again.body;
  HttpResponse longer = SignIn("127.0.0.21", user.username, kPassword);
  ASSERT_EQ(longer.status, 429) << longer.body;
  int longer_wait = 0;
  ASSERT_TRUE(absl::SimpleAtoi(longer.headers["retry-after"], &longer_wait));
  EXPECT_GT(longer_wait, wait);
  absl::SleepFor(absl::Seconds(longer_wait));  // waiting out the longer lock, as above
  EXPECT_EQ(SignIn("127.0.0.21", user.username, kPassword).status, 200);
}

TEST(SignIn, GuessingFromOneAddressIsThrottledWithoutLockingOthersOut) {
  const NewUser user = CreateUser();
  // A hundred free failures per address, each on a different name so no name is locked.
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(SignIn("127.0.0.31", Unique("spray"), "guess").status, 401) << i;
  }
  HttpResponse locked = SignIn("127.0.0.31", user.username, kPassword);
  EXPECT_EQ(locked.status, 429) << locked.body;
  EXPECT_EQ(ErrorReason(locked), "SIGN_IN_THROTTLED");
  EXPECT_EQ(SignIn("127.0.0.32", user.username, kPassword).status, 200);
}

TEST(SignIn, AFloodOfSignInsNeverStarvesTheServicesOtherCalls) {
  const NewUser user = CreateUser();
  const std::string token = TokenOf(SignIn("127.0.0.41", user.username, kPassword));
  std::atomic<bool> stop{false};
  std::atomic<int> busy{0};
  std::atomic<int> attempts{0};
  std::vector<std::thread> flood;
  for (int t = 0; t < 48; ++t) {
    flood.emplace_back([&, t] {
      // A different address and name each time: neither throttle holds this flood back, only the
      // bounded number of password hashes at once.
      for (int i = 0; !stop.load(); ++i) {
        const std::string address = absl::StrCat("127.1.", t, ".", 1 + i % 250);
        HttpResponse r = SignIn(address, Unique("flood"), "guess");
        attempts.fetch_add(1);
        if (r.status == 429 && ErrorReason(r) == "SIGN_IN_BUSY" && r.headers.count("retry-after") == 1) {
          busy.fetch_add(1);
        }
      }
    });
  }
  absl::Duration slowest;
  EXPECT_TRUE(Eventually([&] { return busy.load() > 0; })) << "the flood reaches the bound on password hashes";
  const absl::Time end = absl::Now() + absl::Seconds(4);
  while (absl::Now() < end) {
    const absl::Time start = absl::Now();
    HttpResponse r = From("127.0.0.42", "GET", "/v1/accounts/me", nullptr, token);
    EXPECT_EQ(r.status, 200) << r.body;
    slowest = std::max(slowest, absl::Now() - start);
    absl::SleepFor(absl::Milliseconds(100));  // the pace of the probing calls, not a wait for anything
  }
  stop = true;
  for (std::thread& t : flood) {
    t.join();
  }
  EXPECT_GT(busy.load(), 0) << attempts.load() << " attempts";
  // Without the bound, the identity service's workers all hash and this call queues behind them.
  EXPECT_LT(slowest, absl::Seconds(1)) << attempts.load() << " sign-in attempts during the flood";
}

TEST(Sessions, LogoutEndsThisSessionEverywhereAndOnlyThisOne) {
  const NewUser user = CreateUser();
  const std::string first = TokenOf(SignIn("127.0.0.51", user.username, kPassword));
  const std::string second = TokenOf(SignIn("127.0.0.51", user.username, kPassword));
  ASSERT_EQ(AtDeputies(first), grpc::StatusCode::OK);
  EXPECT_EQ(P().Call("POST", "/v1/auth:logout", json::object(), first).status, 200);
  EXPECT_TRUE(RefusedEverywhere(first));
  EXPECT_EQ(P().Call("GET", "/v1/accounts/me", nullptr, second).status, 200);
  // Every session at once.
  EXPECT_EQ(P().Call("POST", "/v1/auth:logout", {{"allSessions", true}}, second).status, 200);
  EXPECT_TRUE(RefusedEverywhere(second));
  EXPECT_EQ(SignIn("127.0.0.51", user.username, kPassword).status, 200);  // signing in again works
}

TEST(Sessions, ChangingThePasswordNeedsTheCurrentOneAndEndsOtherSessions) {
  const NewUser user = CreateUser();
  const std::string token = TokenOf(SignIn("127.0.0.61", user.username, kPassword));
  HttpResponse wrong = P().Call("POST", "/v1/accounts/me:changePassword",
                                {{"currentPassword", "not-the-password"}, {"newPassword", "Gk2-new-pass-R9vd"}}, token);
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_NE(wrong.body.find("current_password"), std::string::npos) << wrong.body;
  HttpResponse same = P().Call("POST", "/v1/accounts/me:changePassword",
                               {{"currentPassword", kPassword}, {"newPassword", kPassword}}, token);
  EXPECT_EQ(same.status, 400) << same.body;
  // Someone else's account is not the caller's to change.
  const NewUser other = CreateUser();
  EXPECT_EQ(P().Call("POST", absl::StrCat("/v1/", other.name, ":changePassword"),
                     {{"currentPassword", kPassword}, {"newPassword", "Gk2-new-pass-R9vd"}}, token)
                .status,
            403);
  HttpResponse changed = P().Call("POST", absl::StrCat("/v1/", user.name, ":changePassword"),
                                  {{"currentPassword", kPassword}, {"newPassword", "Gk2-new-pass-R9vd"}}, token);
  const std::string fresh = TokenOf(changed);
  EXPECT_TRUE(RefusedEverywhere(token));
  EXPECT_EQ(P().Call("GET", "/v1/accounts/me", nullptr, fresh).status, 200);
  EXPECT_EQ(SignIn("127.0.0.61", user.username, kPassword).status, 401);
  EXPECT_EQ(SignIn("127.0.0.61", user.username, "Gk2-new-pass-R9vd").status, 200);
}

TEST(Accounts, AnAdministratorDisablesAnAccountAndEndsItsSessions) {
  const NewUser user = CreateUser("ROLE_STAFF");
  const std::string token = TokenOf(SignIn("127.0.0.71", user.username, kPassword));
  // Only admins, with a reason, and never their own account.
  EXPECT_EQ(P().Call("POST", absl::StrCat("/v1/", user.name, ":disable"), {{"reason", "离职"}}, token).status, 403);
  EXPECT_EQ(P().Call("POST", absl::StrCat("/v1/", user.name, ":disable"), json::object(), P().Admin()).status, 400);
  const std::string admin = Json(P().Call("GET", "/v1/accounts/me", nullptr, P().Admin())).value("name", "");
  ASSERT_FALSE(admin.empty());
  EXPECT_EQ(P().Call("POST", absl::StrCat("/v1/", admin, ":disable"), {{"reason", "误操作"}}, P().Admin()).status, 400);
  HttpResponse disabled =
      P().Call("POST", absl::StrCat("/v1/", user.name, ":disable"), {{"reason", "离职"}}, P().Admin());
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_TRUE(Json(disabled).value("disabled", false));
  EXPECT_TRUE(RefusedEverywhere(token));
  HttpResponse refused = SignIn("127.0.0.71", user.username, kPassword);
  EXPECT_EQ(refused.status, 403) << refused.body;
  // A wrong password on a disabled account answers as for any wrong password.
  EXPECT_EQ(SignIn("127.0.0.71", user.username, "wrong").body, SignIn("127.0.0.72", Unique("nobody"), "wrong").body);
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", user.name, ":enable"), json::object(), P().Admin()).status, 200);
  EXPECT_EQ(SignIn("127.0.0.73", user.username, kPassword).status, 200);
}

TEST(Accounts, AResetPasswordMustBeChangedBeforeAnythingElse) {
  const NewUser user = CreateUser("ROLE_STAFF");
  const std::string before = TokenOf(SignIn("127.0.0.81", user.username, kPassword));
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", user.name, ":resetPassword"),
                     {{"temporaryPassword", "Tmp4-reset-Qx7w"}}, P().Admin())
                .status,
            200);
  EXPECT_TRUE(RefusedEverywhere(before));
  HttpResponse signed_in = SignIn("127.0.0.81", user.username, "Tmp4-reset-Qx7w");
  const std::string limited = TokenOf(signed_in);
  EXPECT_TRUE(Json(signed_in).value("passwordChangeRequired", false));
  // The gateway lets it through (it is a valid token); every service refuses it but for the change.
  HttpResponse stations = P().Call("GET", "/v1/stations", nullptr, limited);
  EXPECT_EQ(stations.status, 400) << stations.body;
  EXPECT_EQ(ErrorReason(stations), "PASSWORD_CHANGE_REQUIRED");
  EXPECT_EQ(AtDeputies(limited), grpc::StatusCode::FAILED_PRECONDITION);
  const std::string full =
      TokenOf(P().Call("POST", "/v1/accounts/me:changePassword",
                       {{"currentPassword", "Tmp4-reset-Qx7w"}, {"newPassword", "Own5-choice-Hb3k"}}, limited));
  EXPECT_EQ(P().Call("GET", "/v1/stations", nullptr, full).status, 200);
}

TEST(Accounts, OneDeputyHasOneActiveAccount) {
  const std::string station =
      Json(P().Call("POST", "/v1/stations", {{"displayName", Unique("一人一号站")}, {"kind", "STATION_KIND_VILLAGE"}},
                    P().Admin()))
          .value("name", "");
  const std::string deputy = P().NewDeputy(station, "一人一号代表");
  const NewUser first = CreateUser("ROLE_DEPUTY", deputy);
  json second = {{"username", Unique("s")}, {"displayName", "冒名账号"}, {"role", "ROLE_DEPUTY"}, {"deputy", deputy}};
  HttpResponse refused = P().Call("POST", "/v1/accounts", {{"account", second}, {"password", kPassword}}, P().Admin());
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(ErrorReason(refused), "DEPUTY_HAS_ACCOUNT");
  // The link is in the audit trail.
  pqxx::connection db(P().dsn());
  pqxx::work tx(db);
  EXPECT_EQ(tx.exec_params("SELECT count(*) FROM identity.audit_log WHERE action = 'CreateAccount' AND resource = $1 "
                           "AND detail->>'deputy' = $2",
                           first.name, deputy)[0][0]
                .as<int>(),
            1);
  tx.commit();
  // Replacing the account: disable the first, then the second may be made; the first cannot come back.
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", first.name, ":disable"), {{"reason", "换号"}}, P().Admin()).status,
            200);
  EXPECT_EQ(P().Call("POST", "/v1/accounts", {{"account", second}, {"password", kPassword}}, P().Admin()).status, 200);
  HttpResponse back = P().Call("POST", absl::StrCat("/v1/", first.name, ":enable"), json::object(), P().Admin());
  EXPECT_EQ(back.status, 409) << back.body;
}

TEST(Tokens, ThePublicKeySetVerifiesTheTokensAndNothingElseMints) {
  HttpResponse jwks = P().Call("GET", "/v1/auth/jwks");
  ASSERT_EQ(jwks.status, 200) << jwks.body;
  const json keys = Json(jwks)["keys"];
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0]["kty"], "EC");
  EXPECT_EQ(keys[0]["crv"], "P-256");
  EXPECT_EQ(keys[0]["alg"], "ES256");
  std::string x;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(keys[0]["x"].get<std::string>(), &x));
  EXPECT_EQ(x.size(), 32u);
  // The admin's token names that key.
  std::vector<std::string> parts = absl::StrSplit(P().Admin(), '.');
  std::string header;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[0], &header));
  EXPECT_EQ(json::parse(header)["kid"], keys[0]["kid"]);
  EXPECT_EQ(json::parse(header)["alg"], "ES256");
  // A service's own credential is no user token at the gateway.
  absl::StatusOr<std::string> credential = SignServiceCredential(TestKeys::Shared().ServiceKey("voting"), "voting",
                                                                 "deputies", absl::Now(), absl::Minutes(5));
  ASSERT_TRUE(credential.ok());
  EXPECT_EQ(P().Call("GET", "/v1/stations", nullptr, *credential).status, 401);
}

TEST(Sessions, ARevocationOutlivesRedisLosingIt) {
  const NewUser user = CreateUser();
  const std::string token = TokenOf(SignIn("127.0.0.91", user.username, kPassword));
  ASSERT_EQ(P().Call("POST", "/v1/auth:logout", json::object(), token).status, 200);
  ASSERT_TRUE(RefusedEverywhere(token));
  // Identity is held still, so nothing writes the hash back while the other processes read it empty.
  P().process("identity").Signal(SIGSTOP);
  RedisClient redis(P().redis_addr());
  ASSERT_TRUE(redis.Command({"DEL", "minyi.revocations"}).ok());
  // Every process keeps what it knew: the token stays refused at the gateway and at the services. They
  // read the hash every second: 2.5 s watches two reads and more of each.
  EXPECT_TRUE(HoldsFor(
      [&] {
        return P().Call("GET", "/v1/accounts/me", nullptr, token).status == 401 &&
               AtDeputies(token) == grpc::StatusCode::UNAUTHENTICATED;
      },
      absl::Milliseconds(2500)));
  // And identity writes Redis again from PostgreSQL within seconds of running again.
  P().process("identity").Signal(SIGCONT);
  EXPECT_TRUE(Eventually(
      [&] {
        absl::StatusOr<RedisReply> n = redis.Command({"HLEN", "minyi.revocations"});
        return n.ok() && n->integer > 0;
      },
      kPropagation));
}

}  // namespace
}  // namespace minyi::testing
