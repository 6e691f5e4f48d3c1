#pragma once
// The product catalogue: SKU (unique among all products, deleted ones included, so an SKU always
// names one product), name, category, price in minor units with its ISO 4217 currency, active
// flag (inactive products stay in the catalogue and in past orders but cannot be sold).
// Updates carry the version read (optimistic concurrency: a stale version is a conflict);
// deletes are soft and can be undone.
// Errors: invalid_argument (field named), not_found, conflict (SKU taken, stale version,
// already deleted), forbidden.
// Thread-safety: all methods may be called from any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/caller.hpp"
#include "app/page.hpp"
#include "app/write_op.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace rapport::app {

inline constexpr std::size_t kMaxSku = 64;
inline constexpr std::size_t kMaxProductName = 200;
inline constexpr std::size_t kMaxBulkItems = 1000;

struct Product {
  std::int64_t id = 0;
  std::string sku;
  std::string name;
  std::optional<std::int64_t> category_id;
  std::optional<std::string> category_path;  // "Food > Tea"
  std::int64_t price_minor = 0;
  std::string currency;
  bool active = true;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  std::optional<TimeMs> deleted_at;
  std::int64_t version = 1;
};

struct NewProduct {
  std::string sku;
  std::string name;
  std::optional<std::int64_t> category_id;
  std::int64_t price_minor = 0;
  std::string currency;
  bool active = true;
};

struct ProductPatch {
  std::optional<std::string> sku;
  std::optional<std::string> name;
  bool set_category = false;  // category_id given (possibly null: no category)
  std::optional<std::int64_t> category_id;
  std::optional<std::int64_t> price_minor;
  std::optional<std::string> currency;
  std::optional<bool> active;
};

struct ProductListParams {
  std::optional<std::string> q;             // case-insensitive prefix of the SKU or the name
  std::optional<std::int64_t> category_id;  // this category and all below it
  std::optional<bool> active;
  bool deleted = false;  // false: live products; true: only deleted ones
  // One of id, sku, name, price_minor, created_at, updated_at; '-' in front for descending.
  std::optional<std::string> sort;
  std::optional<std::string> cursor;
  std::optional<int> limit;
};

// One item of a bulk write: the product and whether it was created (false: updated by SKU).
struct BulkProductResult {
  Product product;
  bool created = true;
};

class ProductService {
 public:
  explicit ProductService(store::Database& db) : db_(db) {}

  // Deleted products are found too (their deleted_at is set).
  Product get(const Caller& caller, std::int64_t id);
  Product get_by_sku(const Caller& caller, const std::string& sku);
  Page<Product> list(const Caller& caller, const ProductListParams& params);

  WriteOp<Product> create(const Caller& caller, NewProduct product);
  WriteOp<Product> update(const Caller& caller, std::int64_t id, ProductPatch patch,
                          std::optional<std::int64_t> expected_version);
  WriteOp<Product> remove(const Caller& caller, std::int64_t id,
                          std::optional<std::int64_t> expected_version);
  WriteOp<Product> restore(const Caller& caller, std::int64_t id);

  // Up to kMaxBulkItems products, all or nothing. With `upsert`, an item whose SKU exists updates
  // that product (and restores it if deleted); otherwise an existing SKU fails the item. Every
  // failed item is reported (Error::items, fields relative to the item) and nothing is written.
  // Requires kImport and kProductsWrite.
  WriteOp<std::vector<BulkProductResult>> bulk(const Caller& caller,
                                               std::vector<NewProduct> products, bool upsert);

 private:
  store::Database& db_;
};

// Validates a new product's fields (trims SKU and name); throws invalid_argument naming the field
// with `prefix` in front ("items[3]." for bulk items).
void check_new_product(NewProduct& p, const std::string& prefix = {});

Product load_product(store::Connection& conn, std::int64_t id, const char* field = "id");

nlohmann::json audit_json(const Product& p);

}  // namespace rapport::app
