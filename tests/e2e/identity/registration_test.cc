// Citizens registering themselves through the gateway with a code sent to their mobile number, as the
// public would and as someone abusing the open routes would: codes read from the SMS sink, wrong, reused
// and expired codes, malformed numbers, floods of codes, and what a copy of the database holds.
// docs/security.md and docs/privacy.md say what each defends.
#include <fstream>
#include <regex>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "minyi/identity/v1/identity.grpc.pb.h"
#include "pqxx/pqxx"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;

Platform& P() { return Platform::Shared(); }

constexpr char kPassword[] = "Rg7-register-Kp2mx9";

// A mobile number no other test of this process (or a concurrent one) uses.
std::string NewNumber() {
  static int counter = 0;
  return absl::StrFormat("139%04d%04d", getpid() % 10000, ++counter);
}

// Each test calls from loopback addresses of its own, so the per-address throttles of tests never meet.
HttpResponse From(const std::string& address, absl::string_view method, absl::string_view target,
                  const json& body = nullptr, absl::string_view token = "") {
  return JsonCall(P().http_port(), method, target, body, token, {}, address);
}

HttpResponse AskCode(const std::string& address, const std::string& phone, absl::string_view purpose) {
  return From(address, "POST", "/v1/auth/phoneCodes", {{"phone", phone}, {"purpose", purpose}});
}

// The codes the SMS sink holds for `phone`, oldest first.
std::vector<std::string> CodesSentTo(const std::string& phone) {
  std::vector<std::string> codes;
  std::ifstream in(P().sms_sink());
  const std::regex six_digits("[0-9]{6}");
  for (std::string line; std::getline(in, line);) {
    const json message = json::parse(line, nullptr, false);
    if (message.is_object() && message.value("phone", "") == phone) {
      const std::string text = message["text"].value("content", "");
      std::smatch m;
      EXPECT_TRUE(std::regex_search(text, m, six_digits)) << text;
      codes.push_back(m.str());
    }
  }
  return codes;
}

std::string LastCodeSentTo(const std::string& phone) {
  const std::vector<std::string> codes = CodesSentTo(phone);
  EXPECT_FALSE(codes.empty()) << "no SMS to " << phone;
  return codes.empty() ? "" : codes.back();
}

HttpResponse Register(const std::string& address, const std::string& phone, const std::string& code) {
  return From(address, "POST", "/v1/auth:register",
              {{"phone", phone}, {"code", code}, {"displayName", "王小民"}, {"password", kPassword}});
}

// A code that is not `code`.
std::string Other(const std::string& code) { return code == "000000" ? "000001" : "000000"; }

