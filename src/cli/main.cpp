// `rapport`: the server and the operator's command-line tool.
#include <sodium.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>
#include <toml++/toml.h>
#include <CLI/CLI.hpp>

#include "app/auth_service.hpp"
#include "app/loyalty_jobs.hpp"
#include "app/sla_scheduler.hpp"
#include "app/user_service.hpp"
#include "cli/commands.hpp"
#include "cli/demo.hpp"
#include "cli/import_command.hpp"
#include "core/error.hpp"
#include "http/server.hpp"
#include "store/database.hpp"
#include "store/migrations/migrations.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace rapport::cli {

namespace {

struct Settings {
  std::string config;
  std::string db = "rapport.db";
  std::string listen = "127.0.0.1:8080";
  std::size_t threads = 0;
  std::string access_log = "-";
  std::string web_root;
  int sweep_interval = 30;  // seconds between SLA sweeps in `serve`; 0: none
};

// Fills settings the command line left unset from rapport.toml (flags win). The file is
// optional: --config names one explicitly, else ./rapport.toml is read when present.
void apply_config_file(CLI::App& app, Settings& s) {
  std::string path = s.config;
  if (path.empty()) {
    if (!std::filesystem::exists("rapport.toml")) return;
    path = "rapport.toml";
  }
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw Error(
        ErrorCode::kInvalidArgument,
        std::string(e.description()) + " (line " + std::to_string(e.source().begin.line) + ")",
        path);
  }
  // A flag counts as given when any selected (sub)command on the path holds it: `user add --db`
  // sits two levels down, and looking only at the first level let the file override it.
  std::function<bool(const CLI::App&, const char*)> given = [&given](const CLI::App& cmd,
                                                                     const char* flag) {
    const auto* opt = cmd.get_option_no_throw(flag);
    if (opt != nullptr && opt->count() > 0) return true;
    for (const auto* sub : cmd.get_subcommands()) {
      if (given(*sub, flag)) return true;
    }
    return false;
  };
  auto unset = [&app, &given](const char* flag) { return !given(app, flag); };
  for (const auto& [k, v] : t) {
    std::string key(k.str());
    if (key == "db" && v.is_string()) {
      if (unset("--db")) s.db = *v.value<std::string>();
    } else if (key == "listen" && v.is_string()) {
      if (unset("--listen")) s.listen = *v.value<std::string>();
    } else if (key == "threads" && v.is_integer()) {
      if (unset("--threads")) s.threads = static_cast<std::size_t>(*v.value<std::int64_t>());
    } else if (key == "access_log" && v.is_string()) {
      if (unset("--access-log")) s.access_log = *v.value<std::string>();
    } else if (key == "web_root" && v.is_string()) {
      if (unset("--web-root")) s.web_root = *v.value<std::string>();
    } else if (key == "sweep_interval" && v.is_integer()) {
      if (unset("--sweep-interval")) s.sweep_interval = static_cast<int>(*v.value<std::int64_t>());
    } else {
      throw Error(ErrorCode::kInvalidArgument,
                  "unknown or mistyped setting '" + key + "' (line " +
                      std::to_string(v.source().begin.line) + ")",
                  path);
    }
  }
}

std::pair<std::string, std::uint16_t> parse_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw Error(ErrorCode::kInvalidArgument, "must be HOST:PORT, e.g. 127.0.0.1:8080", "--listen");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    std::size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 1 || port > 65535) {
    throw Error(ErrorCode::kInvalidArgument, "the port must be 1-65535", "--listen");
  }
  return {host, static_cast<std::uint16_t>(port)};
}

