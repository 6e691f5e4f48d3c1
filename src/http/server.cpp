#include "http/server.hpp"

#include <signal.h>
#include <sodium.h>

#include <atomic>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "http/access_log.hpp"
#include "http/browser_session.hpp"
#include "http/exchange.hpp"
#include "http/request_checks.hpp"
#include "http/static_files.hpp"

// pcre2.h needs the code unit width first (8: UTF-8 paths); only this file includes it.
#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <restinio/router/pcre2_regex_engine.hpp>

namespace rapport::http {

namespace {

// RESTinio's express router tries the routes of the request's method in order, each with its
// regex; with std::regex that was ~7% of the CPU of a GET by id. PCRE2 (RESTinio's own engine
// adapter) matches the same patterns several times faster.
using Router = restinio::router::express_router_t<restinio::router::pcre2_regex_engine_t<>>;

struct Traits : public restinio::default_traits_t {
  using request_handler_t = Router;
};

// "/api/v1/users/{id}" -> "/api/v1/users/:id"
std::string to_express_path(const std::string& path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '{') {
      auto end = path.find('}', i);
      out += ':';
      out += path.substr(i + 1, end - i - 1);
      i = end;
    } else {
      out += path[i];
    }
  }
  return out;
}

restinio::http_method_id_t method_id(const std::string& m) {
  if (m == "GET") return restinio::http_method_get();
  if (m == "POST") return restinio::http_method_post();
  if (m == "PUT") return restinio::http_method_put();
  if (m == "PATCH") return restinio::http_method_patch();
  if (m == "DELETE") return restinio::http_method_delete();
  throw Error(ErrorCode::kInternal, "unsupported method in route table: " + m);
}

// Request ids: a random per-process prefix and a counter; cheap, unique, unguessable enough
// to correlate logs (they are not secrets).
std::string next_request_id() {
  static const std::string prefix = [] {
    if (sodium_init() < 0) return std::string("r");
    return fmt::format("{:08x}", randombytes_random());
  }();
  static std::atomic<std::uint64_t> counter{0};
  return fmt::format("{}-{:x}", prefix, ++counter);
}

// The client's id when it is usable (see valid_client_request_id), else a new one.
std::string request_id_for(const restinio::request_t& req) {
  if (auto v = req.header().opt_value_of("X-Request-Id"); v && valid_client_request_id(*v)) {
    return std::string(*v);
  }
  return next_request_id();
}

// The methods the route table has for `path`, as an Allow header value ("GET, PATCH"); empty
// when no route has this path.
std::string allowed_methods(const RouteTable& routes, std::string_view path) {
  std::string allow;
  for (const Route& route : routes) {
    if (!path_matches_template(route.path, path)) continue;
    if (allow.find(route.method) != std::string::npos) continue;
    if (!allow.empty()) allow += ", ";
    allow += route.method;
  }
  return allow;
}

// The caller behind a request: `Authorization: Bearer` (integrations, unchanged), else the
// browser's session cookie, which needs the CSRF header on anything that may change state.
app::Caller authenticate_request(const restinio::request_t& req, app::AuthService& auth,
                                 const std::string& request_id) {
  if (auto bearer = req.header().opt_value_of(restinio::http_field::authorization)) {
    if (bearer->size() < 8 || bearer->substr(0, 7) != "Bearer ") {
      throw Error(ErrorCode::kUnauthenticated, "send 'Authorization: Bearer <token>'");
    }
    return auth.authenticate(bearer->substr(7), request_id);
  }
  std::optional<std::string> session;
  if (auto cookies = req.header().opt_value_of(restinio::http_field::cookie)) {
    session = cookie_value(*cookies, kSessionCookie);
  }
  if (!session || session->empty()) {
    throw Error(ErrorCode::kUnauthenticated,
                "sign in first: send 'Authorization: Bearer <token>' (or the browser's session "
                "cookie)");
  }
  app::Caller caller = auth.authenticate(*session, request_id);
  const auto method = req.header().method();
  if (method != restinio::http_method_get() && method != restinio::http_method_head()) {
    auto sent = req.header().opt_value_of(kCsrfHeader);
    if (!sent || !csrf_token_matches(*session, *sent)) {
      throw Error(ErrorCode::kForbidden,
                  std::string("a request signed in by cookie must send the CSRF token (cookie ") +
                      std::string(kCsrfCookie) + ") in the " + std::string(kCsrfHeader) + " header",
                  std::string(kCsrfHeader));
    }
  }
  return caller;
}

}  // namespace

