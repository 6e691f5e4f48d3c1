#pragma once
// One HTTP request and its response. The http layer only parses, authenticates and maps errors:
// handlers read the request through an Exchange, call a use case in app/, and reply once.
//
// Thread-safety: an Exchange is used by one thread at a time; a reply may come from the writer
// thread (RESTinio sends it on the connection's own strand).
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <restinio/all.hpp>

#include "app/caller.hpp"
#include "app/write_op.hpp"
#include "store/writer.hpp"

namespace rapport::http {

class Metrics;
struct Route;

// Where every response goes through: metrics and the access log.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  virtual void on_response(std::string_view route_key, std::string_view method,
                           std::string_view path, int status, double seconds,
                           std::string_view request_id, std::optional<std::int64_t> user_id) = 0;
};

class Exchange {
 public:
  Exchange(restinio::request_handle_t req, restinio::router::route_params_t params,
           const Route* route, ResponseSink& sink, std::string request_id);

  // Request.
  std::string_view method() const;
  std::string_view path() const;
  std::string_view body() const;
  // The parsed JSON body (parsed on first use; invalid JSON throws invalid_argument).
  const nlohmann::json& json();
  // A path parameter as text, or as an id (anything but a positive integer is not_found).
  std::string path_param(const char* name) const;
  std::int64_t id_param(const char* name = "id") const;
  // The parsed query string (parsed once, with QueryTraits of http/request_checks.hpp); broken
  // %-encoding throws invalid_argument naming the parameter.
  const restinio::query_string_params_t& query_params() const;
  std::optional<std::string> query(const char* name) const;
  std::optional<int> query_int(const char* name, int min, int max) const;
  // A record id in the query string: a positive integer (digits only, up to 18 of them, the
  // range of SQLite's rowids); anything else is invalid_argument naming the parameter.
  std::optional<std::int64_t> query_id(const char* name) const;
  std::optional<bool> query_bool(const char* name) const;
  std::optional<std::string> header(std::string_view name) const;
  const app::Caller& caller() const { return caller_; }
  void set_caller(app::Caller c) { caller_ = std::move(c); }
  const std::string& request_id() const { return request_id_; }

  // Response: exactly one of these, once.
  void reply(int status, const nlohmann::json& body,
             std::vector<std::pair<std::string, std::string>> headers = {});
  void reply_text(int status, std::string body, std::string content_type,
                  std::vector<std::pair<std::string, std::string>> headers = {});
  void reply_no_content(std::vector<std::pair<std::string, std::string>> headers = {});
  // A streamed reply (chunked transfer encoding) for large downloads in constant memory:
  // `produce` runs on a thread of its own and calls `write` with each piece, which returns once
  // the piece is on the wire (so at most one piece is held). An error before the first piece
  // becomes an error reply; after it, the connection is closed mid-body (the client sees a
  // truncated transfer, never a silently short file).
  using StreamWrite = std::function<void(std::string_view)>;
  void reply_stream(int status, std::string content_type,
                    std::vector<std::pair<std::string, std::string>> headers,
                    std::function<void(const StreamWrite&)> produce);
  // Maps an exception to the JSON error body (the one place that does so); `headers` are added
  // (e.g. Allow on a 405).
  void reply_error(std::exception_ptr error,
                   std::vector<std::pair<std::string, std::string>> headers = {});

  // Submits a write; when it has committed, `on_ok` builds the reply (errors from the op, the
  // commit or on_ok itself become error replies).
  template <typename T>
  void reply_after(store::Writer& writer, app::WriteOp<T> op,
                   std::function<void(Exchange&, T&)> on_ok) {
    auto self = shared_from_this_();
    app::submit<T>(writer, std::move(op), [self, on_ok = std::move(on_ok)](app::Outcome<T> out) {
      try {
        on_ok(*self, out.get());
      } catch (...) {
        self->reply_error(std::current_exception());
      }
    });
  }

  void set_self(std::weak_ptr<Exchange> self) { self_ = std::move(self); }

 private:
  std::shared_ptr<Exchange> shared_from_this_() const { return self_.lock(); }
  void send(int status, std::string body, std::string_view content_type,
            const std::vector<std::pair<std::string, std::string>>& headers);

  restinio::request_handle_t req_;
  restinio::router::route_params_t params_;
  const Route* route_;
  ResponseSink& sink_;
  std::string request_id_;
  app::Caller caller_;
  std::optional<nlohmann::json> json_;
  mutable std::optional<restinio::query_string_params_t> query_;  // parsed on first use
  std::chrono::steady_clock::time_point start_;
  std::weak_ptr<Exchange> self_;
  bool replied_ = false;
};

// HTTP status and JSON body of an error; `retry_after` set for rate_limited.
struct ErrorReply {
  int status;
  nlohmann::json body;
  int retry_after = 0;
};
ErrorReply map_error(std::exception_ptr error, const std::string& request_id);

}  // namespace rapport::http
