#include "cli/commands.hpp"

namespace rapport::cli {
// Filled in by the customer-intelligence work (issue 4).
void add_analyze_clv_commands(CLI::App& /*analyze*/) {}
}  // namespace rapport::cli
