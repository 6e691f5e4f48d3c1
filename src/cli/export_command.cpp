#include <chrono>
#include <cstdio>

#include "app/export/exporter.hpp"
#include "cli/import_command.hpp"
#include "core/error.hpp"
#include "store/database.hpp"

namespace rapport::cli {

CLI::App* add_export_command(CLI::App& app, ExportCliOptions& o) {
  auto* cmd = app.add_subcommand("export", "Export customers or orders to CSV or XLSX");
  cmd->add_option("what", o.what, "customers or orders")
      ->required()
      ->check(CLI::IsMember({"customers", "orders"}));
  cmd->add_option("--format", o.format, "csv or xlsx")
      ->capture_default_str()
      ->check(CLI::IsMember({"csv", "xlsx"}));
  cmd->add_option("--output", o.output, "File to write (replaced)")->required();
  return cmd;
}

int run_export_command(const std::string& db_path, const ExportCliOptions& o) {
  store::Database db(db_path);
  auto t0 = std::chrono::steady_clock::now();
  auto n = app::export_file(db, app::Caller::operator_cli(), *app::parse_export_table(o.what),
                            *app::parse_export_format(o.format), o.output);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("exported %lld %s to %s in %.2f s\n", static_cast<long long>(n), o.what.c_str(),
              o.output.c_str(), secs);
  return 0;
}

}  // namespace rapport::cli
