#include "app/markdown.hpp"

#include <cmark.h>

#include <cstdlib>
#include <memory>

#include "core/error.hpp"

namespace rapport::app {

std::string render_markdown_safe(std::string_view markdown) {
  // CMARK_OPT_SAFE is the default since cmark 0.29 (CMARK_OPT_UNSAFE turns it off); it is
  // passed anyway so an older cmark is safe too.
  std::unique_ptr<char, decltype(&std::free)> html(
      cmark_markdown_to_html(markdown.data(), markdown.size(), CMARK_OPT_SAFE), &std::free);
  if (!html) throw Error(ErrorCode::kInternal, "cmark could not render an article");
  return std::string(html.get());
}

std::string markdown_excerpt(std::string_view markdown, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0;
  bool space = false;
  for (std::size_t i = 0; i < markdown.size();) {
    const auto b = static_cast<unsigned char>(markdown[i]);
    const std::size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    if (b == '\n' || b == '\r' || b == '\t' || b == ' ') {
      space = !out.empty();
      i += 1;
      continue;
    }
    if (chars == max_chars) {
      out += "\u2026";
      return out;
    }
    if (space) {
      out += ' ';
      ++chars;
      space = false;
      if (chars == max_chars) {
        out += "\u2026";
        return out;
      }
    }
    out.append(markdown.substr(i, len));
    ++chars;
    i += len;
  }
  return out;
}

}  // namespace rapport::app
