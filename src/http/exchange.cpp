#include "http/exchange.hpp"

#include <future>
#include <thread>

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/validation.hpp"
#include "http/json_reader.hpp"
#include "http/request_checks.hpp"
#include "http/route.hpp"

namespace rapport::http {

namespace {

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

int status_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kPreconditionFailed:
      return 412;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kUnsupportedMediaType:
      return 415;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

// A record id as text: digits only ("+1", "-1", " 1" are none) of a positive int64.
std::optional<std::int64_t> positive_id(std::string_view v) {
  const bool digits = !v.empty() && v.find_first_not_of("0123456789") == std::string_view::npos;
  auto id = digits ? parse_int64(v) : std::nullopt;
  if (!id || *id <= 0) return std::nullopt;
  return id;
}
}  // namespace

ErrorReply map_error(std::exception_ptr error, const std::string& request_id) {
  ErrorCode code = ErrorCode::kInternal;
  std::string message = "internal error";
  std::string field;
  int retry_after = 0;
  std::int64_t existing_id = 0;
  nlohmann::json items;
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    code = e.code();
    message = e.what();
    field = e.field();
    retry_after = e.retry_after_seconds();
    existing_id = e.existing_id();
    for (const auto& item : e.items()) {
      nlohmann::json i = {{"index", item.index}, {"code", item.code}, {"message", item.message}};
      i["field"] = item.field.empty() ? nlohmann::json(nullptr) : nlohmann::json(item.field);
      if (item.existing_id != 0) i["existing_id"] = item.existing_id;
      items.push_back(std::move(i));
    }
    if (code == ErrorCode::kInternal) {
      // Internal details go to the log, not to the client.
      spdlog::error("request {}: {}", request_id, e.what());
      message = "internal error (request " + request_id + ")";
    }
  } catch (const std::exception& e) {
    spdlog::error("request {}: unexpected exception: {}", request_id, e.what());
    message = "internal error (request " + request_id + ")";
  } catch (...) {
    spdlog::error("request {}: unknown exception", request_id);
    message = "internal error (request " + request_id + ")";
  }
  nlohmann::json err = {{"code", error_code_name(code)}, {"message", message}};
  err["field"] = field.empty() ? nlohmann::json(nullptr) : nlohmann::json(field);
  // A duplicate names the record that holds the value, so a client can open or merge it.
  if (existing_id != 0) err["existing_id"] = existing_id;
  // Only bulk requests carry per-item errors; other error bodies keep exactly three keys.
  if (!items.is_null()) err["items"] = std::move(items);
  return ErrorReply{status_of(code), nlohmann::json{{"error", err}}, retry_after};
}

Exchange::Exchange(restinio::request_handle_t req, restinio::router::route_params_t params,
                   const Route* route, ResponseSink& sink, std::string request_id)
    : req_(std::move(req)),
      params_(std::move(params)),
      route_(route),
      sink_(sink),
      request_id_(std::move(request_id)),
      start_(std::chrono::steady_clock::now()) {
  caller_.request_id = request_id_;
}

std::string_view Exchange::method() const {
  return req_->header().method().c_str();
}
std::string_view Exchange::path() const {
  return req_->header().path();
}
std::string_view Exchange::body() const {
  return req_->body();
}

const nlohmann::json& Exchange::json() {
  if (!json_) json_ = parse_json_body(body());
  return *json_;
}

std::string Exchange::path_param(const char* name) const {
  return restinio::cast_to<std::string>(params_[name]);
}

std::int64_t Exchange::id_param(const char* name) const {
  auto v = params_[name];
  auto id = positive_id(v);
  if (!id) {
    throw_not_found("no record with id '" + std::string(v.substr(0, 40)) + "'", name);
  }
  return *id;
}

const restinio::query_string_params_t& Exchange::query_params() const {
  if (!query_) query_ = parse_query_string(req_->header().query());
  return *query_;
}

std::optional<std::string> Exchange::query(const char* name) const {
  auto v = query_params().get_param(name);
  if (!v) return std::nullopt;
  return std::string(*v);
}