struct Server::Impl : public ResponseSink {
  explicit Impl(const ServerConfig& config) {
    if (config.access_log != "off") access = std::make_unique<AccessLog>(config.access_log);
  }

  void on_response(std::string_view route_key, std::string_view method, std::string_view path,
                   int status, double seconds, std::string_view request_id,
                   std::optional<std::int64_t> user_id) override {
    metrics->observe(route_key, status, seconds);
    if (access) access->write({request_id, method, path, route_key, status, seconds, user_id});
  }

  Metrics* metrics = nullptr;
  std::unique_ptr<AccessLog> access;
};

Server::Server(ServerConfig config, store::Database& db)
    : config_(std::move(config)), services_(db), routes_(build_routes(services_)) {
  impl_ = std::make_unique<Impl>(config_);
  impl_->metrics = &services_.metrics;
  services_.metrics.add_gauge("rapport_db_write_queue_depth",
                              "Writes waiting for the database writer.",
                              [&db] { return static_cast<double>(db.writer().queue_depth()); });
  services_.metrics.add_gauge("rapport_db_write_commits_total",
                              "Commits made by the database writer (grouped writes).",
                              [&db] { return static_cast<double>(db.writer().commits()); });
  services_.metrics.add_gauge("rapport_db_write_jobs_total", "Writes run by the database writer.",
                              [&db] { return static_cast<double>(db.writer().jobs()); });
}

Server::~Server() = default;

