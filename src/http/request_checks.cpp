#include "http/request_checks.hpp"

#include "core/error.hpp"

namespace rapport::http {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// The parse failed somewhere: find the pair to name (restinio only reports a position).
[[noreturn]] void throw_bad_query(std::string_view query, const std::string& why) {
  std::size_t pos = 0;
  while (pos <= query.size()) {
    std::size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(pos, amp - pos);
    std::size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    auto name = restinio::utils::try_unescape_percent_encoding<QueryTraits>(key);
    if (!name) throw_invalid("query", "the query string has a broken %-escape in a name");
    if (eq == std::string_view::npos) {
      throw_invalid(*name, "must be written name=value");
    }
    if (!restinio::utils::try_unescape_percent_encoding<QueryTraits>(pair.substr(eq + 1))) {
      throw_invalid(*name, "has a broken %-escape or is not UTF-8");
    }
    pos = amp + 1;
  }
  throw_invalid("query", "the query string cannot be read: " + why);
}

}  // namespace

restinio::query_string_params_t parse_query_string(std::string_view query) {
  auto parsed = restinio::try_parse_query<QueryTraits>(query);
  if (!parsed) throw_bad_query(query, parsed.error().description());
  // restinio reads a lone "name" as a tag (web beacon); no endpoint takes one.
  if (parsed->tag()) throw_bad_query(query, "a name without a value");
  return std::move(*parsed);
}

bool is_json_content_type(std::string_view value) {
  std::size_t semi = value.find(';');
  if (!iequals(trim(value.substr(0, semi)), "application/json")) return false;
  while (semi != std::string_view::npos) {
    std::string_view rest = value.substr(semi + 1);
    semi = rest.find(';');
    std::string_view param = trim(rest.substr(0, semi));
    value = rest;
    if (param.empty()) continue;
    std::size_t eq = param.find('=');
    if (eq == std::string_view::npos) return false;
    if (!iequals(trim(param.substr(0, eq)), "charset")) continue;
    std::string_view charset = trim(param.substr(eq + 1));
    if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') {
      charset = charset.substr(1, charset.size() - 2);
    }
    if (!iequals(charset, "utf-8")) return false;
  }
  return true;
}

bool valid_client_request_id(std::string_view value) {
  if (value.empty() || value.size() > 64) return false;
  for (char c : value) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool path_matches_template(std::string_view path_template, std::string_view path) {
  std::size_t t = 0;
  std::size_t p = 0;
  while (t < path_template.size() && p < path.size()) {
    if (path_template[t] == '{') {
      std::size_t close = path_template.find('}', t);
      if (close == std::string_view::npos) return false;
      std::size_t seg_end = path.find('/', p);
      if (seg_end == std::string_view::npos) seg_end = path.size();
      if (seg_end == p) return false;  // an empty segment is no parameter
      t = close + 1;
      p = seg_end;
    } else {
      if (path_template[t] != path[p]) return false;
      ++t;
      ++p;
    }
  }
  // Like the router (path2regex, not strict), a trailing '/' is allowed.
  if (p + 1 == path.size() && path[p] == '/') ++p;
  return t == path_template.size() && p == path.size();
}

}  // namespace rapport::http
