// End to end: the gateway's access log never records a password, a token, a ballot's content or its
// nonce. A gateway of its own, logging at debug (its most talkative), in front of the shared platform's
// services; sign-ins (good and bad), an account created with a password, a password change, check-ins and
// secret ballots all go through it, and then its whole log is read.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;

Platform& P() { return Platform::Shared(); }

class AccessLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    P().Admin();  // the bootstrap password is changed once, through the shared gateway
    std::vector<std::string> backends;
    for (const char* name : {"identity", "deputies", "suggestions", "voting", "evaluation", "notifications"}) {
      backends.push_back(absl::StrCat(name, "=127.0.0.1:", P().grpc_port(name)));
    }
    http_port_ = FreePort();
    std::map<std::string, std::string> env = TestKeys::Shared().GatewayEnv();
    env["MINYI_LOG_LEVEL"] = "debug";
    env["MINYI_REDIS_ADDR"] = P().redis_addr();
    env["MINYI_HTTP_ADDR"] = absl::StrCat("127.0.0.1:", http_port_);
    env["MINYI_BACKENDS"] = absl::StrJoin(backends, ",");
    gateway_ = std::make_unique<ChildProcess>(BuildPath("gateway/minyi-gateway"), std::vector<std::string>{}, env,
                                              absl::StrCat(TempDir("minyi-access-log"), "/gateway.log"));
    ASSERT_TRUE(Eventually(
        [&] {
          return WaitForPort(http_port_, absl::Milliseconds(200)) &&
                 HttpRequest(http_port_, "GET", "/readyz").status == 200;
        },
        absl::Seconds(60)))
        << gateway_->Log();
  }

  // HTTP through this test's gateway.
  HttpResponse Call(absl::string_view method, absl::string_view target, const json& body = nullptr,
                    absl::string_view token = "") {
    return JsonCall(http_port_, method, target, body, token);
  }

  std::string SignIn(const std::string& username, const std::string& password) {
    HttpResponse r = Call("POST", "/v1/auth/token", {{"username", username}, {"password", password}});
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r).value("accessToken", "");
  }

  int http_port_ = 0;
  std::unique_ptr<ChildProcess> gateway_;
};

TEST_F(AccessLogTest, NoPasswordTokenBallotContentOrNonceIsLogged) {
  std::vector<std::string> secrets;  // everything the log must not hold

  // The admin signs in, and once with a wrong password.
  const std::string admin = SignIn("admin", std::string(Platform::kAdminPassword));
  secrets.push_back(std::string(Platform::kAdminPassword));
  const std::string wrong = "Wx5-not-the-admin-password-Jq2";
  EXPECT_EQ(Call("POST", "/v1/auth/token", {{"username", "admin"}, {"password", wrong}}).status, 401);
  secrets.push_back(wrong);

  // Two deputies, each with an account created with a password, which they change after signing in.
  const std::string station = P().NewStation("城关镇");
  std::vector<std::string> deputies;
  std::vector<std::string> tokens;
  for (int i = 0; i < 2; ++i) {
    deputies.push_back(P().NewDeputy(station, i == 0 ? "赵日志" : "钱日志"));
    const std::string username = Unique("log-deputy");
    const std::string created = absl::StrCat("Cr7-created-password-", i, "-Vb9q");
    const std::string changed = absl::StrCat("Ch4-changed-password-", i, "-Tz6w");
    HttpResponse r =
        Call("POST", "/v1/accounts",
             {{"account",
               {{"username", username}, {"displayName", "代表"}, {"role", "ROLE_DEPUTY"}, {"deputy", deputies.back()}}},
              {"password", created}},
             admin);
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string first = SignIn(username, created);
    r = Call("POST", "/v1/accounts/me:changePassword", {{"currentPassword", created}, {"newPassword", changed}}, first);
    ASSERT_EQ(r.status, 200) << r.body;
    tokens.push_back(SignIn(username, changed));
    secrets.insert(secrets.end(), {created, changed, first, Json(r).value("accessToken", ""), tokens.back()});
  }
  secrets.push_back(admin);

  // A secret vote: each deputy checks in and casts through this gateway.
  const std::vector<std::string> candidates = {P().NewCandidate("日志村道硬化"), P().NewCandidate("日志路灯亮化")};
  const std::string vote = P().OpenVote("日志保密票决", candidates, deputies);
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(Call("POST", absl::StrCat("/v1/", vote, ":checkIn"), json::object(), tokens[i]).status, 200);
    const std::string nonce = Unique(absl::StrCat("access-log-nonce-0123456789-", i, "-"));
    HttpResponse r = Call("POST", absl::StrCat("/v1/", vote, "/ballots"),
                          {{"content", {{"approvals", {candidates[i]}}}}, {"nonce", nonce}}, tokens[i]);
    ASSERT_EQ(r.status, 200) << r.body;
    secrets.push_back(nonce);
  }
  // A ballot's content: the choice's field and the candidates chosen (no route or line names them), as a
  // JSON value or inside a JSON string.
  for (const std::string& candidate : candidates) {
    secrets.insert(secrets.end(), {candidate + "\"", candidate + "\\\""});
  }
  secrets.push_back("approvals");

  const std::string log = gateway_->Log();
  int sign_ins = 0;
  int refused_sign_ins = 0;
  int ballots = 0;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    const json j = json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << "not a JSON line: " << line;
    if (j.value("msg", "") != "http request") {
      continue;
    }
    const std::string route = j.value("route", "");
    const int status = j.value("status", 0);
    sign_ins += route == "/v1/auth/token" && status == 200;
    refused_sign_ins += route == "/v1/auth/token" && status == 401;
    ballots += route == "/v1/{parent=votes/*}/ballots" && status == 200;
  }
  // The calls went through and were logged, one line each.
  EXPECT_EQ(sign_ins, 5) << log;
  EXPECT_EQ(refused_sign_ins, 1) << log;
  EXPECT_EQ(ballots, 2) << log;
  for (const std::string& secret : secrets) {
    ASSERT_FALSE(secret.empty());
    EXPECT_FALSE(absl::StrContains(log, secret)) << "the gateway's log holds " << secret;
  }
}

}  // namespace
}  // namespace minyi::testing
