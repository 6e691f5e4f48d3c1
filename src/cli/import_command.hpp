#pragma once
// `rapport import KIND FILE` (import_command.cpp) and `rapport export customers|orders`
// (export_command.cpp): registered by main.cpp,
// run after rapport.toml is applied (they need --db).
#include <string>

#include <CLI/CLI.hpp>

namespace rapport::cli {

struct ImportCliOptions {
  std::string kind, file, reject_file, mapping, match = "external_id,email,phone",
                                                source = "import";
  bool resume = false, skip_invalid = false, progress = false;
  std::size_t batch = 200000;  // app::ImportOptions::batch says why
};
CLI::App* add_import_command(CLI::App& app, ImportCliOptions& o);
// Returns the exit code: 0 done, 2 an invalid row or option (stopped), 1 other failures.
int run_import_command(const std::string& db, const ImportCliOptions& o);

struct ExportCliOptions {
  std::string what, format = "csv", output;
};
CLI::App* add_export_command(CLI::App& app, ExportCliOptions& o);
int run_export_command(const std::string& db, const ExportCliOptions& o);

}  // namespace rapport::cli