TEST(RegistrationTest, ACitizenRegistersAndSignsInByPasswordAndByCode) {
  const std::string from = "127.0.0.61";
  const std::string phone = NewNumber();
  HttpResponse asked = AskCode(from, phone, "CODE_PURPOSE_REGISTER");
  ASSERT_EQ(asked.status, 200) << asked.body;
  EXPECT_EQ(Json(asked).value("expiresIn", ""), "300");  // int64 prints as a JSON string

  HttpResponse registered = Register(from, "+86 " + phone.substr(0, 3) + " " + phone.substr(3), LastCodeSentTo(phone));
  ASSERT_EQ(registered.status, 200) << registered.body;
  const json account = Json(registered)["account"];
  EXPECT_EQ(account.value("role", ""), "ROLE_CITIZEN");
  EXPECT_EQ(account.value("phone", ""), phone);  // verified, canonical, whole to its owner
  EXPECT_EQ(account.value("displayName", ""), "王小民");
  EXPECT_EQ(account["username"].get<std::string>().find(phone), std::string::npos);
  const std::string token = Json(registered).value("accessToken", "");
  HttpResponse me = From(from, "GET", "/v1/accounts/me", nullptr, token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(Json(me).value("phone", ""), phone);

  HttpResponse by_password = From(from, "POST", "/v1/auth/token", {{"phone", phone}, {"password", kPassword}});
  ASSERT_EQ(by_password.status, 200) << by_password.body;
  EXPECT_EQ(Json(by_password)["account"].value("name", ""), account.value("name", ""));

  ASSERT_EQ(AskCode(from, phone, "CODE_PURPOSE_SIGN_IN").status, 200);
  const std::string sign_in_code = LastCodeSentTo(phone);
  HttpResponse by_code = From(from, "POST", "/v1/auth/token", {{"phone", phone}, {"code", sign_in_code}});
  ASSERT_EQ(by_code.status, 200) << by_code.body;
  EXPECT_EQ(Json(by_code)["account"].value("name", ""), account.value("name", ""));
  EXPECT_EQ(From(from, "GET", "/v1/accounts/me", nullptr, Json(by_code).value("accessToken", "")).status, 200);

  // Single use: the same code again is refused, naming the field.
  HttpResponse again = From(from, "POST", "/v1/auth/token", {{"phone", phone}, {"code", sign_in_code}});
  EXPECT_EQ(again.status, 400) << again.body;
  EXPECT_EQ(BadField(again), "code");
  // A wrong password for the number is the ordinary 401.
  EXPECT_EQ(From(from, "POST", "/v1/auth/token", {{"phone", phone}, {"password", "not-the-password"}}).status, 401);
}

TEST(RegistrationTest, WrongAndReusedCodesAreRefusedNamingTheField) {
  const std::string from = "127.0.0.62";
  const std::string phone = NewNumber();
  ASSERT_EQ(AskCode(from, phone, "CODE_PURPOSE_REGISTER").status, 200);
  const std::string code = LastCodeSentTo(phone);

  HttpResponse wrong = Register(from, phone, Other(code));
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_EQ(BadField(wrong), "code");
  ASSERT_EQ(Register(from, phone, code).status, 200);
  HttpResponse reused = Register(from, phone, code);
  EXPECT_EQ(reused.status, 400) << reused.body;
  EXPECT_EQ(BadField(reused), "code");
  EXPECT_NE(reused.body.find("used"), std::string::npos) << reused.body;

  // A number has one account: with a fresh, right code, a second registration is a conflict.
  ASSERT_EQ(AskCode(from, phone, "CODE_PURPOSE_REGISTER").status, 200);
  HttpResponse second = Register(from, phone, LastCodeSentTo(phone));
  EXPECT_EQ(second.status, 409) << second.body;
}

TEST(RegistrationTest, ACodeDiesAfterFiveWrongTries) {
  const std::string from = "127.0.0.63";
  const std::string phone = NewNumber();
  ASSERT_EQ(AskCode(from, phone, "CODE_PURPOSE_REGISTER").status, 200);
  const std::string code = LastCodeSentTo(phone);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(Register(from, phone, Other(code)).status, 400);
  }
  // The fifth failure also locks the number's sign-in throttle for a second; the code is dead after it.
  HttpResponse right_too_late = Register(from, phone, code);
  if (right_too_late.status == 429) {
    int64_t wait = 0;
    ASSERT_TRUE(absl::SimpleAtoi(right_too_late.headers["retry-after"], &wait));
    absl::SleepFor(absl::Seconds(wait) + absl::Milliseconds(200));
    right_too_late = Register(from, phone, code);
  }
  EXPECT_EQ(right_too_late.status, 400) << right_too_late.body;
  EXPECT_EQ(BadField(right_too_late), "code");
}

TEST(RegistrationTest, MalformedInputIsRefusedNamingTheField) {
  const std::string from = "127.0.0.64";
  for (const char* bad : {"12345", "2391234567a", "", "139123456789"}) {
    HttpResponse r = AskCode(from, bad, "CODE_PURPOSE_REGISTER");
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_EQ(BadField(r), "phone") << r.body;
  }
  HttpResponse no_purpose = From(from, "POST", "/v1/auth/phoneCodes", {{"phone", NewNumber()}});
  EXPECT_EQ(no_purpose.status, 400);
  EXPECT_EQ(BadField(no_purpose), "purpose");
  HttpResponse reg = Register(from, "1381234", "123456");
  EXPECT_EQ(reg.status, 400);
  EXPECT_EQ(BadField(reg), "phone");
  HttpResponse weak = From(from, "POST", "/v1/auth:register",
                           {{"phone", NewNumber()}, {"code", "123456"}, {"displayName", "王"}, {"password", "short"}});
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(BadField(weak), "password");
  HttpResponse token = From(from, "POST", "/v1/auth/token", {{"phone", "1381234"}, {"code", "123456"}});
  EXPECT_EQ(token.status, 400);
  EXPECT_EQ(BadField(token), "phone");
}