// Reads a password from stdin (one line) when asked, else generates one.
std::string password_from(bool from_stdin, bool& generated) {
  generated = false;
  if (from_stdin) {
    std::string line;
    std::getline(std::cin, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  generated = true;
  return app::generate_password();
}

std::int64_t user_id_by_ref(store::Database& db, const std::string& ref) {
  app::UserService users(db);
  if (!ref.empty() && ref.find_first_not_of("0123456789") == std::string::npos) {
    return app::load_user(db.reader(), std::stoll(ref)).id;
  }
  auto u = users.find_by_email(db.reader(), ref);
  if (!u) throw Error(ErrorCode::kNotFound, "no user with email or id '" + ref + "'", "user");
  return u->id;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"Rapport: the customer relationship management server"};
  app.set_version_flag("--version", std::string("rapport ") + RAPPORT_VERSION);
  // At most one subcommand; "none" is checked after parsing, so
  // that a misspelt one is reported by name instead of as "A subcommand is required".
  app.require_subcommand(0, 1);
  Settings s;
  app.add_option("--config", s.config, "Settings file (default: ./rapport.toml when present)");

  auto add_db = [&s](CLI::App* cmd) {
    cmd->add_option("--db", s.db, "SQLite database file")->capture_default_str();
  };

  // serve
  auto* serve = app.add_subcommand("serve", "Serve the web UI and the REST API");
  add_db(serve);
  serve->add_option("--listen", s.listen, "Address to listen on, HOST:PORT")->capture_default_str();
  serve->add_option("--threads", s.threads, "Worker threads (0: one per core)");
  serve->add_option("--access-log", s.access_log, "Access log: a file, - for stdout, off");
  serve->add_option("--web-root", s.web_root, "Directory of the built web UI");
  serve
      ->add_option("--sweep-interval", s.sweep_interval,
                   "Seconds between SLA sweeps (breaches and escalations); 0: no scheduler")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400));

  // service
  auto* service = app.add_subcommand("service", "Customer service: SLA scheduler");
  service->require_subcommand(0, 1);
  auto* service_sweep = service->add_subcommand(
      "sweep", "One SLA sweep: mark breaches and escalate them to the queues' managers");
  add_db(service_sweep);
  std::string sweep_at;
  service_sweep->add_option("--at", sweep_at,
                            "Sweep as of this time (RFC 3339; default: now), e.g. to catch up");

  // migrate
  auto* migrate = app.add_subcommand("migrate", "Apply pending schema migrations");
  add_db(migrate);
  bool dry_run = false;
  migrate->add_flag("--dry-run", dry_run, "Only list the migrations that would run");

  // user
  auto* user = app.add_subcommand("user", "Manage users");
  user->require_subcommand(0, 1);
  std::string email, name, role = "analyst", user_ref;
  bool password_stdin = false;
  auto* user_add = user->add_subcommand("add", "Add a user; prints a generated password");
  add_db(user_add);
  user_add->add_option("--email", email, "Email (the sign-in name)")->required();
  user_add->add_option("--name", name, "Display name")->required();
  user_add->add_option("--role", role, "admin, manager, sales, service or analyst")
      ->capture_default_str();
  user_add->add_flag("--password-stdin", password_stdin, "Read the password from stdin");
  auto* user_list = user->add_subcommand("list", "List users");
  add_db(user_list);
  auto* user_disable = user->add_subcommand("disable", "Disable a user and revoke their tokens");
  add_db(user_disable);
  user_disable->add_option("user", user_ref, "Email or id")->required();
  auto* user_reset = user->add_subcommand("reset-password", "Set a new password; prints it");
  add_db(user_reset);
  user_reset->add_option("user", user_ref, "Email or id")->required();
  user_reset->add_flag("--password-stdin", password_stdin, "Read the password from stdin");

  // token
  auto* token = app.add_subcommand("token", "Manage API tokens for integrations");
  token->require_subcommand(0, 1);
  std::string token_name;
  int expires_days = 365;
  std::int64_t token_id = 0;
  auto* token_create = token->add_subcommand("create", "Create an API token; prints it once");
  add_db(token_create);
  token_create->add_option("--user", user_ref, "Email or id of the user it acts as")->required();
  token_create->add_option("--name", token_name, "What it is for")->required();
  token_create->add_option("--expires-days", expires_days, "Days until it expires (1-730)")
      ->capture_default_str();
  auto* token_revoke = token->add_subcommand("revoke", "Revoke a token");
  add_db(token_revoke);
  token_revoke->add_option("id", token_id, "Token id")->required();

  // backup
  auto* backup = app.add_subcommand("backup", "Online, consistent copy of the database");
  add_db(backup);
  std::string backup_file;
  backup->add_option("file", backup_file, "Destination file (must not exist)")->required();

  // vacuum
  auto* vacuum = app.add_subcommand(
      "vacuum",
      "Rebuild the database file without its free pages (with no server or other command on it)");
  add_db(vacuum);

  // demo
  auto* demo = app.add_subcommand("demo", "Create a demo database with an admin user");
  add_db(demo);
  DemoOptions demo_opts;
  demo->add_option("--seed", demo_opts.seed, "Seed of the generated data")->capture_default_str();
  demo->add_flag("--force", demo_opts.force, "Replace an existing database file");
  demo->add_option("--customers", demo_opts.customers,
                   "Customers of the generated store (0: only an admin user, no store)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));

  // import, export
  ImportCliOptions import_opts;
  auto* import = add_import_command(app, import_opts);
  add_db(import);
  ExportCliOptions export_opts;
  auto* export_cmd = add_export_command(app, export_opts);
  add_db(export_cmd);

  // routes
  auto* routes = app.add_subcommand(
      "routes", "Print the API's route table (method, path, permission) as JSON");

  // analyze
  auto* analyze = app.add_subcommand("analyze", "Customer intelligence on the store or a file");
  analyze->require_subcommand(1);
  const ConfiguredDb configured_db = [&app, &s] {
    Settings from_file = s;
    apply_config_file(app, from_file);
    return from_file.db;
  };
  add_analyze_clv_commands(*analyze, configured_db);
  add_analyze_basket_command(*analyze);

  add_loyalty_commands(app, configured_db);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  for (CLI::App* cmd : {&app, user, token, service}) {
    if ((cmd == &app || cmd->parsed()) && cmd->get_subcommands().empty()) {
      std::fprintf(stderr, "rapport: choose a subcommand\n%s", cmd->help().c_str());
      return 2;
    }
  }

  try {
    apply_config_file(app, s);
    auto caller = app::Caller::operator_cli();
    if (*serve) {
      auto [host, port] = parse_listen(s.listen);
      store::DatabaseOptions db_opts;
      // For bench/http only (what write grouping buys): 1 commits every write on its own. Not a
      // setting: grouping keeps every guarantee, so there is no reason to turn it off in use.
      if (const char* g = std::getenv("RAPPORT_BENCH_MAX_WRITE_GROUP")) {
        int n = std::atoi(g);
        if (n < 1) {
          throw Error(ErrorCode::kInvalidArgument, "must be a positive integer",
                      "RAPPORT_BENCH_MAX_WRITE_GROUP");
        }
        db_opts.max_write_group = static_cast<std::size_t>(n);
      }
      store::Database db(s.db, db_opts);
      http::ServerConfig cfg;
      cfg.address = host;
      cfg.port = port;
      cfg.threads = s.threads;
      cfg.access_log = s.access_log;
      cfg.web_root = s.web_root;
      http::Server server(cfg, db);
      std::optional<app::SlaScheduler> scheduler;
      if (s.sweep_interval > 0) {
        scheduler.emplace(db, std::chrono::milliseconds(s.sweep_interval * 1000LL),
                          [&db](TimeMs now) {
                            const app::ExpiryResult e = app::expire_points(db, now);
                            const app::TierReviewResult t = app::review_tiers(db, now);
                            spdlog::info(
                                "loyalty: {} points of {} members expired, {} notices; {} tiers "
                                "reviewed, {} changed",
                                e.points, e.members, e.notices, t.reviewed, t.changed);
                          });
      }
      server.run_until_signal();
      return 0;
    }
    if (*service_sweep) {
      if (!std::filesystem::exists(s.db)) {
        throw Error(ErrorCode::kNotFound, "no such database file", "--db");
      }
      TimeMs at = now_ms();
      if (!sweep_at.empty()) {
        auto t = parse_time(sweep_at);
        if (!t)
          throw Error(ErrorCode::kInvalidArgument,
                      "must be a time such as "
                      "2026-11-30T18:00:00Z",
                      "--at");
        at = *t;
      }
      store::Database db(s.db);
      const auto start = std::chrono::steady_clock::now();
      app::SweepResult r = app::sweep_sla(db, at);
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      std::printf(
          "swept as of %s: %lld first-response and %lld resolution breaches, %lld "
          "notifications, %lld batches, %.1f ms\n",
          format_time(at).c_str(), static_cast<long long>(r.first_response_breaches),
          static_cast<long long>(r.resolution_breaches), static_cast<long long>(r.notifications),
          static_cast<long long>(r.batches), ms);
      return 0;
    }
    if (*migrate) {
      store::SqliteConnection conn(s.db, store::SqliteOptions{});
      auto pending = store::pending_migrations(conn);
      if (pending.empty()) {
        std::printf("schema is up to date (version %d)\n", store::current_schema_version(conn));
        return 0;
      }
      for (const auto& m : pending) {
        std::printf("%s %d: %s\n", dry_run ? "would apply" : "applying", m.version,
                    std::string(m.name).c_str());
      }
      if (!dry_run) {
        store::migrate(conn);
        std::printf("schema is now version %d\n", store::latest_schema_version());
      }
      return 0;
    }
    if (*user_add || *user_list || *user_disable || *user_reset) {
      store::Database db(s.db);
      app::UserService users(db);
      if (*user_add) {
        auto r = parse_role(role);
        if (!r)
          throw Error(ErrorCode::kInvalidArgument,
                      "must be admin, manager, sales, service or analyst", "--role");
        bool generated = false;
        std::string pw = password_from(password_stdin, generated);
        auto u = db.writer().run(users.create(caller, {email, name, *r, pw}));
        std::printf("created user %lld %s (%s)\n", static_cast<long long>(u.id), u.email.c_str(),
                    std::string(role_name(u.role)).c_str());
        if (generated) std::printf("password: %s\n", pw.c_str());
      } else if (*user_list) {
        std::optional<std::string> cursor;
        std::printf("%-6s %-32s %-24s %-8s %s\n", "id", "email", "name", "role", "status");
        do {
          app::UserListParams p;
          p.cursor = cursor;
          p.limit = app::kMaxPageSize;
          auto page = users.list(caller, p);
          for (const auto& u : page.items) {
            std::printf("%-6lld %-32s %-24s %-8s %s\n", static_cast<long long>(u.id),
                        u.email.c_str(), u.name.c_str(), std::string(role_name(u.role)).c_str(),
                        u.disabled ? "disabled" : "active");
          }
          cursor = page.next_cursor;
        } while (cursor);
      } else if (*user_disable) {
        auto id = user_id_by_ref(db, user_ref);
        app::UserPatch p;
        p.disabled = true;
        auto u = db.writer().run(users.update(caller, id, p, std::nullopt));
        std::printf("disabled user %lld %s; their tokens are revoked\n",
                    static_cast<long long>(u.id), u.email.c_str());
      } else {
        auto id = user_id_by_ref(db, user_ref);
        bool generated = false;
        std::string pw = password_from(password_stdin, generated);
        auto u = db.writer().run(users.set_password(caller, id, pw));
        std::printf("new password set for %s; their sessions are revoked\n", u.email.c_str());
        if (generated) std::printf("password: %s\n", pw.c_str());
      }
      return 0;
    }
    if (*token_create || *token_revoke) {
      store::Database db(s.db);
      app::AuthService auth(db);
      if (*token_create) {
        auto uid = user_id_by_ref(db, user_ref);
        auto t = db.writer().run(auth.create_api_token(caller, uid, token_name, expires_days));
        std::printf("token %lld for %s, expires %s\n%s\n", static_cast<long long>(t.id),
                    t.user.email.c_str(), format_time(t.expires_at).c_str(), t.token.c_str());
      } else {
        auto t = db.writer().run(auth.revoke_token(caller, token_id));
        std::printf("token %lld revoked\n", static_cast<long long>(t.id));
      }
      return 0;
    }
    if (*backup) {
      if (std::filesystem::exists(backup_file)) {
        throw Error(ErrorCode::kConflict, "already exists; choose a new file", backup_file);
      }
      store::SqliteConnection conn(s.db, store::SqliteOptions{.read_only = false, .create = false});
      conn.backup_to(backup_file);
      std::printf("backed up %s to %s\n", s.db.c_str(), backup_file.c_str());
      return 0;
    }
    if (*vacuum) {
      const auto r = store::vacuum_database(s.db);
      std::printf("vacuumed %s in %.1f s: %.1f MB -> %.1f MB (%lld free pages returned)\n",
                  s.db.c_str(), r.seconds, static_cast<double>(r.bytes_before) / 1e6,
                  static_cast<double>(r.bytes_after) / 1e6,
                  static_cast<long long>(r.free_pages_before));
      return 0;
    }
    if (*routes) {
      // The table needs services to bind handlers to; an in-memory database serves, as no
      // handler runs.
      store::Database db(":memory:");
      http::Services services(db);
      nlohmann::json out = nlohmann::json::array();
      for (const auto& r : http::build_routes(services)) {
        out.push_back(
            {{"method", r.method},
             {"path", r.path},
             {"permission", r.permission ? nlohmann::json(app::permission_name(*r.permission))
                                         : nlohmann::json(nullptr)},
             {"query", r.query_params},
             {"body", r.body == http::BodyKind::kJson}});
      }
      std::printf("%s\n", out.dump(1).c_str());
      return 0;
    }
    if (*import) return run_import_command(s.db, import_opts);
    if (*export_cmd) return run_export_command(s.db, export_opts);
    if (*demo) {
      demo_opts.db = s.db;
      return run_demo(demo_opts);
    }
  } catch (const Error& e) {
    if (e.field().empty()) {
      std::fprintf(stderr, "rapport: %s\n", e.what());
    } else {
      std::fprintf(stderr, "rapport: %s: %s\n", e.field().c_str(), e.what());
    }
    return e.code() == ErrorCode::kInvalidArgument ? 2 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rapport: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace rapport::cli

namespace {

// glibc's malloc backs the heap with 4 KiB pages, and on the virtual machines we run on every
// first touch of a page is a fault that costs microseconds in the hypervisor: a refresh of the
// analytics on 1M customers (vectors of millions of orders and order lines) spent a third of its
// CPU in page faults. The tunable glibc.malloc.hugetlb=1 makes malloc ask the kernel for
// transparent huge pages (madvise) for what it maps: 512 times fewer faults (measured: that
// refresh 9.5-10.7 s -> 8.4 s, bench/analytics_refresh/README.md). Tunables are read only when a
// process starts, so the first start sets it and executes the same binary again (same pid, same
// arguments, same environment otherwise). Not done when the system has huge pages off, when
// GLIBC_TUNABLES already says, or under the sanitizers (their allocator ignores it).
void use_huge_pages_for_the_heap(char** argv) {
#if defined(__linux__) && defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr &&
      std::string_view(tunables).find("glibc.malloc.hugetlb") != std::string_view::npos) {
    return;
  }
  if (std::FILE* f = std::fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r")) {
    char mode[128] = {};
    const std::size_t n = std::fread(mode, 1, sizeof mode - 1, f);
    std::fclose(f);
    if (n == 0 || std::string_view(mode, n).find("[never]") != std::string_view::npos) return;
  } else {
    return;
  }
  std::string value = tunables != nullptr && *tunables != '\0' ? std::string(tunables) + ":" : "";
  value += "glibc.malloc.hugetlb=1";
  if (::setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  // Could not: run on with the default pages (and leave the variable as it was).
  if (tunables != nullptr) {
    ::setenv("GLIBC_TUNABLES", tunables, 1);
  } else {
    ::unsetenv("GLIBC_TUNABLES");
  }
#else
  (void)argv;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  use_huge_pages_for_the_heap(argv);
  return rapport::cli::run(argc, argv);
}
