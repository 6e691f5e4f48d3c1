#include "core/search_text.hpp"

#include <vector>

namespace rapport {

namespace {

// Decodes one code point of valid UTF-8 at `i` and advances `i` past it.
char32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  int len = 1;
  char32_t cp = b0;
  if (b0 >= 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else if (b0 >= 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  }
  for (int k = 1; k < len && i + static_cast<std::size_t>(k) < s.size(); ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
  }
  i += static_cast<std::size_t>(len);
  if (i > s.size()) i = s.size();
  return cp;
}

bool is_query_space(char32_t cp) noexcept {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000 || cp == 0xA0;
}

// Characters that carry a word (so a term made only of punctuation is dropped, not searched).
bool is_word_code_point(char32_t cp) noexcept {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  if (cp <= 0xBF || cp == 0xD7 || cp == 0xF7) return false;  // Latin-1 symbols
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;            // punctuation, arrows, symbols
  if (cp >= 0x3000 && cp <= 0x303F) return false;            // CJK punctuation
  if (cp >= 0xFF00 && cp <= 0xFF0F) return false;            // fullwidth punctuation
  if (cp >= 0xFF1A && cp <= 0xFF20) return false;
  if (cp >= 0xFF3B && cp <= 0xFF40) return false;
  if (cp >= 0xFF5B && cp <= 0xFF65) return false;
  return true;
}

struct Piece {
  std::string_view text;
  bool cjk = false;
  std::size_t chars = 0;
};

// Splits `s` into maximal runs of CJK and non-CJK code points.
std::vector<Piece> split_cjk(std::string_view s) {
  std::vector<Piece> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t start = i;
    std::size_t probe = i;
    const bool cjk = is_cjk_code_point(next_code_point(s, probe));
    std::size_t chars = 0;
    while (i < s.size()) {
      std::size_t j = i;
      if (is_cjk_code_point(next_code_point(s, j)) != cjk) break;
      i = j;
      ++chars;
    }
    out.push_back({s.substr(start, i - start), cjk, chars});
  }
  return out;
}

// The bigrams of a CJK run and its last character, space-separated.
void append_bigrams(std::string& out, std::string_view run, bool with_last) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < run.size();) {
    starts.push_back(i);
    next_code_point(run, i);
  }
  starts.push_back(run.size());
  const std::size_t n = starts.size() - 1;
  for (std::size_t k = 0; k + 1 < n; ++k) {
    if (!out.empty() && out.back() != ' ') out += ' ';
    out.append(run.substr(starts[k], starts[k + 2] - starts[k]));
  }
  if (with_last || n == 1) {
    if (!out.empty() && out.back() != ' ') out += ' ';
    out.append(run.substr(starts[n - 1], starts[n] - starts[n - 1]));
  }
}

// English function words: they occur in nearly every article, so they neither narrow a search
// nor help rank it, while ranking every article that holds them is the slowest search there is.
// Dropped from a query that has other terms.
bool is_english_stop_word(std::string_view w) noexcept {
  static constexpr std::string_view kStop[] = {
      "a",    "an",  "and", "are",  "as",   "at",    "be",    "by",  "can", "do",   "does", "for",
      "from", "how", "i",   "if",   "in",   "is",    "it",    "my",  "of",  "on",   "or",   "the",
      "this", "to",  "was", "what", "when", "where", "which", "who", "why", "with", "you",  "your"};
  if (w.size() > 5) return false;
  std::string lower;
  for (char c : w) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    lower += c;
  }
  for (auto s : kStop) {
    if (s == lower) return true;
  }
  return false;
}

void append_quoted(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

}  // namespace

bool is_cjk_code_point(char32_t cp) noexcept {
  return (cp >= 0x3040 && cp <= 0x30FF) ||  // hiragana, katakana
         (cp >= 0x31F0 && cp <= 0x31FF) ||  // katakana extensions
         (cp >= 0x3400 && cp <= 0x4DBF) ||  // Han extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||  // Han
         (cp >= 0xF900 && cp <= 0xFAFF) ||  // Han compatibility
         (cp >= 0x20000 && cp <= 0x2FA1F);  // Han extensions B-F, compatibility supplement
}

std::string search_index_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (const Piece& p : split_cjk(text)) {
    if (!p.cjk) {
      out.append(p.text);
      continue;
    }
    out += ' ';
    append_bigrams(out, p.text, true);
    out += ' ';
  }
  return out;
}

std::string search_index_chars(std::string_view text) {
  std::string out;
  for (const Piece& p : split_cjk(text)) {
    if (!p.cjk) continue;
    for (std::size_t i = 0; i < p.text.size();) {
      const std::size_t start = i;
      next_code_point(p.text, i);
      if (!out.empty()) out += ' ';
      out.append(p.text.substr(start, i - start));
    }
  }
  return out;
}

std::string search_match_query(std::string_view query, const SearchColumns& columns,
                               std::size_t max_terms) {
  const std::string text_prefix =
      columns.text_columns.empty() ? std::string() : columns.text_columns + " : ";
  std::vector<std::string> terms;
  std::vector<bool> stop;
  std::size_t i = 0;
  while (i < query.size()) {
    // One whitespace-separated word of the query.
    std::size_t j = i;
    while (j < query.size()) {
      std::size_t k = j;
      if (is_query_space(next_code_point(query, k))) break;
      j = k;
    }
    const std::string_view word = query.substr(i, j - i);
    if (j < query.size()) next_code_point(query, j);  // skip the space
    i = j;
    for (const Piece& p : split_cjk(word)) {
      std::string term;
      if (!p.cjk) {
        bool has_word = false;
        for (std::size_t k = 0; k < p.text.size();) {
          if (is_word_code_point(next_code_point(p.text, k))) has_word = true;
        }
        if (!has_word) continue;
        term = text_prefix;
        append_quoted(term, p.text);
        stop.push_back(is_english_stop_word(p.text));
      } else if (p.chars == 1 && !columns.char_column.empty()) {
        term = columns.char_column + " : ";
        append_quoted(term, p.text);
        stop.push_back(false);
      } else if (p.chars == 1) {
        append_quoted(term, p.text);
        term += '*';
        stop.push_back(false);
      } else {
        std::string phrase;
        append_bigrams(phrase, p.text, false);
        term = text_prefix;
        append_quoted(term, phrase);
        stop.push_back(false);
      }
      terms.push_back(std::move(term));
    }
  }
  bool all_stop = true;
  for (bool s : stop) all_stop = all_stop && s;
  std::string out;
  std::size_t used = 0;
  for (std::size_t k = 0; k < terms.size() && used < max_terms; ++k) {
    if (stop[k] && !all_stop) continue;
    if (!out.empty()) out += " AND ";
    out += terms[k];
    ++used;
  }
  return out;
}

}  // namespace rapport
