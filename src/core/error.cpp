#include "core/error.hpp"

namespace rapport {

std::string_view error_code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kForbidden:
      return "forbidden";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kRateLimited:
      return "rate_limited";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kPayloadTooLarge:
      return "payload_too_large";
    case ErrorCode::kUnsupportedMediaType:
      return "unsupported_media_type";
    case ErrorCode::kPreconditionFailed:
      return "precondition_failed";
    case ErrorCode::kMethodNotAllowed:
      return "method_not_allowed";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

void throw_invalid(std::string field, std::string message) {
  throw Error(ErrorCode::kInvalidArgument, std::move(message), std::move(field));
}
void throw_not_found(std::string what, std::string field) {
  throw Error(ErrorCode::kNotFound, std::move(what), std::move(field));
}
void throw_conflict(std::string message, std::string field) {
  throw Error(ErrorCode::kConflict, std::move(message), std::move(field));
}
void throw_forbidden(std::string message) {
  throw Error(ErrorCode::kForbidden, std::move(message));
}

}  // namespace rapport