void Server::run_until_signal() {
  auto router = std::make_unique<Router>();
  ResponseSink& sink = *impl_;
  Services& services = services_;
  const std::size_t max_body = config_.max_body_bytes;
  const std::size_t max_upload = config_.max_upload_bytes;

  for (const Route& route : routes_) {
    const Route* r = &route;
    router->add_handler(
        method_id(route.method), to_express_path(route.path),
        [r, &sink, &services, max_body, max_upload](restinio::request_handle_t req,
                                                    restinio::router::route_params_t params) {
          auto ex =
              std::make_shared<Exchange>(req, std::move(params), r, sink, request_id_for(*req));
          ex->set_self(ex);
          try {
            if (r->permission) {
              ex->set_caller(authenticate_request(*req, services.auth, ex->request_id()));
              app::require(ex->caller(), *r->permission);
            }
            // Unknown query parameters are refused, so a misspelt filter never passes silently.
            // Parsed by the Exchange, so handlers read exactly what was checked here.
            for (const auto& [k, v] : ex->query_params()) {
              bool known = false;
              for (const auto& name : r->query_params) known = known || name == k;
              if (!known) {
                throw_invalid(std::string(k), "is not a query parameter of this endpoint");
              }
            }
            if (r->body == BodyKind::kJson) {
              if (req->body().size() > max_body) {
                throw Error(
                    ErrorCode::kPayloadTooLarge,
                    "the request body is larger than " + std::to_string(max_body) + " bytes",
                    "body");
              }
              auto ct = req->header().opt_value_of(restinio::http_field::content_type);
              if (!ct || !is_json_content_type(*ct)) {
                throw Error(ErrorCode::kUnsupportedMediaType,
                            "send the body as 'Content-Type: application/json'", "Content-Type");
              }
            }
            if (r->body == BodyKind::kCsv) {
              if (req->body().size() > max_upload) {
                throw Error(ErrorCode::kPayloadTooLarge,
                            "the upload is larger than " + std::to_string(max_upload) +
                                " bytes; import larger files with `rapport import` on the server",
                            "body");
              }
              auto ct = req->header().opt_value_of(restinio::http_field::content_type);
              std::string_view ctv = ct ? *ct : std::string_view{};
              if (ctv.substr(0, 8) != "text/csv") {
                throw Error(ErrorCode::kUnsupportedMediaType,
                            "send the file as 'Content-Type: text/csv'", "Content-Type");
              }
            }
            r->handler(ex);
          } catch (...) {
            ex->reply_error(std::current_exception());
          }
          return restinio::request_accepted();
        });
  }

  auto statics = std::make_shared<StaticFiles>(config_.web_root);
  const RouteTable& routes = routes_;
  router->non_matched_request_handler([&sink, &routes, statics](restinio::request_handle_t req) {
    auto ex = std::make_shared<Exchange>(req, restinio::router::route_params_t{}, nullptr, sink,
                                         request_id_for(*req));
    ex->set_self(ex);
    const std::string path(req->header().path());
    // A known path with a method it does not take: 405 naming the methods it does take.
    if (std::string allow = allowed_methods(routes, path); !allow.empty()) {
      ex->reply_error(
          std::make_exception_ptr(Error(ErrorCode::kMethodNotAllowed,
                                        std::string(req->header().method().c_str()) + " " + path +
                                            " is not allowed; use " + allow,
                                        "method")),
          {{"Allow", allow}});
      return restinio::request_accepted();
    }
    bool is_get = req->header().method() == restinio::http_method_get();
    if (is_get && path.rfind("/api/", 0) != 0) {
      // The web UI (StaticFiles: from memory, gzip, cached by hash).
      const auto& h = req->header();
      auto r = statics->get(path, h.get_field_or(restinio::http_field::accept_encoding, ""),
                            h.get_field_or(restinio::http_field::if_none_match, ""));
      if (r) {
        r->headers.emplace_back(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'");
        r->headers.emplace_back("X-Frame-Options", "DENY");
        ex->reply_text(r->status, std::move(r->body), r->status == 304 ? "" : r->content_type,
                       std::move(r->headers));
        return restinio::request_accepted();
      }
    }
    ex->reply_error(std::make_exception_ptr(
        Error(ErrorCode::kNotFound,
              "no such endpoint: " + std::string(req->header().method().c_str()) + " " + path)));
    return restinio::request_accepted();
  });

  std::size_t threads =
      config_.threads != 0 ? config_.threads : std::max(1u, std::thread::hardware_concurrency());
  // Block the stop signals in every thread; this thread waits for them with sigwait.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  auto settings =
      restinio::server_settings_t<Traits>{}
          .address(config_.address)
          .port(config_.port)
          .request_handler(std::move(router))
          // RESTinio drops a connection whose body exceeds this; JSON bodies are checked against
          // max_body_bytes above so that they get a 413 with a JSON error instead.
          .incoming_http_msg_limits(
              restinio::incoming_http_msg_limits_t{}.max_body_size(64u * 1024 * 1024))
          .read_next_http_message_timelimit(std::chrono::seconds(60))
          .handle_request_timeout(std::chrono::seconds(60));
  restinio::running_server_handle_t<Traits> server;
  try {
    server = restinio::run_async<Traits>(restinio::own_io_context(), std::move(settings), threads);
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kUnavailable,
                "cannot listen on " + config_.address + ":" + std::to_string(config_.port) + ": " +
                    e.what(),
                "listen");
  }
  spdlog::info("rapport serving on http://{}:{} with {} threads", config_.address, config_.port,
               threads);
  int sig = 0;
  sigwait(&set, &sig);
  spdlog::info("rapport stopping (signal {})", sig);
  server->stop();
  server->wait();
}

}  // namespace rapport::http