std::optional<int> Exchange::query_int(const char* name, int min, int max) const {
  auto v = query(name);
  if (!v) return std::nullopt;
  if (v->empty() || v->size() > 10) throw_invalid(name, "must be an integer");
  long long n = 0;
  std::size_t i = 0;
  bool neg = (*v)[0] == '-';
  if (neg) i = 1;
  if (i == v->size()) throw_invalid(name, "must be an integer");
  for (; i < v->size(); ++i) {
    char c = (*v)[i];
    if (c < '0' || c > '9') throw_invalid(name, "must be an integer");
    n = n * 10 + (c - '0');
  }
  if (neg) n = -n;
  if (n < min || n > max) {
    throw_invalid(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return static_cast<int>(n);
}

std::optional<std::int64_t> Exchange::query_id(const char* name) const {
  auto v = query(name);
  if (!v) return std::nullopt;
  auto id = v->size() <= 18 ? positive_id(*v) : std::nullopt;
  if (!id) throw_invalid(name, "must be a positive integer id");
  return id;
}

std::optional<bool> Exchange::query_bool(const char* name) const {
  auto v = query(name);
  if (!v) return std::nullopt;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  throw_invalid(name, "must be true or false");
}

std::optional<std::string> Exchange::header(std::string_view name) const {
  auto v = req_->header().opt_value_of(name);
  if (!v) return std::nullopt;
  return std::string(*v);
}

void Exchange::send(int status, std::string body, std::string_view content_type,
                    const std::vector<std::pair<std::string, std::string>>& headers) {
  if (replied_) return;
  replied_ = true;
  auto resp = req_->create_response(restinio::http_status_line_t{
      restinio::http_status_code_t{static_cast<std::uint16_t>(status)}, reason_phrase(status)});
  if (!content_type.empty()) {
    resp.append_header(restinio::http_field::content_type, std::string(content_type));
  }
  resp.append_header("X-Request-Id", request_id_);
  resp.append_header("X-Content-Type-Options", "nosniff");
  // API answers are never cached; a reply that says otherwise (the web UI's files) gives its own.
  bool cache_control = false;
  for (const auto& [k, v] : headers) {
    cache_control = cache_control || restinio::impl::is_equal_caseless(k, "Cache-Control");
  }
  if (!cache_control) resp.append_header(restinio::http_field::cache_control, "no-store");
  for (const auto& [k, v] : headers) resp.append_header(k, v);
  resp.set_body(std::move(body));
  // Counted before the response leaves: a client that reads /metrics right after its own
  // request has been answered must find that request counted (the response goes out on
  // another thread and may otherwise overtake the count).
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string route_key = route_ != nullptr ? route_->key() : std::string("unmatched");
  sink_.on_response(route_key, method(), path(), status, secs, request_id_, caller_.user_id);
  resp.done();
}

void Exchange::reply_stream(int status, std::string content_type,
                            std::vector<std::pair<std::string, std::string>> headers,
                            std::function<void(const StreamWrite&)> produce) {
  if (replied_) return;
  replied_ = true;
  auto self = shared_from_this_();
  std::thread([self, status, content_type = std::move(content_type), headers = std::move(headers),
               produce = std::move(produce)] {
    std::optional<restinio::response_builder_t<restinio::chunked_output_t>> resp;
    auto start = [&] {
      resp.emplace(
          self->req_->create_response<restinio::chunked_output_t>(restinio::http_status_line_t{
              restinio::http_status_code_t{static_cast<std::uint16_t>(status)},
              reason_phrase(status)}));
      resp->append_header(restinio::http_field::content_type, content_type);
      resp->append_header("X-Request-Id", self->request_id_);
      resp->append_header("X-Content-Type-Options", "nosniff");
      resp->append_header(restinio::http_field::cache_control, "no-store");
      for (const auto& [k, v] : headers) resp->append_header(k, v);
    };
    int sent_status = status;
    try {
      produce([&](std::string_view piece) {
        if (!resp) start();
        resp->append_chunk(std::string(piece));
        auto done = std::make_shared<std::promise<bool>>();
        auto written = done->get_future();
        resp->flush([done](const auto& ec) { done->set_value(!ec); });
        // A client that stops reading for a minute is given up on.
        if (written.wait_for(std::chrono::seconds(60)) != std::future_status::ready ||
            !written.get()) {
          throw Error(ErrorCode::kUnavailable, "the client stopped reading");
        }
      });
      if (!resp) start();
      resp->done();
    } catch (...) {
      if (!resp) {
        self->replied_ = false;
        self->reply_error(std::current_exception());
        return;
      }
      sent_status = 500;
      resp->connection_close();
      resp->done();
    }
    double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - self->start_).count();
    std::string route_key = self->route_ != nullptr ? self->route_->key() : "unmatched";
    self->sink_.on_response(route_key, std::string(self->method()), std::string(self->path()),
                            sent_status, secs, self->request_id_, self->caller_.user_id);
  }).detach();
}

void Exchange::reply(int status, const nlohmann::json& body,
                     std::vector<std::pair<std::string, std::string>> headers) {
  send(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
       "application/json", headers);
}

void Exchange::reply_text(int status, std::string body, std::string content_type,
                          std::vector<std::pair<std::string, std::string>> headers) {
  send(status, std::move(body), content_type, headers);
}

void Exchange::reply_no_content(std::vector<std::pair<std::string, std::string>> headers) {
  send(204, {}, {}, headers);
}

void Exchange::reply_error(std::exception_ptr error,
                           std::vector<std::pair<std::string, std::string>> headers) {
  ErrorReply e = map_error(error, request_id_);
  if (e.retry_after > 0) headers.emplace_back("Retry-After", std::to_string(e.retry_after));
  if (e.status == 401) headers.emplace_back("WWW-Authenticate", "Bearer");
  send(e.status, e.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
       "application/json", headers);
}

}  // namespace rapport::http
