#pragma once
// `rapport demo`: a fresh database for trying Rapport, with an admin user whose password is
// generated and printed (no default credentials anywhere).
#include <cstdint>
#include <string>

namespace rapport::cli {

struct DemoOptions {
  std::string db = "rapport-demo.db";
  std::uint64_t seed = 42;
  bool force = false;  // replace an existing file
};

// Returns the process exit code.
int run_demo(const DemoOptions& options);

}  // namespace rapport::cli
