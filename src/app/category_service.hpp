#pragma once
// Product categories: a tree (parent_id), shown by their path from the root ("Food > Tea").
// Names are unique among siblings and may not contain '>' (the path separator), so a path names
// one category. Categories are created and renamed, never deleted (products point at them), so
// the tree cannot grow a cycle.
// Errors: invalid_argument (field named), not_found, conflict (a sibling has the name), forbidden.
// Thread-safety: all methods may be called from any thread.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "app/caller.hpp"
#include "app/page.hpp"
#include "app/write_op.hpp"
#include "store/database.hpp"

namespace rapport::app {

struct Category {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::int64_t> parent_id;
  std::string path;  // names from the root, joined by " > "
};

struct CategoryListParams {
  std::optional<std::int64_t> parent_id;  // only the direct children of this category
  std::optional<std::string> cursor;
  std::optional<int> limit;
};

inline constexpr std::size_t kMaxCategoryName = 100;
// Deeper trees are refused: paths stay readable and their computation bounded.
inline constexpr int kMaxCategoryDepth = 10;

class CategoryService {
 public:
  explicit CategoryService(store::Database& db) : db_(db) {}

  Category get(const Caller& caller, std::int64_t id);
  // Ordered by id.
  Page<Category> list(const Caller& caller, const CategoryListParams& params);
  WriteOp<Category> create(const Caller& caller, std::string name,
                           std::optional<std::int64_t> parent_id);
  WriteOp<Category> rename(const Caller& caller, std::int64_t id, std::string name);

 private:
  store::Database& db_;
};

// Reads one category and its path on `conn`; throws not_found naming `field`.
Category load_category(store::Connection& conn, std::int64_t id, const char* field = "id");

}  // namespace rapport::app
