#include "cli/import_command.hpp"

#include <unistd.h>

#include <cstdio>

#include "app/import/importer.hpp"
#include "core/error.hpp"
#include "store/database.hpp"

namespace rapport::cli {

CLI::App* add_import_command(CLI::App& app, ImportCliOptions& o) {
  auto* cmd = app.add_subcommand(
      "import", "Import a file: customers, products, invoices, transactions or cdnow");
  cmd->add_option("kind", o.kind, "customers, products, invoices, transactions or cdnow")
      ->required()
      ->check(CLI::IsMember({"customers", "products", "invoices", "transactions", "cdnow"}));
  cmd->add_option("file", o.file, "The file to read")->required();
  cmd->add_flag("--resume", o.resume, "Continue the unfinished import of this file");
  cmd->add_flag("--skip-invalid", o.skip_invalid,
                "Write invalid rows to the reject file and go on (default: stop at the first)");
  cmd->add_option("--reject-file", o.reject_file, "Where --skip-invalid writes rejected rows");
  cmd->add_option("--mapping", o.mapping, "customers: file of 'Header = field' lines");
  cmd->add_option("--match", o.match,
                  "customers: rules that find an existing customer to update, in order")
      ->capture_default_str();
  cmd->add_option("--batch", o.batch, "Rows per commit (the resume granularity)")
      ->capture_default_str();
  cmd->add_option("--source", o.source, "System the external ids and order numbers come from")
      ->capture_default_str();
  cmd->add_flag("--progress", o.progress, "Show progress even when stderr is not a terminal");
  return cmd;
}

int run_import_command(const std::string& db_path, const ImportCliOptions& c) {
  app::ImportOptions o;
  o.kind = *app::parse_import_kind(c.kind);
  o.file = c.file;
  o.resume = c.resume;
  o.skip_invalid = c.skip_invalid;
  o.reject_file = c.reject_file;
  o.mapping_file = c.mapping;
  o.match = app::parse_match_rules("--match", c.match);
  o.batch = c.batch;
  o.source = c.source;
  if (c.skip_invalid && c.reject_file.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "--skip-invalid needs --reject-file", "--reject-file");
  }
  const bool tty = isatty(STDERR_FILENO) == 1;
  if (c.progress || tty) {
    o.progress = [tty](const app::ImportProgress& p) {
      double rate = p.seconds > 0 ? static_cast<double>(p.rows) / p.seconds : 0;
      double eta = 0;
      if (p.bytes > 0 && p.total_bytes > p.bytes && p.seconds > 0) {
        eta =
            p.seconds * static_cast<double>(p.total_bytes - p.bytes) / static_cast<double>(p.bytes);
      }
      std::fprintf(stderr, "%s%llu rows  %.0f rows/s  %.0f%%  ETA %.0f s%s", tty ? "\r" : "",
                   static_cast<unsigned long long>(p.rows), rate,
                   p.total_bytes > 0
                       ? 100.0 * static_cast<double>(p.bytes) / static_cast<double>(p.total_bytes)
                       : 0.0,
                   eta, tty ? "   " : "\n");
    };
  }
  store::Database db(db_path);
  app::Importer importer(db, app::Caller::operator_cli());
  auto t0 = std::chrono::steady_clock::now();
  app::ImportSummary s;
  try {
    s = importer.run_file(o);
  } catch (...) {
    if (o.progress && tty) std::fprintf(stderr, "\n");
    throw;
  }
  if (o.progress && tty) std::fprintf(stderr, "\n");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("import %lld (%s) %s: %lld created, %lld updated, %lld rejected; up to line %lld\n",
              static_cast<long long>(s.id), s.kind.c_str(), s.status.c_str(),
              static_cast<long long>(s.created), static_cast<long long>(s.updated),
              static_cast<long long>(s.rejected), static_cast<long long>(s.line));
  std::printf(
      "this run: %llu rows read in %.2f s (%.0f rows/s); %lld orders, %lld customers "
      "and %lld products created along the way\n",
      static_cast<unsigned long long>(s.rows_read), secs,
      secs > 0 ? static_cast<double>(s.rows_read) / secs : 0.0, static_cast<long long>(s.orders),
      static_cast<long long>(s.customers_created), static_cast<long long>(s.products_created));
  if (s.rejected > 0) std::printf("rejected rows are in %s\n", c.reject_file.c_str());
  return 0;
}

}  // namespace rapport::cli
