#include "suggestions/search.h"

#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/text.h"

namespace minyi::suggestions {
namespace {

// Longer Latin words are cut to this many bytes, in items and queries alike, well within the 2 KB that
// PostgreSQL allows a lexeme.
constexpr std::size_t kMaxWordBytes = 64;

bool IsIdeograph(long c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2EBEF) ||
         (c >= 0xF900 && c <= 0xFAFF);
}

// Full-width ASCII (ＡＢＣ１２３) as ASCII, upper case as lower; other code points unchanged.
long Fold(long c) {
  if (c >= 0xFF01 && c <= 0xFF5E) {
    c -= 0xFEE0;
  }
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

bool IsWordChar(long c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Calls `ideographs` with each run of ideographs (their UTF-8 characters) and `word` with each run of
// Latin letters and digits (folded, cut to kMaxWordBytes); everything else separates runs. Malformed
// bytes are skipped (text is validated on the way in).
void ForEachRun(absl::string_view text, const std::function<void(const std::vector<absl::string_view>&)>& ideographs,
                const std::function<void(const std::string&)>& word) {
  std::vector<absl::string_view> han;
  std::string latin;
  auto flush = [&] {
    if (!han.empty()) {
      ideographs(han);
      han.clear();
    }
    if (!latin.empty()) {
      word(latin.substr(0, kMaxWordBytes));
      latin.clear();
    }
  };
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    const long c = NextCodePoint(text, i);
    if (c < 0) {
      i = start + 1;
      flush();
    } else if (IsIdeograph(c)) {
      if (!latin.empty()) {
        flush();
      }
      han.push_back(text.substr(start, i - start));
    } else if (const long f = Fold(c); IsWordChar(f)) {
      if (!han.empty()) {
        flush();
      }
      latin.push_back(static_cast<char>(f));
    } else {
      flush();
    }
  }
  flush();
}

std::vector<std::string> SortedUnique(std::vector<std::string> words) {
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

// Words hold only ideographs, a-z and 0-9, so they need no escaping inside the quotes.
std::string Quoted(const std::string& word) { return absl::StrCat("'", word, "'"); }

}  // namespace

std::vector<std::string> SearchWords(absl::string_view text) {
  std::vector<std::string> out;
  ForEachRun(
      text,
      [&](const std::vector<absl::string_view>& han) {
        for (std::size_t k = 0; k < han.size(); ++k) {
          out.emplace_back(han[k]);
          if (k + 1 < han.size()) {
            out.push_back(absl::StrCat(han[k], han[k + 1]));
          }
        }
      },
      [&](const std::string& word) { out.push_back(word); });
  return SortedUnique(std::move(out));
}

std::string TsVectorLiteral(const std::vector<std::string>& words) {
  return absl::StrJoin(words, " ", [](std::string* out, const std::string& w) { out->append(Quoted(w)); });
}

SearchVectors SearchVectorsOf(absl::string_view title, absl::string_view body) {
  // The line break ends the title's last run, so no pair spans title and body.
  return {.title = TsVectorLiteral(SearchWords(title)),
          .text = TsVectorLiteral(SearchWords(absl::StrCat(title, "\n", body)))};
}

std::vector<std::string> SearchTerms(absl::string_view query) {
  std::vector<std::string> terms;
  ForEachRun(
      query,
      [&](const std::vector<absl::string_view>& han) {
        if (han.size() == 1) {
          terms.emplace_back(han[0]);
        }
        for (std::size_t k = 0; k + 1 < han.size(); ++k) {
          terms.push_back(absl::StrCat(han[k], han[k + 1]));
        }
      },
      [&](const std::string& word) { terms.push_back(word); });
  return SortedUnique(std::move(terms));
}

std::string TsQueryLiteral(const std::vector<std::string>& terms) {
  return absl::StrJoin(terms, " & ", [](std::string* out, const std::string& w) { out->append(Quoted(w)); });
}

std::string SearchQuery(absl::string_view query) { return TsQueryLiteral(SearchTerms(query)); }

}  // namespace minyi::suggestions
