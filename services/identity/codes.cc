#include "identity/codes.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "identity/store.h"

namespace minyi::identity {
namespace {

std::string SmsText(v1::CodePurpose purpose, absl::string_view code, absl::Duration ttl) {
  const absl::string_view what = purpose == v1::CODE_PURPOSE_REGISTER ? "注册" : "登录";
  return absl::StrCat("您的", what, "验证码是", code, "，", absl::ToInt64Minutes(ttl),
                      "分钟内有效，仅可使用一次。请勿告诉他人，工作人员不会向您索要验证码。");
}

}  // namespace

PhoneCodes::PhoneCodes(PgPool& pool, absl::string_view secret, std::string redis_addr,
                       std::unique_ptr<minyi::notifications::Provider> sms, absl::Duration ttl)
    : pool_(pool), hasher_(secret), redis_(std::move(redis_addr), absl::Seconds(1)), sms_(std::move(sms)), ttl_(ttl) {}

absl::StatusOr<absl::Duration> PhoneCodes::CountSend(const std::string& phone_key, const std::string& address) {
  const std::pair<std::string, SendWindow> windows[] = {
      {absl::StrCat("minyi.code.n.", phone_key), kSendsPerNumber},
      {absl::StrCat("minyi.code.nd.", phone_key), kSendsPerNumberDaily},
      {absl::StrCat("minyi.code.a.", address), kSendsPerAddress}};
  std::vector<std::vector<std::string>> commands;
  for (const auto& [key, window] : windows) {
    // NX: the window starts at its first send and is not pushed back by later ones.
    commands.push_back({"INCR", key});
    commands.push_back({"PEXPIRE", key, absl::StrCat(absl::ToInt64Milliseconds(window.period)), "NX"});
    commands.push_back({"PTTL", key});
  }
  absl::StatusOr<std::vector<RedisReply>> replies = redis_.Pipeline(commands);
  if (!replies.ok()) {
    return absl::UnavailableError("codes cannot be sent now; try again shortly");
  }
  absl::Duration wait = absl::ZeroDuration();
  for (std::size_t i = 0; i < std::size(windows); ++i) {
    const RedisReply& count = (*replies)[3 * i];
    const RedisReply& pttl = (*replies)[3 * i + 2];
    if (count.type != RedisReply::Type::kInteger) {
      return absl::UnavailableError("codes cannot be sent now; try again shortly");
    }
    wait = std::max(wait, SendWait(windows[i].second, count.integer, absl::Milliseconds(pttl.integer)));
  }
  return wait;
}

absl::Status PhoneCodes::Send(const Call& call, const v1::SendPhoneCodeRequest& request,
                              v1::SendPhoneCodeResponse* response) {
  ASSIGN_OR_RETURN(const std::string phone, CanonicalMobile("phone", request.phone()));
  if (request.purpose() != v1::CODE_PURPOSE_REGISTER && request.purpose() != v1::CODE_PURPOSE_SIGN_IN) {
    return InvalidField("purpose", "must be CODE_PURPOSE_REGISTER or CODE_PURPOSE_SIGN_IN");
  }
  const std::string phone_key = hasher_.PhoneKey(phone);
  ASSIGN_OR_RETURN(const absl::Duration wait, CountSend(phone_key, call.client_address));
  if (wait > absl::ZeroDuration()) {
    const absl::Duration rounded = absl::Ceil(wait, absl::Seconds(1));
    return ResourceExhausted(
        "CODE_THROTTLED",
        absl::StrCat("too many codes for this number or address; try again in ", absl::ToInt64Seconds(rounded), " s"),
        rounded);
  }
  response->set_expires_in(absl::ToInt64Seconds(ttl_));
  const std::string purpose = v1::CodePurpose_Name(request.purpose());
  const std::string code = NewCode();
  bool send = true;
  RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& tx) {
    if (request.purpose() == v1::CODE_PURPOSE_SIGN_IN && !FindAccountByPhone(tx, phone).has_value()) {
      send = false;  // nothing to sign in to; answered alike so the call is no directory of numbers
      return absl::OkStatus();
    }
    UpsertPhoneCode(tx, phone_key, purpose, hasher_.CodeHash(phone, purpose, code), absl::Now() + ttl_);
    return absl::OkStatus();
  }));
  if (!send) {
    return absl::OkStatus();
  }
  minyi::notifications::OutboundMessage message;
  // Stable for this code, so a receiver can drop a duplicate; names neither the number nor the code.
  message.delivery = absl::StrCat("phoneCodes/", hasher_.CodeHash(phone, purpose, code).substr(0, 16));
  message.phone = phone;
  message.channel = minyi::notifications::v1::CHANNEL_SMS;
  message.event_type = "PhoneCode";
  message.title = "【民意】";
  message.body = SmsText(request.purpose(), code, ttl_);
  if (absl::Status st = sms_->Send(message); !st.ok()) {
    return absl::UnavailableError("the SMS provider did not take the message; try again shortly");
  }
  return absl::OkStatus();
}

absl::Status PhoneCodes::Spend(absl::string_view field, const std::string& phone, v1::CodePurpose purpose,
                               const std::string& code) {
  const std::string phone_key = hasher_.PhoneKey(phone);
  const std::string purpose_name = v1::CodePurpose_Name(purpose);
  CodeVerdict verdict = CodeVerdict::kNone;
  RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& tx) {
    std::optional<StoredCode> stored = LockPhoneCode(tx, phone_key, purpose_name);
    const bool matches = stored.has_value() && hasher_.Matches(stored->code_hash, phone, purpose_name, code);
    verdict = JudgeCode(stored, matches, absl::Now());
    if (verdict == CodeVerdict::kAccepted || verdict == CodeVerdict::kWrong) {
      SpendPhoneCode(tx, phone_key, purpose_name, verdict == CodeVerdict::kAccepted);
    }
    return absl::OkStatus();
  }));
  return CodeRefusal(field, verdict);
}

absl::Status PhoneCodes::Purge() {
  return pool_.Transact([&](pqxx::work& tx) {
    PurgePhoneCodes(tx);
    return absl::OkStatus();
  });
}

}  // namespace minyi::identity
