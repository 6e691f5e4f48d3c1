#pragma once
// The route table: every endpoint of the API with the permission that guards it. The server,
// the OpenAPI consistency test and the permission table test all read this one table.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/permissions.hpp"

namespace rapport::http {

class Exchange;
using Handler = std::function<void(const std::shared_ptr<Exchange>&)>;

// kCsv: a CSV upload (Content-Type text/csv), up to ServerConfig::max_upload_bytes.
enum class BodyKind { kNone, kJson, kCsv };

struct Route {
  std::string method;  // GET, POST, PATCH, PUT, DELETE
  std::string path;    // OpenAPI form: /api/v1/users/{id}
  // nullopt: public (no token needed). Otherwise checked before the handler runs.
  std::optional<app::Permission> permission;
  std::vector<std::string> query_params;  // the only query parameters accepted
  BodyKind body = BodyKind::kNone;
  Handler handler;

  std::string key() const { return method + " " + path; }
};

using RouteTable = std::vector<Route>;

}  // namespace rapport::http
