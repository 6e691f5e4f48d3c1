// Imports (CSV uploads, run synchronously by the same importer as `rapport import`) and
// streamed exports.
#include "app/export/exporter.hpp"
#include "app/import/importer.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "core/validation.hpp"
#include "http/exchange.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"

namespace rapport::http {

namespace {

// Not named to_json: in a unity batch an anonymous-namespace to_json would hide the codecs' ones
// from the files compiled after this one.
nlohmann::json import_summary_json(const app::ImportSummary& s) {
  return {{"id", s.id},
          {"kind", s.kind},
          {"file", s.file},
          {"status", s.status},
          {"line", s.line},
          {"created", s.created},
          {"updated", s.updated},
          {"rejected", s.rejected},
          {"error", s.error ? nlohmann::json(*s.error) : nlohmann::json(nullptr)},
          {"started_at", format_time(s.started_at)},
          {"finished_at",
           s.finished_at ? nlohmann::json(format_time(*s.finished_at)) : nlohmann::json(nullptr)}};
}

}  // namespace

void add_import_routes(RouteTable& routes, Services& s) {
  routes.push_back({"POST",
                    "/api/v1/imports/{kind}",
                    app::Permission::kImport,
                    {"match", "source"},
                    BodyKind::kCsv,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::ImportOptions o;
                      auto kind = app::parse_import_kind(ex->path_param("kind"));
                      if (!kind) {
                        throw_invalid(
                            "kind", "must be customers, products, invoices, transactions or cdnow");
                      }
                      o.kind = *kind;
                      o.file = "upload";
                      if (auto m = ex->query("match"))
                        o.match = app::parse_match_rules("match", *m);
                      if (auto src = ex->query("source")) {
                        check_text("source", *src, 40, true);
                        o.source = *src;
                      }
                      // The upload is at most max_upload_bytes and is imported as one batch: all or
                      // nothing, on this worker thread (the writes themselves go through the one
                      // writer).
                      auto summary = app::Importer(s.db, ex->caller()).run_text(o, ex->body());
                      ex->reply(201, import_summary_json(summary),
                                {{"Location", "/api/v1/imports/" + std::to_string(summary.id)}});
                    }});
  routes.push_back(
      {"GET",
       "/api/v1/imports/{id}",
       app::Permission::kImport,
       {},
       BodyKind::kNone,
       [&s](const std::shared_ptr<Exchange>& ex) {
         ex->reply(200, import_summary_json(app::get_import(s.db, ex->caller(), ex->id_param())));
       }});
  routes.push_back({"GET",
                    "/api/v1/exports/customers.csv",
                    app::Permission::kExport,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::Caller caller = ex->caller();
                      ex->reply_stream(
                          200, "text/csv; charset=utf-8",
                          {{"Content-Disposition", "attachment; filename=\"customers.csv\""}},
                          [&s, caller](const Exchange::StreamWrite& write) {
                            app::export_csv(s.db, caller, app::ExportTable::kCustomers, write);
                          });
                    }});
}

}  // namespace rapport::http
