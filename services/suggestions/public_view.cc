#include "suggestions/public_view.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace minyi::suggestions {

namespace v1 = ::minyi::suggestions::v1;

// The first year the platform keeps items of.
constexpr int kFirstYear = 2000;

v1::PublicShowcaseItem PublicShowcaseItemOf(const v1::Suggestion& s) {
  v1::PublicShowcaseItem out;
  out.set_name(s.name());
  out.set_kind(s.kind());
  out.set_title(s.title());
  out.set_body(s.body());
  if (s.kind() == v1::SUGGESTION_KIND_DEPUTY || s.kind() == v1::SUGGESTION_KIND_JOINT) {
    *out.mutable_deputies() = s.deputies();
  }
  out.set_delegation(s.delegation());
  out.set_lead_department(s.lead_department());
  if (s.has_answer()) {
    v1::PublicAnswer* answer = out.mutable_answer();
    answer->set_category(s.answer().category());
    answer->set_text(s.answer().text());
    answer->set_department(s.answer().department());
    *answer->mutable_answer_time() = s.answer().answer_time();
    answer->set_on_time(s.answer().on_time());
  }
  out.set_attitude(s.rating().attitude());
  out.set_result(s.rating().result());
  *out.mutable_submit_time() = s.submit_time();
  return out;
}

v1::PublicStatsRow PublicStatsRowOf(const v1::StatsRow& row) {
  v1::PublicStatsRow out;
  out.set_department(row.key());
  out.set_total(row.total());
  out.set_answered(row.answered());
  out.set_answered_on_time(row.answered_on_time());
  out.set_on_time_rate(row.on_time_rate());
  out.set_category_a(row.category_a());
  out.set_category_b(row.category_b());
  out.set_category_c(row.category_c());
  out.set_category_d(row.category_d());
  out.set_rated(row.rated());
  out.set_attitude_satisfaction_rate(row.attitude_satisfaction_rate());
  out.set_result_satisfaction_rate(row.result_satisfaction_rate());
  out.set_overdue(row.overdue());
  return out;
}

absl::StatusOr<int> PublicStatsYear(int requested, int this_year) {
  if (requested == 0) {
    return this_year;
  }
  if (requested < kFirstYear || requested > this_year) {
    return InvalidField("year", absl::StrCat("须为 ", kFirstYear, " 至 ", this_year, " 年之间的年份"));
  }
  return requested;
}

}  // namespace minyi::suggestions
