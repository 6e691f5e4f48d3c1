#pragma once
// The one error type of Rapport. Errors that end a request are thrown as rapport::Error and
// mapped to an HTTP status and a JSON body {"error":{"code","message","field"}} in exactly one
// place (http/exchange.cpp map_error), which adds "existing_id" for duplicates and
// "items" (one per refused item) for refused batches. Expected outcomes inside algorithms are
// returned as values.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rapport {

enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kConflict,
  kForbidden,
  kUnauthenticated,
  kRateLimited,
  kUnavailable,
  kPayloadTooLarge,
  kUnsupportedMediaType,
  kPreconditionFailed,
  kMethodNotAllowed,  // a known path asked with a method it does not take (HTTP 405)
  kInternal,
};

// One failed item of a bulk request (all or nothing): which item and which of its fields.
struct ErrorItem {
  std::size_t index = 0;
  std::string field;  // full path of the field ("items[3].lines[0].quantity")
  std::string code;   // wire name of the item's error code ("invalid_argument", "conflict")
  std::string message;
  std::int64_t existing_id = 0;  // for a duplicate: the record that already holds the value
};

// The wire name of a code ("invalid_argument", ...). Never fails.
std::string_view error_code_name(ErrorCode code) noexcept;

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, std::string field = {})
      : std::runtime_error(std::move(message)), code_(code), field_(std::move(field)) {}

  ErrorCode code() const noexcept { return code_; }
  // The offending input field (JSON path, CSV column, CLI option); empty when none applies.
  const std::string& field() const noexcept { return field_; }
  // For rate_limited: seconds the caller should wait. 0 otherwise.
  int retry_after_seconds() const noexcept { return retry_after_; }
  Error& with_retry_after(int seconds) {
    retry_after_ = seconds;
    return *this;
  }
  // For a duplicate (conflict): the id of the record that already holds the value; 0 if none.
  std::int64_t existing_id() const noexcept { return existing_id_; }
  Error& with_existing_id(std::int64_t id) {
    existing_id_ = id;
    return *this;
  }
  // For a refused bulk request: every failed item (the HTTP body lists them as error.items).
  const std::vector<ErrorItem>& items() const noexcept { return items_; }
  Error& with_items(std::vector<ErrorItem> items) {
    items_ = std::move(items);
    return *this;
  }

 private:
  ErrorCode code_;
  std::string field_;
  int retry_after_ = 0;
  std::int64_t existing_id_ = 0;
  std::vector<ErrorItem> items_;
};

// Shorthands for the common cases, so call sites read as sentences.
[[noreturn]] void throw_invalid(std::string field, std::string message);
[[noreturn]] void throw_not_found(std::string what, std::string field = {});
[[noreturn]] void throw_conflict(std::string message, std::string field = {});
[[noreturn]] void throw_forbidden(std::string message);

}  // namespace rapport
