#include "cli/commands.hpp"

namespace rapport::cli {
// Filled in by the market-basket work (issue 5).
void add_analyze_basket_command(CLI::App& /*analyze*/) {}
}  // namespace rapport::cli
