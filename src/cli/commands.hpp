#pragma once
// Each `rapport` subcommand registers itself on the CLI11 app through one of these functions, so
// a new command is one new file plus one line in main.cpp.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace rapport::cli {

// The database file of rapport.toml (or of --config's file), else rapport.db: for the commands
// that run while the command line is parsed and so before main() reads the file for the others.
// Called only when the command's own --db was not given. Throws rapport::Error for a bad file.
using ConfiguredDb = std::function<std::string()>;

// `rapport analyze refresh|clv|rfm|pareto|types` (analyze_command.cpp).
void add_analyze_clv_commands(CLI::App& analyze, ConfiguredDb configured_db);
// `rapport analyze basket` (analyze_basket_command.cpp).
void add_analyze_basket_command(CLI::App& analyze);
// `rapport loyalty expire|review-tiers` (loyalty_command.cpp).
void add_loyalty_commands(CLI::App& app, ConfiguredDb configured_db);

}  // namespace rapport::cli