TEST(RegistrationTest, AFloodOfCodesIsThrottledWithRetryAfter) {
  // Per number: three in ten minutes.
  const std::string phone = NewNumber();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(AskCode("127.0.0.65", phone, "CODE_PURPOSE_REGISTER").status, 200) << i;
  }
  HttpResponse fourth = AskCode("127.0.0.66", phone, "CODE_PURPOSE_REGISTER");  // another address alike
  ASSERT_EQ(fourth.status, 429) << fourth.body;
  int64_t wait = 0;
  ASSERT_TRUE(absl::SimpleAtoi(fourth.headers["retry-after"], &wait)) << fourth.body;
  EXPECT_GT(wait, 0);
  EXPECT_LE(wait, 600);
  EXPECT_EQ(CodesSentTo(phone).size(), 3u);  // no fourth text reached the phone

  // Per address: thirty in ten minutes, whatever the numbers.
  const std::string sprayer = "127.0.0.67";
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(AskCode(sprayer, NewNumber(), "CODE_PURPOSE_REGISTER").status, 200) << i;
  }
  HttpResponse sprayed = AskCode(sprayer, NewNumber(), "CODE_PURPOSE_REGISTER");
  EXPECT_EQ(sprayed.status, 429) << sprayed.body;
  EXPECT_EQ(sprayed.headers.count("retry-after"), 1u);
}

TEST(RegistrationTest, ASignInCodeGoesOnlyToARegisteredNumberButTheAnswerIsAlike) {
  const std::string phone = NewNumber();
  HttpResponse r = AskCode("127.0.0.68", phone, "CODE_PURPOSE_SIGN_IN");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(CodesSentTo(phone).empty());
  HttpResponse guess = From("127.0.0.68", "POST", "/v1/auth/token", {{"phone", phone}, {"code", "123456"}});
  EXPECT_EQ(guess.status, 400);
  EXPECT_EQ(BadField(guess), "code");
}

TEST(RegistrationTest, ACopyOfTheDatabaseHoldsNeitherCodesNorTheNumbersTheyWentTo) {
  const std::string phone = NewNumber();
  ASSERT_EQ(AskCode("127.0.0.69", phone, "CODE_PURPOSE_REGISTER").status, 200);
  const std::string code = LastCodeSentTo(phone);
  pqxx::connection db(P().dsn());
  pqxx::work tx(db);
  const pqxx::result rows = tx.exec("SELECT phone_key, code_hash FROM identity.phone_codes");
  ASSERT_FALSE(rows.empty());
  for (const pqxx::row& row : rows) {
    EXPECT_EQ(row[0].as<std::string>().find(phone), std::string::npos);
    EXPECT_NE(row[1].as<std::string>(), code);
    EXPECT_EQ(row[1].as<std::string>().find(code), std::string::npos);
  }
  tx.commit();
}

std::string Reason(const HttpResponse& r) {
  for (const json& d : Json(r).value("details", json::array())) {
    if (d.value("@type", "") == "type.googleapis.com/google.rpc.ErrorInfo") {
      return d.value("reason", "");
    }
  }
  return "";
}

