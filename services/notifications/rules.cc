#include "notifications/rules.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace minyi::notifications {
namespace {

using S = Selector;
using minyi::notifications::v1::CATEGORY_ANSWER;
using minyi::notifications::v1::CATEGORY_ASSIGNMENT;
using minyi::notifications::v1::CATEGORY_DEADLINE;
using minyi::notifications::v1::CATEGORY_EVALUATION;
using minyi::notifications::v1::CATEGORY_PROGRESS;
using minyi::notifications::v1::CATEGORY_RANKING;
using minyi::notifications::v1::CATEGORY_VOTE;

// The citizen who submitted an opinion hears of every public step of it.
Audience CitizenStep(std::string_view zh_title, std::string_view zh_body, std::string_view en_title,
                     std::string_view en_body) {
  return {{S::kCitizen}, {zh_title, zh_body}, {en_title, en_body}};
}

// A citizen whose opinion was linked or merged into the item (`accounts`) hears of its answers and closing.
Audience LinkedCitizens(std::string_view zh_title, std::string_view zh_body, std::string_view en_title,
                        std::string_view en_body) {
  return {{S::kAccounts}, {zh_title, zh_body}, {en_title, en_body}};
}

std::vector<Rule> BuildRules() {
  return {
      {"minyi.suggestions.v1.SuggestionSubmitted",
       CATEGORY_PROGRESS,
       false,
       {CitizenStep("意见已提交：{title}", "您提交的意见「{title}」已收到（{reference}），我们将及时处理。",
                    "Opinion received: {title}", "Your opinion \"{title}\" ({reference}) was received.")}},
      {"minyi.suggestions.v1.SuggestionAccepted",
       CATEGORY_PROGRESS,
       false,
       {{{S::kDeputies, S::kCitizen},
         {"已受理：{title}", "「{title}」（{reference}）已受理，将交承办单位办理。"},
         {"Accepted: {title}", "\"{title}\" ({reference}) was accepted and will be assigned."}}}},
      {"minyi.suggestions.v1.SuggestionRejected",
       CATEGORY_PROGRESS,
       false,
       {{{S::kDeputies, S::kCitizen},
         {"未予受理：{title}", "「{title}」（{reference}）未予受理。理由：{reason}"},
         {"Not accepted: {title}", "\"{title}\" ({reference}) was not accepted. Reason: {reason}"}}}},
      {"minyi.suggestions.v1.SuggestionMerged",
       CATEGORY_PROGRESS,
       false,
       {{{S::kDeputies, S::kCitizen},
         {"已合并办理：{title}", "「{title}」（{reference}）已并入 {merged_into} 一并办理。"},
         {"Merged: {title}", "\"{title}\" ({reference}) is handled together with {merged_into}."}}}},
      {"minyi.suggestions.v1.SuggestionAssigned",
       CATEGORY_ASSIGNMENT,
       false,
       {{{S::kDepartment, S::kCoDepartments},
         {"新交办建议：{title}", "「{title}」（{reference}）已交贵单位办理，请于 {deadline} 前答复代表。"},
         {"New assignment: {title}", "\"{title}\" ({reference}) was assigned to you; answer by {deadline}."}},
        {{S::kLeadersIfKeySupervision},
         {"重点督办建议已交办：{title}",
          "重点督办建议「{title}」（{reference}）已交 {department} 办理，期限 {deadline}。"},
         {"Key-supervision item assigned: {title}",
          "\"{title}\" ({reference}) was assigned to {department}, due {deadline}."}},
        CitizenStep("您的意见已交办：{title}", "「{title}」已交承办单位办理，办理期限 {deadline}。",
                    "Your opinion was assigned: {title}", "\"{title}\" is being handled; due {deadline}.")}},
      {"minyi.suggestions.v1.SuggestionAnswered",
       CATEGORY_ANSWER,
       false,
       {{{S::kDeputies},
         {"建议已答复，请评价：{title}",
          "{department} 已答复「{title}」（{reference}），答复类别 {category}。请对办理态度和结果作出评价。"},
         {"Answered, please rate: {title}",
          "{department} answered \"{title}\" ({reference}), category {category}. Please rate the answer."}},
        CitizenStep("您的意见已答复：{title}", "「{title}」（{reference}）已由承办单位答复，请登录查看。",
                    "Your opinion was answered: {title}", "\"{title}\" ({reference}) has an answer."),
        LinkedCitizens(
            "您反映的意见已获答复：{title}",
            "您反映的意见已并入「{title}」（{reference}）一并办理，承办单位已作出答复，请登录查看您的意见。",
            "Your opinion was answered: {title}",
            "Your opinion is handled as part of \"{title}\" ({reference}), which has an answer; see your opinion.")}},
      {"minyi.suggestions.v1.SuggestionClosed",
       CATEGORY_ANSWER,
       false,
       {CitizenStep("您的意见已办结：{title}", "「{title}」（{reference}）已办结，感谢您的参与。",
                    "Your opinion is closed: {title}", "\"{title}\" ({reference}) is closed."),
        LinkedCitizens("您反映的意见已办结：{title}",
                       "您反映的意见已并入「{title}」（{reference}）一并办理，现已办结，感谢您的参与。",
                       "Your opinion is closed: {title}",
                       "Your opinion is handled as part of \"{title}\" ({reference}), which is now closed.")}},
      {"minyi.suggestions.v1.SuggestionRated",
       CATEGORY_ANSWER,
       false,
       {{{S::kDepartment},
         {"代表已评价：{title}", "代表已对「{title}」（{reference}）的办理作出评价。"},
         {"Rated: {title}", "The deputy rated how \"{title}\" ({reference}) was handled."}}}},
      {"minyi.suggestions.v1.SuggestionReopened",
       CATEGORY_ASSIGNMENT,
       false,
       {{{S::kDepartment},
         {"建议重新办理：{title}", "代表对「{title}」（{reference}）的办理不满意，请于 {deadline} 前重新办理。"},
         {"Reopened: {title}",
          "The deputy was not satisfied with \"{title}\" ({reference}); handle it again by {deadline}."}},
        CitizenStep("您的意见重新办理：{title}", "「{title}」（{reference}）将重新办理，期限 {deadline}。",
                    "Your opinion is handled again: {title}",
                    "\"{title}\" ({reference}) is handled again, due {deadline}.")}},
      {"minyi.suggestions.v1.SuggestionDueSoon",
       CATEGORY_DEADLINE,
       false,
       {{{S::kDepartment, S::kCoDepartments},
         {"办理即将到期：{title}", "「{title}」（{reference}）将于 {deadline} 到期，剩余 {days_left} 天。"},
         {"Due soon: {title}", "\"{title}\" ({reference}) is due on {deadline}, {days_left} days left."}}}},
      {"minyi.suggestions.v1.SuggestionOverdue",
       CATEGORY_DEADLINE,
       true,
       {{{S::kDepartment, S::kCoDepartments},
         {"办理已逾期：{title}", "「{title}」（{reference}）已于 {deadline} 到期仍未答复，请立即办理。"},
         {"Overdue: {title}", "\"{title}\" ({reference}) was due on {deadline} and is not answered."}},
        {{S::kLeadersIfKeySupervision},
         {"重点督办建议逾期：{title}",
          "重点督办建议「{title}」（{reference}）已逾期（期限 {deadline}），承办单位：{department}。"},
         {"Key-supervision item overdue: {title}",
          "\"{title}\" ({reference}) is overdue (due {deadline}); lead unit {department}."}}}},
      {"minyi.suggestions.v1.OpinionLinked",
       CATEGORY_PROGRESS,
       false,
       {CitizenStep("您的意见已转入代表建议：{title}",
                    "您的意见「{title}」（{reference}）已转入代表建议一并办理，办理答复将告知您。",
                    "Your opinion joined a deputy's suggestion: {title}",
                    "Your opinion \"{title}\" ({reference}) is now handled as part of a deputy's suggestion.")}},
      {"minyi.suggestions.v1.OpinionEscalated",
       CATEGORY_PROGRESS,
       false,
       {CitizenStep("您的意见已转上级办理：{title}", "「{title}」（{reference}）已由{from_level}转至{to_level}办理。",
                    "Your opinion moved up: {title}",
                    "\"{title}\" ({reference}) moved from {from_level} to {to_level}.")}},
      {"minyi.voting.v1.VoteOpened",
       CATEGORY_VOTE,
       false,
       {{{S::kDeputies},
         {"投票已开始：{title}", "「{title}」（{reference}）已开始投票，请及时投票。"},
         {"Vote open: {title}", "Voting on \"{title}\" ({reference}) is open."}}}},
      // Closing says nothing of the result: it is public from the announcement (docs/voting.md).
      {"minyi.voting.v1.VoteClosed",
       CATEGORY_VOTE,
       false,
       {{{S::kDeputies},
         {"投票已结束：{title}", "「{title}」（{reference}）投票已结束，计票结果将在公告后公布。"},
         {"Voting closed: {title}",
          "Voting on \"{title}\" ({reference}) is closed; the result will be published when announced."}}}},
      {"minyi.voting.v1.VoteAnnounced",
       CATEGORY_VOTE,
       false,
       {{{S::kDeputies},
         {"票决结果已公告：{title}",
          "「{title}」（{reference}）的票决结果已公告，请登录查看结果，并可在公示的全部选票中核对您的选票凭证。"},
         {"Vote result announced: {title}",
          "The result of \"{title}\" ({reference}) is announced; you can find your ballot tracker on the bulletin."}}}},
      {"minyi.voting.v1.ProjectProgressPosted",
       CATEGORY_PROGRESS,
       false,
       {{{S::kDeputies},
         {"项目进展：{title}", "{department} 更新了「{title}」（{reference}）的实施进度：{percent}%。"},
         {"Project progress: {title}", "{department} reports \"{title}\" ({reference}) at {percent}%."}}}},
      {"minyi.voting.v1.SatisfactionRoundOpened",
       CATEGORY_VOTE,
       false,
       {{{S::kDeputies, S::kAccounts},
         {"满意度测评已开始：{title}", "请对「{title}」（{reference}）的实施效果进行满意度测评。"},
         {"Satisfaction round open: {title}", "Please rate the effect of \"{title}\" ({reference})."}}}},
      {"minyi.evaluation.v1.EvaluationOpened",
       CATEGORY_EVALUATION,
       false,
       {{{S::kDeputies, S::kAccounts},
         {"评议已开始：{title}", "请参加「{title}」（{reference}）的评议打分。"},
         {"Evaluation open: {title}", "Please score in \"{title}\" ({reference})."}}}},
      // At the close: the session's scores, announced on the spot; the final score follows the look-back.
      {"minyi.evaluation.v1.EvaluationResultsAnnounced",
       CATEGORY_EVALUATION,
       false,
       {{{S::kDepartment, S::kAccounts},
         {"评议现场得分已公布：{title}",
          "「{title}」（{reference}）现场述职评议得分 {on_site_score}，评议等次：{grade}。"},
         {"Evaluation session scored: {title}",
          "\"{title}\" ({reference}): on-site score {on_site_score}, grade {grade}."}}}},
      {"minyi.evaluation.v1.EvaluationFinalScored",
       CATEGORY_EVALUATION,
       false,
       {{{S::kDepartment, S::kAccounts},
         {"评议最终结果：{title}", "「{title}」（{reference}）最终得分 {final_score}，评议结果：{grade}。"},
         {"Evaluation final result: {title}", "\"{title}\" ({reference}): final score {final_score}, {grade}."}}}},
      {"minyi.evaluation.v1.EvaluationOpinionIssued",
       CATEGORY_EVALUATION,
       false,
       {{{S::kDepartment, S::kAccounts},
         {"评议意见书：{title}",
          "「{title}」（{reference}）书面评议意见已送达，请按意见整改，整改材料须于 {deadline} 前提交。"},
         {"Evaluation opinion: {title}",
          "The opinion on \"{title}\" ({reference}) is issued; file your rectification by {deadline}."}}}},
      {"minyi.evaluation.v1.RectificationDueSoon",
       CATEGORY_DEADLINE,
       false,
       {{{S::kDepartment, S::kAccounts},
         {"整改即将到期：{title}", "「{title}」（{reference}）第 {round} 轮整改（{step}）将于 {deadline} 到期。"},
         {"Rectification due soon: {title}",
          "Round {round} ({step}) of \"{title}\" ({reference}) is due on {deadline}."}}}},
      {"minyi.evaluation.v1.RectificationOverdue",
       CATEGORY_DEADLINE,
       true,
       {{{S::kDepartment, S::kAccounts},
         {"整改已逾期：{title}",
          "「{title}」（{reference}）第 {round} 轮整改（{step}）已于 {deadline} 到期，请立即提交。"},
         {"Rectification overdue: {title}",
          "Round {round} ({step}) of \"{title}\" ({reference}) was due on {deadline}."}}}},
      {"minyi.evaluation.v1.OpinionDueSoon",
       CATEGORY_DEADLINE,
       false,
       {{{S::kAccounts},
         {"评议意见即将到期：{title}", "「{title}」（{reference}）对 {subject} 的书面评议意见须于 {deadline} 前送达。"},
         {"Opinion due soon: {title}",
          "The written opinion to {subject} in \"{title}\" ({reference}) is due on {deadline}."}}}},
      {"minyi.evaluation.v1.OpinionOverdue",
       CATEGORY_DEADLINE,
       true,
       {{{S::kAccounts, S::kLeaders},
         {"评议意见已逾期：{title}",
          "「{title}」（{reference}）对 {subject} 的书面评议意见已于 {deadline} 到期仍未送达，请立即出具。"},
         {"Opinion overdue: {title}",
          "The written opinion to {subject} in \"{title}\" ({reference}) was due on {deadline} and is not issued."}}}},
      {"minyi.evaluation.v1.RectificationReceived",
       CATEGORY_PROGRESS,
       false,
       {{{S::kDepartment, S::kAccounts},
         {"整改材料已收到：{title}", "「{title}」（{reference}）第 {round} 轮整改（{step}）材料已收到。"},
         {"Rectification received: {title}", "Round {round} ({step}) of \"{title}\" ({reference}) was received."}}}},
      {"minyi.evaluation.v1.ReferralFlagged",
       CATEGORY_EVALUATION,
       false,
       {{{S::kLeaders},
         {"评议两次不满意：{title}", "「{title}」（{reference}）中 {department} 两次评议结果为{grade}，请研究处理。"},
         {"Unsatisfactory twice: {title}", "{department} was rated {grade} twice in \"{title}\" ({reference})."}}}},
      {"minyi.deputies.v1.StationRankingPublished",
       CATEGORY_RANKING,
       false,
       {{{S::kStationMembers},
         {"联络站季度履职排名已公布", "{station} {period} 履职积分排名已公布，请登录查看。"},
         {"Station ranking published", "The {period} duty-points ranking of {station} is published."}}}},
  };
}

std::vector<std::string> Strings(const nlohmann::json& payload, const char* field) {
  std::vector<std::string> out;
  auto it = payload.find(field);
  if (it == payload.end()) {
    return out;
  }
  if (it->is_string()) {
    if (!it->get_ref<const std::string&>().empty()) {
      out.push_back(it->get<std::string>());
    }
  } else if (it->is_array()) {
    for (const nlohmann::json& v : *it) {
      if (v.is_string() && !v.get_ref<const std::string&>().empty()) {
        out.push_back(v.get<std::string>());
      }
    }
  }
  return out;
}

void Append(std::vector<std::string>& to, std::vector<std::string> from) {
  for (std::string& s : from) {
    to.push_back(std::move(s));
  }
}

std::string ValueText(const nlohmann::json& v) {
  if (v.is_string()) {
    return v.get<std::string>();
  }
  if (v.is_array()) {
    std::string out;
    for (const nlohmann::json& item : v) {
      absl::StrAppend(&out, out.empty() ? "" : "、", ValueText(item));
    }
    return out;
  }
  if (v.is_boolean()) {
    return v.get<bool>() ? "是" : "否";
  }
  if (v.is_null() || v.is_object()) {
    return "";
  }
  return v.dump();  // numbers as protobuf's JSON wrote them
}

// Payload values that are codes rather than words, and what each language calls them: a zh-CN text
// never shows an English code.
struct CodeName {
  std::string_view field;
  std::string_view code;
  std::string_view zh;
  std::string_view en;
};
constexpr CodeName kCodeNames[] = {
    {"from_level", "station", "联络站", "the liaison station"},
    {"from_level", "town", "镇街", "the town"},
    {"from_level", "district", "区", "the district"},
    {"to_level", "station", "联络站", "the liaison station"},
    {"to_level", "town", "镇街", "the town"},
    {"to_level", "district", "区", "the district"},
    {"step", "plan", "整改方案", "plan"},
    {"step", "report", "整改报告", "report"},
};

// `payload` with its codes named in Chinese (`zh`) or English.
nlohmann::json Named(nlohmann::json payload, bool zh) {
  for (const CodeName& c : kCodeNames) {
    auto it = payload.find(c.field);
    if (it != payload.end() && it->is_string() && it->get_ref<const std::string&>() == c.code) {
      *it = std::string(zh ? c.zh : c.en);
    }
  }
  return payload;
}

}  // namespace

