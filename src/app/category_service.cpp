#include "app/category_service.hpp"

#include <vector>

#include "app/audit_log.hpp"
#include "app/permissions.hpp"
#include "core/error.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

// The names from `id` up to the root, the root last. The depth bound guards the recursion even
// if a cycle were ever written by hand into the table.
std::vector<std::string> ancestry(store::Connection& conn, std::int64_t id) {
  store::Query q(conn,
                 "WITH RECURSIVE up (id, name, parent_id, depth) AS ("
                 " SELECT id, name, parent_id, 0 FROM categories WHERE id = ?"
                 " UNION ALL SELECT c.id, c.name, c.parent_id, up.depth + 1 FROM categories c"
                 " JOIN up ON c.id = up.parent_id WHERE up.depth < 64)"
                 " SELECT name FROM up ORDER BY depth",
                 id);
  std::vector<std::string> names;
  while (q.step()) names.emplace_back(q->get_text(0));
  return names;
}

std::string join_path(const std::vector<std::string>& root_last) {
  std::string path;
  for (auto it = root_last.rbegin(); it != root_last.rend(); ++it) {
    if (!path.empty()) path += " > ";
    path += *it;
  }
  return path;
}

std::string checked_name(const std::string& raw) {
  std::string name = trim(raw);
  check_text("name", name, kMaxCategoryName, true);
  if (name.find('>') != std::string::npos) {
    throw_invalid("name", "must not contain '>' (it separates the names in a category's path)");
  }
  return name;
}

void check_sibling_free(store::Connection& conn, std::optional<std::int64_t> parent_id,
                        const std::string& name, std::optional<std::int64_t> except_id) {
  store::Query q(conn,
                 "SELECT id FROM categories WHERE coalesce(parent_id, 0) = coalesce(?, 0) AND "
                 "name = ?",
                 parent_id, name);
  if (q.step() && (!except_id || q->get_int(0) != *except_id)) {
    throw_conflict(
        "a category with this name already exists here (id " + std::to_string(q->get_int(0)) + ")",
        "name");
  }
}

nlohmann::json audit_json(const Category& c) {
  nlohmann::json j = {{"id", c.id}, {"name", c.name}, {"path", c.path}};
  j["parent_id"] = c.parent_id ? nlohmann::json(*c.parent_id) : nlohmann::json(nullptr);
  return j;
}

}  // namespace

Category load_category(store::Connection& conn, std::int64_t id, const char* field) {
  Category c;
  {
    store::Query q(conn, "SELECT id, name, parent_id FROM categories WHERE id = ?", id);
    if (!q.step()) throw_not_found("no category with id " + std::to_string(id), field);
    c.id = q->get_int(0);
    c.name = std::string(q->get_text(1));
    c.parent_id = q->get_optional_int(2);
  }
  c.path = join_path(ancestry(conn, id));
  return c;
}

Category CategoryService::get(const Caller& caller, std::int64_t id) {
  require(caller, Permission::kProductsRead);
  return load_category(db_.reader(), id);
}

Page<Category> CategoryService::list(const Caller& caller, const CategoryListParams& p) {
  require(caller, Permission::kProductsRead);
  const int limit = clamp_limit(p.limit);
  std::optional<std::int64_t> after;
  if (p.cursor) after = decode_id_cursor(*p.cursor);
  auto& conn = db_.reader();
  std::vector<Category> rows;
  {
    store::Query q(conn,
                   "SELECT id, name, parent_id FROM categories WHERE (?1 IS NULL OR parent_id = "
                   "?1) AND (?2 IS NULL OR id > ?2) ORDER BY id LIMIT ?3",
                   p.parent_id, after, limit + 1);
    while (q.step()) {
      Category c;
      c.id = q->get_int(0);
      c.name = std::string(q->get_text(1));
      c.parent_id = q->get_optional_int(2);
      rows.push_back(std::move(c));
    }
  }
  Page<Category> page;
  for (auto& c : rows) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = encode_id_cursor(page.items.back().id);
      break;
    }
    c.path = join_path(ancestry(conn, c.id));
    page.items.push_back(std::move(c));
  }
  return page;
}

WriteOp<Category> CategoryService::create(const Caller& caller, std::string raw_name,
                                          std::optional<std::int64_t> parent_id) {
  require(caller, Permission::kProductsWrite);
  std::string name = checked_name(raw_name);
  return [caller, name = std::move(name), parent_id](store::Connection& conn) {
    if (parent_id) {
      load_category(conn, *parent_id, "parent_id");
      if (ancestry(conn, *parent_id).size() >= static_cast<std::size_t>(kMaxCategoryDepth)) {
        throw_invalid("parent_id", "categories nest at most " + std::to_string(kMaxCategoryDepth) +
                                       " levels deep");
      }
    }
    check_sibling_free(conn, parent_id, name, std::nullopt);
    store::execute(conn, "INSERT INTO categories (name, parent_id) VALUES (?, ?)", name, parent_id);
    Category c = load_category(conn, conn.last_insert_id());
    record_audit(conn, caller, "create", "category", std::to_string(c.id), nullptr, audit_json(c));
    return c;
  };
}

WriteOp<Category> CategoryService::rename(const Caller& caller, std::int64_t id,
                                          std::string raw_name) {
  require(caller, Permission::kProductsWrite);
  std::string name = checked_name(raw_name);
  return [caller, id, name = std::move(name)](store::Connection& conn) {
    Category before = load_category(conn, id);
    check_sibling_free(conn, before.parent_id, name, id);
    store::execute(conn, "UPDATE categories SET name = ? WHERE id = ?", name, id);
    Category after = load_category(conn, id);
    record_audit(conn, caller, "update", "category", std::to_string(id), audit_json(before),
                 audit_json(after));
    return after;
  };
}

}  // namespace rapport::app