TEST(RegistrationTest, ClosingAnAccountErasesTheNumberAndEndsEverySession) {
  const std::string from = "127.0.0.70";
  const std::string phone = NewNumber();
  ASSERT_EQ(AskCode(from, phone, "CODE_PURPOSE_REGISTER").status, 200);
  HttpResponse registered = Register(from, phone, LastCodeSentTo(phone));
  ASSERT_EQ(registered.status, 200) << registered.body;
  const std::string name = Json(registered)["account"].value("name", "");
  const std::string token = Json(registered).value("accessToken", "");

  HttpResponse wrong = From(from, "POST", "/v1/accounts/me:close", {{"password", "not-the-password"}}, token);
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_EQ(BadField(wrong), "password");
  HttpResponse closed = From(from, "POST", "/v1/accounts/me:close", {{"password", kPassword}}, token);
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_TRUE(Json(closed).value("closed", false));
  EXPECT_EQ(Json(closed).value("phone", ""), "");
  EXPECT_EQ(Json(closed).value("displayName", ""), "");

  // Every session ends; neither the password nor a code signs in again.
  EXPECT_TRUE(
      Eventually([&] { return From(from, "GET", "/v1/accounts/me", nullptr, token).status == 401; }, absl::Seconds(5)));
  EXPECT_EQ(From(from, "POST", "/v1/auth/token", {{"phone", phone}, {"password", kPassword}}).status, 401);
  // What stays is the account's id, role and dates: an administrator sees no number, no name.
  HttpResponse seen = P().Call("GET", absl::StrCat("/v1/", name), nullptr, P().Admin());
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(Json(seen).value("phone", ""), "");
  EXPECT_EQ(Json(seen).value("displayName", ""), "");
  EXPECT_EQ(Json(seen).value("role", ""), "ROLE_CITIZEN");
  HttpResponse enable = P().Call("POST", absl::StrCat("/v1/", name, ":enable"), json::object(), P().Admin());
  EXPECT_EQ(enable.status, 400) << enable.body;
  EXPECT_EQ(Reason(enable), "ACCOUNT_CLOSED");
  {
    pqxx::connection db(P().dsn());
    pqxx::work tx(db);
    EXPECT_EQ(tx.exec_params("SELECT count(*) FROM identity.accounts WHERE phone = $1 OR display_name = '王小民' "
                             "AND id = $2::bigint",
                             phone, name.substr(name.find('/') + 1))[0][0]
                  .as<int>(),
              0);
    tx.commit();
  }
  // The number is free to register anew, as a new account.
  ASSERT_EQ(AskCode(from, phone, "CODE_PURPOSE_REGISTER").status, 200);
  HttpResponse again = Register(from, phone, LastCodeSentTo(phone));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_NE(Json(again)["account"].value("name", ""), name);
}

TEST(RegistrationTest, ClosingAnAccountBlanksTheCallBackNumberOnItsOpinionsAndItsStoredRetries) {
  const std::string from = "127.0.0.73";
  const std::string phone = NewNumber();
  ASSERT_EQ(AskCode(from, phone, "CODE_PURPOSE_REGISTER").status, 200);
  HttpResponse registered = Register(from, phone, LastCodeSentTo(phone));
  ASSERT_EQ(registered.status, 200) << registered.body;
  const std::string token = Json(registered).value("accessToken", "");
  const std::string account = Json(registered)["account"].value("name", "");
  const std::string station = P().NewStation("示范县");
  const json opinion_body = {{"submit", true},
                             {"suggestion",
                              {{"kind", "SUGGESTION_KIND_CITIZEN_OPINION"},
                               {"title", "小区门口路灯坏了"},
                               {"body", "幸福小区南门的路灯坏了一个月，晚上回家看不清路，请尽快修好。"},
                               {"station", station},
                               {"contactPhone", phone}}}};
  HttpResponse submitted =
      P().Call("POST", "/v1/suggestions", opinion_body, token, {{"Idempotency-Key", Unique("close-opinion")}});
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  const std::string opinion = Json(submitted).value("name", "");
  HttpResponse before = P().Call("GET", absl::StrCat("/v1/", opinion), nullptr, P().Admin());
  ASSERT_EQ(Json(before).value("contactPhone", ""), phone) << "office staff see the call-back number";

  ASSERT_EQ(From(from, "POST", "/v1/accounts/me:close", {{"password", kPassword}}, token).status, 200);
  // The suggestions service learns of the closing from its event and blanks the number; the opinion stays.
  EXPECT_TRUE(Eventually(
      [&] {
        HttpResponse r = P().Call("GET", absl::StrCat("/v1/", opinion), nullptr, P().Admin());
        return r.status == 200 && Json(r).value("contactPhone", "?").empty();
      },
      absl::Seconds(10)));
  HttpResponse after = P().Call("GET", absl::StrCat("/v1/", opinion), nullptr, P().Admin());
  EXPECT_EQ(Json(after).value("title", ""), "小区门口路灯坏了");
  EXPECT_EQ(Json(after).value("citizenAccount", ""), account);
  // Nor does a copy of the database keep the number in an answer stored for a retry, in either service.
  const std::string id = account.substr(account.find('/') + 1);
  EXPECT_TRUE(Eventually(
      [&] {
        pqxx::connection db(P().dsn());
        pqxx::work tx(db);
        const int left =
            tx.exec_params(
                  "SELECT (SELECT count(*) FROM suggestions.idempotency_keys WHERE scope LIKE $1 || ' %') + "
                  "(SELECT count(*) FROM identity.idempotency_keys WHERE scope LIKE $1 || ' %') + "
                  "(SELECT count(*) FROM suggestions.suggestions WHERE contact_phone = $2)",
                  id, phone)[0][0]
                .as<int>();
        tx.commit();
        return left == 0;
      },
      absl::Seconds(10)));
}