const std::vector<Rule>& AllRules() {
  static const std::vector<Rule>* const kRules = new std::vector<Rule>(BuildRules());
  return *kRules;
}

const Rule* FindRule(std::string_view event_type) {
  for (const Rule& rule : AllRules()) {
    if (rule.event_type == event_type) {
      return &rule;
    }
  }
  return nullptr;
}

bool IsLowPriority(Category category) {
  return category == minyi::notifications::v1::CATEGORY_RANKING ||
         category == minyi::notifications::v1::CATEGORY_PROGRESS;
}

Targets SelectTargets(const Audience& audience, const nlohmann::json& payload) {
  Targets t;
  for (Selector s : audience.selectors) {
    switch (s) {
      case Selector::kDepartment:
        Append(t.departments, Strings(payload, "department"));
        break;
      case Selector::kCoDepartments:
        Append(t.departments, Strings(payload, "co_departments"));
        break;
      case Selector::kDeputies:
        Append(t.deputies, Strings(payload, "deputies"));
        break;
      case Selector::kCitizen:
        Append(t.accounts, Strings(payload, "citizen_account"));
        break;
      case Selector::kAccounts:
        Append(t.accounts, Strings(payload, "accounts"));
        break;
      case Selector::kStationMembers:
        Append(t.stations, Strings(payload, "station"));
        break;
      case Selector::kLeaders:
        t.leaders = true;
        break;
      case Selector::kLeadersIfKeySupervision:
        t.leaders = t.leaders || payload.value("key_supervision", false);
        break;
    }
  }
  return t;
}

std::string Fill(std::string_view text, const nlohmann::json& payload) {
  std::string out;
  out.reserve(text.size() + 64);
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "{{") == 0) {
      out.push_back('{');
      i += 2;
      continue;
    }
    const size_t close = text[i] == '{' ? text.find('}', i) : std::string_view::npos;
    if (close == std::string_view::npos) {
      out.push_back(text[i++]);
      continue;
    }
    const std::string field(text.substr(i + 1, close - i - 1));
    auto it = payload.find(field);
    out += it == payload.end() ? std::string() : ValueText(*it);
    i = close + 1;
  }
  return out;
}

Rendered Render(const Audience& audience, const nlohmann::json& payload) {
  const nlohmann::json zh = Named(payload, true);
  const nlohmann::json en = Named(payload, false);
  return {Fill(audience.zh.title, zh), Fill(audience.zh.body, zh), Fill(audience.en.title, en),
          Fill(audience.en.body, en)};
}

}  // namespace minyi::notifications
