#include "evaluation/report_check.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace minyi::evaluation {
namespace {

// Decodes the next code point of well-formed UTF-8 at s[*i] and advances *i.
char32_t NextCodePoint(absl::string_view s, std::size_t* i) {
  const auto b0 = static_cast<unsigned char>(s[*i]);
  int extra = b0 < 0x80 ? 0 : b0 < 0xE0 ? 1 : b0 < 0xF0 ? 2 : 3;
  char32_t cp = extra == 0 ? b0 : extra == 1 ? (b0 & 0x1F) : extra == 2 ? (b0 & 0x0F) : (b0 & 0x07);
  ++*i;
  for (; extra > 0 && *i < s.size(); --extra, ++*i) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[*i]) & 0x3F);
  }
  return cp;
}

bool IsSpaceOrPunctuation(char32_t c) {
  if (c < 0x80) {
    return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
  }
  return (c >= 0x0080 && c <= 0x00BF) ||  // Latin-1 punctuation and symbols, no-break space
         (c >= 0x2000 && c <= 0x206F) ||  // general punctuation: “”‘’…— and the typographic spaces
         (c >= 0x3000 && c <= 0x303F) ||  // CJK symbols and punctuation: 、。《》「」【】 and the ideographic space
         (c >= 0xFE10 && c <= 0xFE1F) ||  // vertical forms
         (c >= 0xFE30 && c <= 0xFE6F) ||  // CJK compatibility and small forms
         (c >= 0xFF00 && c <= 0xFF0F) ||  // full-width ！＂＃…／
         (c >= 0xFF1A && c <= 0xFF20) ||  // ：；＜＝＞？＠
         (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) || c == 0xFEFF;
}

std::string Percent(int part, int total) {
  if (total == 0) {
    return "0.0";
  }
  // Half-up at one decimal from integers: (part * 1000 * 2 + total) / (2 * total) tenths of a percent.
  const int64_t tenths = (static_cast<int64_t>(part) * 2000 + total) / (2 * static_cast<int64_t>(total));
  return absl::StrFormat("%d.%d", tenths / 10, tenths % 10);
}

}  // namespace

int ContentCharacters(absl::string_view text) {
  int n = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (!IsSpaceOrPunctuation(NextCodePoint(text, &i))) {
      ++n;
    }
  }
  return n;
}

minyi::evaluation::v1::ReportCheck CheckReportSections(absl::string_view achievements, absl::string_view problems,
                                                       absl::string_view measures) {
  const int a = ContentCharacters(achievements);
  const int p = ContentCharacters(problems);
  const int m = ContentCharacters(measures);
  const int total = a + p + m;
  minyi::evaluation::v1::ReportCheck out;
  out.set_total_characters(total);
  struct Rule {
    const char* section;
    const char* label;
    int characters;
    int bound;  // percent
    bool at_most;
  };
  const Rule rules[] = {{"achievements", "工作成绩", a, 60, true},
                        {"problems", "存在问题", p, 30, false},
                        {"measures", "整改措施", m, 10, false}};
  bool passed = total > 0;
  if (total == 0) {
    out.add_findings("报告没有可计字数的内容");
  }
  for (const Rule& r : rules) {
    const int64_t scaled = static_cast<int64_t>(r.characters) * 100;
    const int64_t limit = static_cast<int64_t>(r.bound) * total;
    const bool ok = total > 0 && (r.at_most ? scaled <= limit : scaled >= limit);
    auto* s = out.add_sections();
    s->set_section(r.section);
    s->set_characters(r.characters);
    s->set_share(Percent(r.characters, total));
    s->set_ok(ok);
    if (!ok && total > 0) {
      passed = false;
      out.add_findings(absl::StrCat(r.label, "部分 ", r.characters, " 字，占全文 ", s->share(), "%，",
                                    r.at_most ? "超过" : "低于", r.bound, "% 的", r.at_most ? "上限" : "下限",
                                    "（六三一：成绩不超过 60%，问题不少于 30%，措施不少于 10%）"));
    }
  }
  out.set_passed(passed);
  return out;
}

}  // namespace minyi::evaluation
