#pragma once
// Markdown (CommonMark, cmark) to HTML for knowledge-base articles, in safe mode: raw HTML in
// the source is never passed through (cmark writes "<!-- raw HTML omitted -->" instead) and
// links or images with javascript:, vbscript:, file: or non-image data: URLs lose their target.
// Text is HTML-escaped. So an article holding <script> or a javascript: link is stored as
// written and shown as text, never run. Thread-safe (cmark keeps no global state per call).
#include <string>
#include <string_view>

namespace rapport::app {

// REQUIRES: valid UTF-8 (cmark replaces invalid sequences anyway).
std::string render_markdown_safe(std::string_view markdown);

// The first `max_chars` code points of `markdown` with line breaks folded to spaces, ending in
// "…" when cut: a plain excerpt for lists (no rendering).
std::string markdown_excerpt(std::string_view markdown, std::size_t max_chars);

}  // namespace rapport::app
