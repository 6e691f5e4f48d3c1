#pragma once
// `rapport demo`: a fresh database for trying Rapport: staff users of every role with generated
// passwords (printed; no default credentials anywhere) and a generated demo store
// (app/demo_store.hpp), deterministic from --seed.
#include <cstdint>
#include <string>

namespace rapport::cli {

struct DemoOptions {
  std::string db = "rapport-demo.db";
  std::uint64_t seed = 42;
  bool force = false;  // replace an existing file
  // Customers of the generated store; 0: only the admin, no store (what the API tests start
  // from).
  int customers = 20000;
};

// Returns the process exit code.
int run_demo(const DemoOptions& options);

}  // namespace rapport::cli
