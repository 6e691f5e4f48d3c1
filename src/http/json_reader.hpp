#pragma once
// Strict reading of JSON request bodies: every field is looked up by name with its expected
// type, and finish() refuses fields the operation does not know, so a typo in a client never
// passes silently. Every error is rapport::Error(kInvalidArgument) naming the field (a JSON path
// such as "lines[2].quantity").
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rapport::http {

// Parses a body; throws invalid_argument (field "body") naming the position of a syntax error.
nlohmann::json parse_json_body(std::string_view body);

class ObjectReader {
 public:
  // REQUIRES nothing of `value`: a non-object is reported as an error naming `path`.
  ObjectReader(const nlohmann::json& value, std::string path = {});

  std::string required_string(const char* key, std::size_t max_chars);
  std::optional<std::string> optional_string(const char* key, std::size_t max_chars);
  std::int64_t required_int(const char* key, std::int64_t min, std::int64_t max);
  std::optional<std::int64_t> optional_int(const char* key, std::int64_t min, std::int64_t max);
  std::optional<bool> optional_bool(const char* key);
  // The raw value of a field (for nested objects and arrays); nullptr when absent or null.
  const nlohmann::json* optional_value(const char* key);
  // True when the field is given as JSON null (an update clearing it). Counts as read.
  bool is_null(const char* key);

  // Throws when the object holds a field no accessor asked for.
  void finish() const;

  std::string field_path(const char* key) const;

 private:
  const nlohmann::json* lookup(const char* key);
  const nlohmann::json& value_;
  std::string path_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace rapport::http
