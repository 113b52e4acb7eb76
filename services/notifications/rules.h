#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "minyi/notifications/v1/notifications.pb.h"
#include "nlohmann/json.hpp"

// Which event tells whom, and what it says. Rules read the payload through the field names every event
// follows (docs/events.md), so no rule knows another service's message types. Pure: no I/O.
namespace minyi::notifications {

using minyi::notifications::v1::Category;

// Who an audience is, read from the payload's conventional fields.
enum class Selector {
  kDepartment,               // `department`: the department's accounts
  kCoDepartments,            // `co_departments`
  kDeputies,                 // `deputies`: the deputies' accounts
  kCitizen,                  // `citizen_account`
  kAccounts,                 // `accounts`
  kStationMembers,           // `station`: the accounts of the station's current member deputies
  kLeaders,                  // every leader account
  kLeadersIfKeySupervision,  // leader accounts when `key_supervision` is true
};

struct Text {
  std::string_view title;
  std::string_view body;
};

// One group of recipients with the message written for them.
struct Audience {
  std::vector<Selector> selectors;
  Text zh;
  Text en;
};

struct Rule {
  std::string_view event_type;
  Category category;
  bool urgent;  // an overdue escalation: delivered through quiet hours
  std::vector<Audience> audiences;
};

// The rule for an event type, or nullptr when the event tells nobody.
const Rule* FindRule(std::string_view event_type);
const std::vector<Rule>& AllRules();

// Low-priority categories may wait for the daily digest.
bool IsLowPriority(Category category);

// Who the payload names for one audience. Account and deputy references keep their resource names.
struct Targets {
  std::vector<std::string> departments;
  std::vector<std::string> deputies;  // "deputies/{id}"
  std::vector<std::string> accounts;  // "accounts/{id}"
  std::vector<std::string> stations;  // "stations/{id}"
  bool leaders = false;
};
Targets SelectTargets(const Audience& audience, const nlohmann::json& payload);

// Replaces each {field} with the payload's value (lists joined with "、", numbers as written, absent
// fields as ""); "{{" is a literal brace, and a "{" without a closing "}" stays as written.
std::string Fill(std::string_view text, const nlohmann::json& payload);

struct Rendered {
  std::string title;
  std::string body;
  std::string title_en;
  std::string body_en;
};
Rendered Render(const Audience& audience, const nlohmann::json& payload);

}  // namespace minyi::notifications
