#include "http/json_reader.hpp"

#include <set>
#include <vector>

#include "core/error.hpp"
#include "core/validation.hpp"

namespace rapport::http {

nlohmann::json parse_json_body(std::string_view body) {
  if (body.empty()) throw_invalid("body", "a JSON object is required");
  // A key given twice in one object is refused: the parser would keep the last value silently,
  // and another parser in front of us (a proxy, a client library) may keep the first.
  std::vector<std::set<std::string, std::less<>>> keys;
  auto check_keys = [&keys](int /*depth*/, nlohmann::json::parse_event_t event,
                            nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start) {
      keys.emplace_back();
    } else if (event == Event::object_end) {
      if (!keys.empty()) keys.pop_back();
    } else if (event == Event::key && !keys.empty()) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (!keys.back().insert(key).second) throw_invalid(key, "appears twice in one object");
    }
    return true;
  };
  try {
    return nlohmann::json::parse(body.begin(), body.end(), check_keys);
  } catch (const nlohmann::json::parse_error& e) {
    throw_invalid("body", "is not valid JSON (at byte " + std::to_string(e.byte) + ")");
  }
}

ObjectReader::ObjectReader(const nlohmann::json& value, std::string path)
    : value_(value), path_(std::move(path)) {
  if (!value_.is_object()) {
    throw_invalid(path_.empty() ? "body" : path_, "must be a JSON object");
  }
}

std::string ObjectReader::field_path(const char* key) const {
  return path_.empty() ? std::string(key) : path_ + "." + key;
}

const nlohmann::json* ObjectReader::lookup(const char* key) {
  seen_.emplace(key);
  auto it = value_.find(key);
  if (it == value_.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> ObjectReader::optional_string(const char* key, std::size_t max_chars) {
  const auto* v = lookup(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) throw_invalid(field_path(key), "must be a string");
  const auto& s = v->get_ref<const std::string&>();
  check_text(field_path(key), s, max_chars, false, true);
  return s;
}

std::string ObjectReader::required_string(const char* key, std::size_t max_chars) {
  auto s = optional_string(key, max_chars);
  if (!s) throw_invalid(field_path(key), "is required");
  return *s;
}

std::optional<std::int64_t> ObjectReader::optional_int(const char* key, std::int64_t min,
                                                       std::int64_t max) {
  const auto* v = lookup(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) throw_invalid(field_path(key), "must be an integer");
  std::int64_t n = 0;
  if (v->is_number_unsigned()) {
    auto u = v->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(max)) {
      throw_invalid(field_path(key), "must be at most " + std::to_string(max));
    }
    n = static_cast<std::int64_t>(u);
  } else {
    n = v->get<std::int64_t>();
  }
  if (n < min || n > max) {
    throw_invalid(field_path(key),
                  "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return n;
}

std::int64_t ObjectReader::required_int(const char* key, std::int64_t min, std::int64_t max) {
  auto n = optional_int(key, min, max);
  if (!n) throw_invalid(field_path(key), "is required");
  return *n;
}

std::optional<bool> ObjectReader::optional_bool(const char* key) {
  const auto* v = lookup(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) throw_invalid(field_path(key), "must be true or false");
  return v->get<bool>();
}

const nlohmann::json* ObjectReader::optional_value(const char* key) {
  return lookup(key);
}

bool ObjectReader::is_null(const char* key) {
  seen_.emplace(key);
  auto it = value_.find(key);
  return it != value_.end() && it->is_null();
}

void ObjectReader::finish() const {
  for (const auto& [k, v] : value_.items()) {
    if (seen_.find(k) == seen_.end()) throw_invalid(field_path(k.c_str()), "is not a known field");
  }
}

}  // namespace rapport::http
