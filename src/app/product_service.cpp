#include "app/product_service.hpp"

#include <array>
#include <map>
#include <unordered_map>

#include "app/audit_log.hpp"
#include "app/bulk_errors.hpp"
#include "app/category_service.hpp"
#include "app/keyset_cursor.hpp"
#include "app/permissions.hpp"
#include "core/error.hpp"
#include "core/money.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

constexpr const char* kProductColumns =
    "p.id, p.sku, p.name, p.category_id, p.price_minor, p.currency, p.active, p.created_at, "
    "p.updated_at, p.deleted_at, p.version";

Product read_product(store::Statement& s) {
  Product p;
  p.id = s.get_int(0);
  p.sku = std::string(s.get_text(1));
  p.name = std::string(s.get_text(2));
  p.category_id = s.get_optional_int(3);
  p.price_minor = s.get_int(4);
  p.currency = std::string(s.get_text(5));
  p.active = s.get_int(6) != 0;
  p.created_at = s.get_int(7);
  p.updated_at = s.get_int(8);
  p.deleted_at = s.get_optional_int(9);
  p.version = s.get_int(10);
  return p;
}

// Category paths of a batch of products, each category looked up once.
void fill_category_paths(store::Connection& conn, std::vector<Product>& products) {
  std::unordered_map<std::int64_t, std::string> paths;
  for (auto& p : products) {
    if (!p.category_id) continue;
    auto it = paths.find(*p.category_id);
    if (it == paths.end()) {
      it = paths.emplace(*p.category_id, load_category(conn, *p.category_id).path).first;
    }
    p.category_path = it->second;
  }
}

std::optional<Product> find_by_sku(store::Connection& conn, std::string_view sku) {
  store::Query q(conn, std::string("SELECT ") + kProductColumns + " FROM products p WHERE sku = ?",
                 sku);
  if (!q.step()) return std::nullopt;
  return read_product(q.stmt());
}

std::string checked_sku(const std::string& field, const std::string& raw) {
  std::string sku = trim(raw);
  check_text(field, sku, kMaxSku, true);
  return sku;
}

std::string checked_name(const std::string& field, const std::string& raw) {
  std::string name = trim(raw);
  check_text(field, name, kMaxProductName, true);
  return name;
}

void check_price(const std::string& field, std::int64_t price) {
  if (price < 0 || price > kMaxMoneyMinor) {
    throw_invalid(field, "must be between 0 and " + std::to_string(kMaxMoneyMinor));
  }
}

void check_sku_free(store::Connection& conn, const std::string& sku,
                    std::optional<std::int64_t> except_id, const std::string& field) {
  store::Query q(conn, "SELECT id, deleted_at FROM products WHERE sku = ?", sku);
  if (q.step() && (!except_id || q->get_int(0) != *except_id)) {
    std::string msg = "the SKU is taken by product " + std::to_string(q->get_int(0));
    if (!q->is_null(1)) msg += " (deleted: restore it instead)";
    throw_conflict(msg, field);
  }
}

void check_category(store::Connection& conn, std::optional<std::int64_t> id,
                    const std::string& field) {
  if (!id) return;
  store::Query q(conn, "SELECT 1 FROM categories WHERE id = ?", *id);
  if (!q.step()) throw_not_found("no category with id " + std::to_string(*id), field);
}

void check_version(const Product& p, std::optional<std::int64_t> expected) {
  if (expected && *expected != p.version) {
    throw_conflict("the product was changed by someone else (version " + std::to_string(p.version) +
                       ", expected " + std::to_string(*expected) + "); reload and try again",
                   "version");
  }
}

Product load_full(store::Connection& conn, std::int64_t id) {
  Product p = load_product(conn, id);
  if (p.category_id) p.category_path = load_category(conn, *p.category_id).path;
  return p;
}

Product insert_product(store::Connection& conn, const NewProduct& np) {
  const TimeMs now = now_ms();
  store::execute(conn,
                 "INSERT INTO products (sku, name, category_id, price_minor, currency, active, "
                 "created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
                 np.sku, np.name, np.category_id, np.price_minor, np.currency, np.active, now, now);
  return load_full(conn, conn.last_insert_id());
}

void write_product(store::Connection& conn, const Product& p) {
  store::execute(conn,
                 "UPDATE products SET sku = ?, name = ?, category_id = ?, price_minor = ?, "
                 "currency = ?, active = ?, updated_at = ?, deleted_at = ?, version = ? WHERE "
                 "id = ?",
                 p.sku, p.name, p.category_id, p.price_minor, p.currency, p.active, p.updated_at,
                 p.deleted_at, p.version, p.id);
}

