#pragma once
// Checks on the raw parts of a request that the server makes before any handler runs: the query
// string, the body's media type, a client's request id, and which routes a path belongs to.
// Pure functions of their arguments; thread-safe.
#include <string>
#include <string_view>
#include <vector>

#include <restinio/all.hpp>

namespace rapport::http {

// The one way the query string is read (the unknown-parameter check and Exchange::query() must
// agree, or a value accepted by one is a 500 in the other). RFC 3986 query characters may come
// unescaped (fetch and curl leave ':', '@', '!', '/', ... as they are); only '&' separates
// pairs; '+' is a space; %-escapes must decode to valid UTF-8.
using QueryTraits = restinio::parse_query_traits::relaxed;

// Parses `query` (the part after '?'). Throws rapport::Error(kInvalidArgument) on broken
// %-encoding or invalid UTF-8, naming the parameter whose name or value is broken ("query" when
// the name itself is), and on a bare name without '=' (named by itself).
restinio::query_string_params_t parse_query_string(std::string_view query);

// True when a Content-Type header value is JSON: the media type application/json
// (case-insensitive), optionally followed by parameters; a charset parameter, if any, must be
// utf-8 (RFC 8259: JSON exchanged between systems is UTF-8).
bool is_json_content_type(std::string_view value);

// A client's X-Request-Id is echoed only when it is 1 to 64 characters of [A-Za-z0-9._-]: it
// lands in logs and headers, so nothing that could split or forge a line gets through.
bool valid_client_request_id(std::string_view value);

// True when `path` (no query string) matches the route template `path_template`
// ("/api/v1/users/{id}": a {name} segment matches one non-empty segment).
bool path_matches_template(std::string_view path_template, std::string_view path);

}  // namespace rapport::http