TEST(RegistrationTest, EveryoneEditsTheirOwnDisplayNameOnly) {
  const std::string token = P().NewAccount("ROLE_CITIZEN");
  HttpResponse edited =
      From("127.0.0.72", "POST", "/v1/accounts/me:updateProfile", {{"displayName", "李 晓明·Ayşe"}}, token);
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(Json(edited).value("displayName", ""), "李 晓明·Ayşe");
  EXPECT_EQ(Json(From("127.0.0.72", "GET", "/v1/accounts/me", nullptr, token)).value("displayName", ""),
            "李 晓明·Ayşe");
  for (const json& bad : {json(""), json(std::string(33, 'x'))}) {
    HttpResponse r = From("127.0.0.72", "POST", "/v1/accounts/me:updateProfile", {{"displayName", bad}}, token);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(BadField(r), "display_name");
  }
  HttpResponse other = From("127.0.0.72", "POST", "/v1/accounts/1:updateProfile", {{"displayName", "冒名"}}, token);
  EXPECT_EQ(other.status, 403) << other.body;
}

TEST(RegistrationTest, OnlyACitizenClosesTheirOwnAccount) {
  const std::string staff = P().NewAccount("ROLE_STAFF");
  HttpResponse r = From("127.0.0.71", "POST", "/v1/accounts/me:close", {{"password", kPassword}}, staff);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Reason(r), "ONLY_CITIZENS_CLOSE");
  const std::string citizen = P().NewAccount("ROLE_CITIZEN");
  HttpResponse other = From("127.0.0.71", "POST", "/v1/accounts/1:close", {{"password", kPassword}}, citizen);
  EXPECT_EQ(other.status, 403) << other.body;
}

// A code past its lifetime is refused: an identity process of its own, with one-second codes, on the same
// database and Redis, called directly.
TEST(RegistrationTest, AnExpiredCodeIsRefusedNamingTheField) {
  int port = 0;
  std::unique_ptr<ChildProcess> identity =
      StartService("identity", P().dsn(), &port,
                   {{"MINYI_REDIS_ADDR", P().redis_addr()},
                    {"MINYI_NOTIFY_SMS_URL", absl::StrCat("file://", P().sms_sink())},
                    {"MINYI_PHONE_CODE_TTL_SECONDS", "1"}});
  auto stub = minyi::identity::v1::Identity::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  const std::string phone = NewNumber();
  minyi::identity::v1::SendPhoneCodeRequest send;
  send.set_phone(phone);
  send.set_purpose(minyi::identity::v1::CODE_PURPOSE_REGISTER);
  minyi::identity::v1::SendPhoneCodeResponse sent;
  ASSERT_TRUE(stub->SendPhoneCode(CallContext("").get(), send, &sent).ok());
  EXPECT_EQ(sent.expires_in(), 1);
  absl::SleepFor(absl::Milliseconds(1500));
  minyi::identity::v1::RegisterRequest reg;
  reg.set_phone(phone);
  reg.set_code(LastCodeSentTo(phone));
  reg.set_display_name("过期");
  reg.set_password(kPassword);
  minyi::identity::v1::Token token;
  const grpc::Status st = stub->Register(CallContext("").get(), reg, &token);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
  EXPECT_NE(st.error_message().find("expired"), std::string::npos) << st.error_message();
}

}  // namespace
}  // namespace minyi::testing
