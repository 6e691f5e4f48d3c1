#pragma once
// Each `rapport` subcommand registers itself on the CLI11 app through one of these functions, so
// a new command is one new file plus one line in main.cpp.
#include <CLI/CLI.hpp>

namespace rapport::cli {

// `rapport analyze clv|rfm|pareto|types` (analyze_command.cpp).
void add_analyze_clv_commands(CLI::App& analyze);
// `rapport analyze basket` (analyze_basket_command.cpp).
void add_analyze_basket_command(CLI::App& analyze);
// `rapport loyalty expire|review-tiers` (loyalty_command.cpp).
void add_loyalty_commands(CLI::App& app);

}  // namespace rapport::cli
