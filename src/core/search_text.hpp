#pragma once
// Full-text search in any script on FTS5's unicode61 tokenizer (with porter stemming for
// English): unicode61 splits on spaces and punctuation, which suits English but would make a
// whole Chinese sentence one token. So Chinese and Japanese text is indexed the way Lucene's
// CJKAnalyzer does it: each run of CJK characters becomes its overlapping bigrams plus its last
// character alone ("退货政策" -> "退货 货政 政策 策"), and a query turns each CJK run back into
// the phrase of its bigrams (an exact substring match, ranked by bm25 like any word). A single
// CJK character (a common query: 茶) is looked up in a column of single characters
// (search_index_chars) when the index has one; otherwise it becomes a prefix query on the
// character, which finds it at any place in a run (every character starts a bigram or is the
// run's last) but merges one list per bigram. Text in other scripts passes unchanged. The trigram
// tokenizer used for customer names cannot answer one or two characters and ranks English poorly,
// hence this analyser for articles. Pure functions; safe from any thread. REQUIRES: valid UTF-8
// (callers check_text first).
#include <cstddef>
#include <string>
#include <string_view>

namespace rapport {

// True for Han ideographs (with extensions and compatibility forms) and kana.
bool is_cjk_code_point(char32_t cp) noexcept;

// The text to put in an FTS5 column of the search index (CJK runs as bigrams, see above).
std::string search_index_text(std::string_view text);
// The CJK characters of `text`, one token each, for the single-character column.
std::string search_index_chars(std::string_view text);

// How a query's terms are aimed at the index's columns: `text_columns` (an FTS5 column filter
// such as "{title body}") before each word and phrase, `char_column` before a single CJK
// character. Empty: any column, and single characters as prefix queries.
struct SearchColumns {
  std::string text_columns;
  std::string char_column;
};

// An FTS5 MATCH expression for what a user typed: every term must occur (AND), each term quoted
// (no FTS5 syntax gets through: quotes, NEAR, column filters, * are all taken literally).
// English function words (the, to, how ...) are dropped unless the query holds nothing else.
// At most `max_terms` terms are used. Returns an empty string when the query holds no word.
std::string search_match_query(std::string_view query, const SearchColumns& columns = {},
                               std::size_t max_terms = 16);

}  // namespace rapport