// The sort allow-list: API name -> column, and whether the column is text.
struct SortColumn {
  std::string_view name;
  const char* column;
  bool text;
};
constexpr std::array<SortColumn, 6> kSorts = {{{"id", "p.id", false},
                                               {"sku", "p.sku", true},
                                               {"name", "p.name", true},
                                               {"price_minor", "p.price_minor", false},
                                               {"created_at", "p.created_at", false},
                                               {"updated_at", "p.updated_at", false}}};

std::string lower_ascii(std::string_view s) {
  // SQLite's lower() folds ASCII only (without ICU): fold the same way so the range matches.
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

nlohmann::json audit_json(const Product& p) {
  nlohmann::json j = {{"id", p.id},
                      {"sku", p.sku},
                      {"name", p.name},
                      {"price_minor", p.price_minor},
                      {"currency", p.currency},
                      {"active", p.active},
                      {"version", p.version}};
  j["category_id"] = p.category_id ? nlohmann::json(*p.category_id) : nlohmann::json(nullptr);
  j["deleted_at"] = p.deleted_at ? nlohmann::json(*p.deleted_at) : nlohmann::json(nullptr);
  return j;
}

void check_new_product(NewProduct& p, const std::string& prefix) {
  p.sku = checked_sku(prefix + "sku", p.sku);
  p.name = checked_name(prefix + "name", p.name);
  check_price(prefix + "price_minor", p.price_minor);
  check_currency(prefix + "currency", p.currency);
}

Product load_product(store::Connection& conn, std::int64_t id, const char* field) {
  store::Query q(conn, std::string("SELECT ") + kProductColumns + " FROM products p WHERE id = ?",
                 id);
  if (!q.step()) throw_not_found("no product with id " + std::to_string(id), field);
  return read_product(q.stmt());
}

Product ProductService::get(const Caller& caller, std::int64_t id) {
  require(caller, Permission::kProductsRead);
  return load_full(db_.reader(), id);
}

Product ProductService::get_by_sku(const Caller& caller, const std::string& sku) {
  require(caller, Permission::kProductsRead);
  check_text("sku", sku, kMaxSku, true);
  auto& conn = db_.reader();
  auto p = find_by_sku(conn, sku);
  if (!p) throw_not_found("no product with SKU '" + sku + "'", "sku");
  if (p->category_id) p->category_path = load_category(conn, *p->category_id).path;
  return *p;
}

Page<Product> ProductService::list(const Caller& caller, const ProductListParams& params) {
  require(caller, Permission::kProductsRead);
  const int limit = clamp_limit(params.limit);
  const std::string sort_spec = params.sort.value_or("id");
  const bool desc = !sort_spec.empty() && sort_spec[0] == '-';
  const std::string_view sort_name = std::string_view(sort_spec).substr(desc ? 1 : 0);
  const SortColumn* sort = nullptr;
  for (const auto& s : kSorts) {
    if (s.name == sort_name) sort = &s;
  }
  if (sort == nullptr) {
    throw_invalid("sort",
                  "must be one of id, sku, name, price_minor, created_at, updated_at (with '-' "
                  "in front for descending)");
  }
  using Param = store::SqlValue;
  std::vector<Param> binds;
  std::string sql;
  // Every piece of SQL below is a constant chosen by which filters are present, so the set of
  // statement texts (and of cached prepared statements) is small and fixed.
  if (params.category_id) {
    sql +=
        "WITH RECURSIVE sub (id) AS (SELECT ? UNION ALL SELECT c.id FROM categories c JOIN sub "
        "ON c.parent_id = sub.id) ";
    binds.emplace_back(*params.category_id);
  }
  sql += std::string("SELECT ") + kProductColumns + " FROM products p WHERE ";
  sql += params.deleted ? "p.deleted_at IS NOT NULL" : "p.deleted_at IS NULL";
  if (params.q) {
    check_text("q", *params.q, 100, false);
    std::string prefix = lower_ascii(trim(*params.q));
    if (!prefix.empty()) {
      // A prefix range [prefix, prefix with its last byte + 1) on the lower-cased columns'
      // indexes. Valid UTF-8 never holds 0xFF, so the last byte can always be incremented.
      std::string upper = prefix;
      upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
      sql +=
          " AND ((lower(p.sku) >= ? AND lower(p.sku) < ?) OR (lower(p.name) >= ? AND "
          "lower(p.name) < ?))";
      binds.emplace_back(prefix);
      binds.emplace_back(upper);
      binds.emplace_back(prefix);
      binds.emplace_back(upper);
    }
  }
  if (params.category_id) sql += " AND p.category_id IN (SELECT id FROM sub)";
  if (params.active) {
    sql += " AND p.active = ?";
    binds.emplace_back(std::int64_t{*params.active ? 1 : 0});
  }
  const std::string col = sort->column;
  if (params.cursor) {
    KeysetPosition pos = decode_keyset_cursor(*params.cursor, sort_spec, sort->text);
    if (sort->name == "id") {
      sql += desc ? " AND p.id < ?" : " AND p.id > ?";
      binds.emplace_back(pos.id);
    } else {
      const char* cmp = desc ? " < " : " > ";
      sql += " AND (" + col + cmp + "? OR (" + col + " = ? AND p.id" + cmp + "?))";
      Param v = sort->text ? Param(pos.text_value) : Param(pos.int_value);
      binds.push_back(v);
      binds.push_back(v);
      binds.emplace_back(pos.id);
    }
  }
  const char* dir = desc ? " DESC" : "";
  if (sort->name == "id") {
    sql += std::string(" ORDER BY p.id") + dir;
  } else {
    sql += " ORDER BY " + col + dir + ", p.id" + dir;
  }
  sql += " LIMIT ?";
  binds.emplace_back(std::int64_t{limit + 1});

  auto& conn = db_.reader();
  Page<Product> page;
  {
    store::Query q(conn, sql, binds);
    while (q.step()) {
      if (static_cast<int>(page.items.size()) == limit) {
        const Product& last = page.items.back();
        if (sort->name == "sku") {
          page.next_cursor = encode_keyset_cursor(sort_spec, last.sku, last.id);
        } else if (sort->name == "name") {
          page.next_cursor = encode_keyset_cursor(sort_spec, last.name, last.id);
        } else if (sort->name == "price_minor") {
          page.next_cursor = encode_keyset_cursor(sort_spec, last.price_minor, last.id);
        } else if (sort->name == "created_at") {
          page.next_cursor = encode_keyset_cursor(sort_spec, last.created_at, last.id);
        } else if (sort->name == "updated_at") {
          page.next_cursor = encode_keyset_cursor(sort_spec, last.updated_at, last.id);
        } else {
          page.next_cursor = encode_keyset_cursor(sort_spec, last.id, last.id);
        }
        break;
      }
      page.items.push_back(read_product(q.stmt()));
    }
  }
  fill_category_paths(conn, page.items);
  return page;
}

WriteOp<Product> ProductService::create(const Caller& caller, NewProduct np) {
  require(caller, Permission::kProductsWrite);
  check_new_product(np);
  return [caller, np = std::move(np)](store::Connection& conn) {
    check_sku_free(conn, np.sku, std::nullopt, "sku");
    check_category(conn, np.category_id, "category_id");
    Product p = insert_product(conn, np);
    record_audit(conn, caller, "create", "product", std::to_string(p.id), nullptr, audit_json(p));
    return p;
  };
}

WriteOp<Product> ProductService::update(const Caller& caller, std::int64_t id, ProductPatch patch,
                                        std::optional<std::int64_t> expected_version) {
  require(caller, Permission::kProductsWrite);
  if (patch.sku) patch.sku = checked_sku("sku", *patch.sku);
  if (patch.name) patch.name = checked_name("name", *patch.name);
  if (patch.price_minor) check_price("price_minor", *patch.price_minor);
  if (patch.currency) check_currency("currency", *patch.currency);
  return [caller, id, patch = std::move(patch), expected_version](store::Connection& conn) {
    Product before = load_product(conn, id);
    check_version(before, expected_version);
    if (before.deleted_at) throw_conflict("the product is deleted; restore it first", "id");
    Product after = before;
    if (patch.sku && *patch.sku != before.sku) {
      check_sku_free(conn, *patch.sku, id, "sku");
      after.sku = *patch.sku;
    }
    if (patch.name) after.name = *patch.name;
    if (patch.set_category) {
      check_category(conn, patch.category_id, "category_id");
      after.category_id = patch.category_id;
    }
    if (patch.price_minor) after.price_minor = *patch.price_minor;
    if (patch.currency) after.currency = *patch.currency;
    if (patch.active) after.active = *patch.active;
    after.updated_at = now_ms();
    after.version = before.version + 1;
    write_product(conn, after);
    record_audit(conn, caller, "update", "product", std::to_string(id), audit_json(before),
                 audit_json(after));
    if (after.category_id) after.category_path = load_category(conn, *after.category_id).path;
    return after;
  };
}

WriteOp<Product> ProductService::remove(const Caller& caller, std::int64_t id,
                                        std::optional<std::int64_t> expected_version) {
  require(caller, Permission::kProductsWrite);
  return [caller, id, expected_version](store::Connection& conn) {
    Product before = load_product(conn, id);
    check_version(before, expected_version);
    if (before.deleted_at) throw_conflict("the product is already deleted", "id");
    Product after = before;
    after.updated_at = now_ms();
    after.deleted_at = after.updated_at;
    after.version = before.version + 1;
    write_product(conn, after);
    record_audit(conn, caller, "delete", "product", std::to_string(id), audit_json(before),
                 audit_json(after));
    if (after.category_id) after.category_path = load_category(conn, *after.category_id).path;
    return after;
  };
}

WriteOp<Product> ProductService::restore(const Caller& caller, std::int64_t id) {
  require(caller, Permission::kProductsWrite);
  return [caller, id](store::Connection& conn) {
    Product before = load_product(conn, id);
    if (!before.deleted_at) throw_conflict("the product is not deleted", "id");
    Product after = before;
    after.updated_at = now_ms();
    after.deleted_at.reset();
    after.version = before.version + 1;
    write_product(conn, after);
    record_audit(conn, caller, "restore", "product", std::to_string(id), audit_json(before),
                 audit_json(after));
    if (after.category_id) after.category_path = load_category(conn, *after.category_id).path;
    return after;
  };
}

WriteOp<std::vector<BulkProductResult>> ProductService::bulk(const Caller& caller,
                                                             std::vector<NewProduct> products,
                                                             bool upsert) {
  require(caller, Permission::kImport);
  require(caller, Permission::kProductsWrite);
  if (products.empty()) throw_invalid("items", "must hold at least one item");
  if (products.size() > kMaxBulkItems) {
    throw_invalid("items", "holds at most " + std::to_string(kMaxBulkItems) + " items");
  }
  BulkErrors errors(products.size());
  std::map<std::string, std::size_t, std::less<>> first_with_sku;
  for (std::size_t i = 0; i < products.size(); ++i) {
    try {
      check_new_product(products[i], item_prefix(i));
      auto [it, fresh] = first_with_sku.emplace(products[i].sku, i);
      if (!fresh) {
        throw_invalid(item_prefix(i) + "sku",
                      "repeats the SKU of items[" + std::to_string(it->second) + "]");
      }
    } catch (const Error& e) {
      errors.add(i, e);
    }
  }
  errors.throw_if_any();
  return [caller, products = std::move(products), upsert](store::Connection& conn) {
    // First every check, so that every failed item is reported; then the writes.
    BulkErrors errors(products.size());
    std::vector<std::optional<Product>> existing(products.size());
    for (std::size_t i = 0; i < products.size(); ++i) {
      try {
        existing[i] = find_by_sku(conn, products[i].sku);
        if (existing[i] && !upsert) {
          throw_conflict("the SKU is taken by product " + std::to_string(existing[i]->id) +
                             " (send \"upsert\": true to update it)",
                         item_prefix(i) + "sku");
        }
        check_category(conn, products[i].category_id, item_prefix(i) + "category_id");
      } catch (const Error& e) {
        errors.add(i, e);
      }
    }
    errors.throw_if_any();
    std::vector<BulkProductResult> out;
    out.reserve(products.size());
    for (std::size_t i = 0; i < products.size(); ++i) {
      const NewProduct& np = products[i];
      if (!existing[i]) {
        Product p = insert_product(conn, np);
        record_audit(conn, caller, "create", "product", std::to_string(p.id), nullptr,
                     audit_json(p));
        out.push_back({std::move(p), true});
        continue;
      }
      const Product& before = *existing[i];
      Product after = before;
      after.name = np.name;
      after.category_id = np.category_id;
      after.price_minor = np.price_minor;
      after.currency = np.currency;
      after.active = np.active;
      after.deleted_at.reset();
      after.updated_at = now_ms();
      after.version = before.version + 1;
      write_product(conn, after);
      record_audit(conn, caller, before.deleted_at ? "restore" : "update", "product",
                   std::to_string(after.id), audit_json(before), audit_json(after));
      out.push_back({std::move(after), false});
    }
    std::vector<Product> plain;
    for (auto& r : out) plain.push_back(r.product);
    fill_category_paths(conn, plain);
    for (std::size_t i = 0; i < out.size(); ++i) out[i].product = std::move(plain[i]);
    return out;
  };
}

}  // namespace rapport::app
