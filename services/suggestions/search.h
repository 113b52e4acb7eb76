#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

// Full-text search words for Chinese text, free of I/O. PostgreSQL here has no Chinese parser, so the
// service cuts text itself and stores the words as a tsvector ('simple' words, no positions) under a GIN
// index (docs/suggestions.md, "Search"). Ideographs are cut into every character (unigram) and every
// pair of adjacent characters (bigram), which needs no dictionary and finds one- and two-character
// words such as 水 or 停车; a run of ASCII letters and digits (full-width folded, lower-cased) is one word.
namespace minyi::suggestions {

// The distinct search words of `text`, sorted.
std::vector<std::string> SearchWords(absl::string_view text);

// `words` as a tsvector literal ('停' '停车' '车'), for a ::tsvector parameter.
std::string TsVectorLiteral(const std::vector<std::string>& words);

// An item's search words as the tsvector literals of its title and of its whole text (title and body).
struct SearchVectors {
  std::string title;
  std::string text;
};
SearchVectors SearchVectorsOf(absl::string_view title, absl::string_view body);

// The terms an item must hold to match `query` (whitespace or punctuation between words), sorted: a
// single ideograph as its unigram, a longer run of ideographs as all its bigrams, a Latin or digit word as
// itself; none when `query` has no word. Bigrams are not required to be adjacent in the item (the tsvector
// keeps no positions), so 电梯加装 also matches a text holding 电梯, 梯加 and 加装 apart.
std::vector<std::string> SearchTerms(absl::string_view query);

// The tsquery that matches an item holding every one of `terms` ('加装' & '电梯' & '装电'); "" for none.
std::string TsQueryLiteral(const std::vector<std::string>& terms);

// TsQueryLiteral(SearchTerms(query)).
std::string SearchQuery(absl::string_view query);

}  // namespace minyi::suggestions
