#include "app/kb_service.hpp"

#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "app/audit_log.hpp"
#include "app/keyset_cursor.hpp"
#include "app/permissions.hpp"
#include "core/error.hpp"
#include "core/search_text.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

constexpr const char* kArticleColumns =
    "a.id, a.category_id, a.title, a.body, a.language, a.status, a.published_at, "
    "a.solved_count, a.created_by, a.updated_by, a.created_at, a.updated_at, a.version";

// Relevance: bm25 with the title weighing 4 times the body.
constexpr const char* kKbRank = "bm25(kb_articles_fts, 4.0, 1.0, 1.0, 0.0)";

KbArticle read_article_row(store::Statement& s) {
  KbArticle a;
  a.id = s.get_int(0);
  a.category_id = s.get_optional_int(1);
  a.title = std::string(s.get_text(2));
  a.body = std::string(s.get_text(3));
  a.language = s.get_optional_text(4);
  a.status = std::string(s.get_text(5));
  a.published_at = s.get_optional_int(6);
  a.solved_count = s.get_int(7);
  a.created_by = s.get_optional_int(8);
  a.updated_by = s.get_optional_int(9);
  a.created_at = s.get_int(10);
  a.updated_at = s.get_int(11);
  a.version = s.get_int(12);
  return a;
}

nlohmann::json kb_article_audit_json(const KbArticle& a) {
  return {{"id", a.id},          {"category_id", json_or_null(a.category_id)}, {"title", a.title},
          {"body", a.body},      {"language", json_or_null(a.language)},       {"status", a.status},
          {"version", a.version}};
}

std::optional<KbArticle> find_kb_article(store::Connection& conn, std::int64_t id) {
  store::Query q(conn,
                 std::string("SELECT ") + kArticleColumns + " FROM kb_articles a WHERE id = ?", id);
  if (!q.step()) return std::nullopt;
  return read_article_row(q.stmt());
}

void check_kb_status(const std::string& status) {
  if (status != "draft" && status != "published") {
    throw_invalid("status", "must be draft or published");
  }
}

void check_kb_language(const std::string& v) {
  // A BCP 47 tag in its common shapes: en, zh-CN, zh-Hans, pt-BR.
  bool ok = v.size() >= 2 && v.size() <= 35;
  std::size_t part = 0;
  std::size_t len = 0;
  for (char c : v) {
    if (c == '-') {
      ok = ok && len >= (part == 0 ? 2 : 1);
      ++part;
      len = 0;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (part > 0 && c >= '0' && c <= '9')) {
      ++len;
      ok = ok && len <= 8;
    } else {
      ok = false;
    }
  }
  if (!ok || len == 0) throw_invalid("language", "must be a language tag such as en or zh-CN");
}

void check_kb_category(store::Connection& conn, std::int64_t id) {
  store::Query q(conn, "SELECT 1 FROM kb_categories WHERE id = ?", id);
  if (!q.step()) throw_not_found("no category with id " + std::to_string(id), "category_id");
}

void check_kb_category_name_free(store::Connection& conn, const std::string& name,
                                 std::int64_t except) {
  store::Query q(conn, "SELECT id FROM kb_categories WHERE name = ? AND id <> ?", name, except);
  if (q.step()) {
    throw_conflict("the category '" + name + "' exists (id " + std::to_string(q->get_int(0)) + ")",
                   "name");
  }
}

KbCategory load_kb_category(store::Connection& conn, std::int64_t id) {
  store::Query q(conn,
                 "SELECT c.id, c.name, (SELECT count(*) FROM kb_articles a WHERE a.category_id = "
                 "c.id AND a.status = 'published'), c.created_at, c.updated_at, c.version FROM "
                 "kb_categories c WHERE c.id = ?",
                 id);
  if (!q.step()) throw_not_found("no category with id " + std::to_string(id), "id");
  return {q->get_int(0), std::string(q->get_text(1)), q->get_int(2), q->get_int(3), q->get_int(4),
          q->get_int(5)};
}

std::string score_text(double v) {
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, p);
}

double parse_score(const std::string& s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) {
    throw_invalid("cursor", "is not a cursor returned by this list");
  }
  return v;
}

void store_kb_article(store::Connection& conn, const KbArticle& a) {
  store::execute(conn,
                 "UPDATE kb_articles SET category_id = ?, title = ?, body = ?, language = ?, "
                 "status = ?, published_at = ?, updated_by = ?, updated_at = ?, version = ? WHERE "
                 "id = ?",
                 a.category_id, a.title, a.body, a.language, a.status, a.published_at, a.updated_by,
                 a.updated_at, a.version, a.id);
}

void load_kb_ticket(store::Connection& conn, std::int64_t ticket_id) {
  store::Query q(conn, "SELECT 1 FROM tickets WHERE id = ?", ticket_id);
  if (!q.step()) throw_not_found("no ticket with id " + std::to_string(ticket_id), "id");
}

}  // namespace

void index_kb_article(store::Connection& conn, const KbArticle& a) {
  std::string tags = a.status;
  if (a.category_id) tags += " c" + std::to_string(*a.category_id);
  store::execute(conn, "DELETE FROM kb_articles_fts WHERE rowid = ?", a.id);
  store::execute(conn,
                 "INSERT INTO kb_articles_fts (rowid, title, body, chars, tags) VALUES (?, ?, ?, "
                 "?, ?)",
                 a.id, search_index_text(a.title), search_index_text(a.body),
                 search_index_chars(a.title + " " + a.body), tags);
}

std::vector<KbCategory> KbService::categories(const Caller& caller) {
  require(caller, Permission::kKbRead);
  store::Query q(db_.reader(),
                 "SELECT c.id, c.name, (SELECT count(*) FROM kb_articles a WHERE a.category_id = "
                 "c.id AND a.status = 'published'), c.created_at, c.updated_at, c.version FROM "
                 "kb_categories c ORDER BY c.name, c.id");
  std::vector<KbCategory> out;
  while (q.step()) {
    out.push_back({q->get_int(0), std::string(q->get_text(1)), q->get_int(2), q->get_int(3),
                   q->get_int(4), q->get_int(5)});
  }
  return out;
}

WriteOp<KbCategory> KbService::create_category(const Caller& caller, std::string name) {
  require(caller, Permission::kKbWrite);
  check_text("name", name, kMaxKbCategoryName, true);
  name = trim(name);
  return [caller, name = std::move(name)](store::Connection& conn) {
    check_kb_category_name_free(conn, name, 0);
    const TimeMs now = now_ms();
    store::execute(conn,
                   "INSERT INTO kb_categories (name, created_at, updated_at) VALUES (?, ?, ?)",
                   name, now, now);
    KbCategory c{conn.last_insert_id(), name, 0, now, now, 1};
    record_audit(conn, caller, "create", "kb_category", std::to_string(c.id), nullptr,
                 {{"name", c.name}});
    return c;
  };
}

WriteOp<KbCategory> KbService::rename_category(const Caller& caller, std::int64_t id,
                                               std::string name,
                                               std::optional<std::int64_t> expected_version) {
  require(caller, Permission::kKbWrite);
  check_text("name", name, kMaxKbCategoryName, true);
  name = trim(name);
  return [caller, id, name = std::move(name), expected_version](store::Connection& conn) {
    KbCategory c = load_kb_category(conn, id);
    if (expected_version && *expected_version != c.version) {
      throw_conflict("the category was changed by someone else (version " +
                         std::to_string(c.version) + "); reload and try again",
                     "version");
    }
    check_kb_category_name_free(conn, name, id);
    const std::string before = c.name;
    c.name = name;
    c.updated_at = now_ms();
    c.version += 1;
    store::execute(conn,
                   "UPDATE kb_categories SET name = ?, updated_at = ?, version = ? WHERE id = ?",
                   c.name, c.updated_at, c.version, c.id);
    record_audit(conn, caller, "update", "kb_category", std::to_string(c.id), {{"name", before}},
                 {{"name", c.name}});
    return c;
  };
}

KbArticle KbService::get(const Caller& caller, std::int64_t id) {
  require(caller, Permission::kKbRead);
  auto a = find_kb_article(db_.reader(), id);
  if (!a || (a->status == "draft" && !allowed(caller.role, Permission::kKbWrite))) {
    throw_not_found("no article with id " + std::to_string(id), "id");
  }
  return std::move(*a);
}

Page<KbArticle> KbService::list(const Caller& caller, const KbListParams& p) {
  require(caller, Permission::kKbRead);
  const int limit = clamp_limit(p.limit);
  const std::string status = p.status.value_or("published");
  if (status != "published" && status != "draft" && status != "all") {
    throw_invalid("status", "must be published, draft or all");
  }
  if (status != "published") require(caller, Permission::kKbWrite);
  std::string match;
  if (p.q) {
    check_text("q", *p.q, 200, true);
    match = search_match_query(*p.q, SearchColumns{"{title body}", "chars"});
    if (match.empty()) throw_invalid("q", "must hold at least one word or character to find");
    if (p.sort) throw_invalid("sort", "cannot be combined with q (results are by relevance)");
  }
  auto& conn = db_.reader();
  store::Transaction snapshot(conn, false);
  std::vector<std::int64_t> ints;
  std::string sql;
  Page<KbArticle> page;
  if (!match.empty()) {
    std::optional<double> after_score;
    std::int64_t after_id = 0;
    if (p.cursor) {
      KeysetPosition pos = decode_keyset_cursor(*p.cursor, "ks", true);
      after_score = parse_score(pos.text_value);
      after_id = pos.id;
    }
    // The page is chosen inside the index: the status and category are terms of the MATCH
    // (the tags column), ordered by score there, so only the page's rows are joined to
    // kb_articles. The user's terms are aimed at title and body, or chars.
    std::string expr = match;
    if (status != "all")
      expr += status == "draft" ? " AND tags : \"draft\"" : " AND tags : \"published\"";
    if (p.category_id) expr += " AND tags : \"c" + std::to_string(*p.category_id) + "\"";
    match = expr;
    std::string inner = std::string("SELECT rowid AS id, ") + kKbRank +
                        " AS score FROM kb_articles_fts WHERE kb_articles_fts MATCH ?";
    if (after_score) inner += " AND (score > ? OR (score = ? AND rowid > ?))";
    inner += " ORDER BY score, rowid LIMIT ?";
    sql = std::string("SELECT ") + kArticleColumns + ", f.score FROM (" + inner +
          ") f CROSS JOIN kb_articles a ON a.id = f.id ORDER BY f.score, f.id";
    store::Query q(conn, sql);
    int index = 1;
    q->bind_text(index++, match);
    if (after_score) {
      q->bind_double(index++, *after_score);
      q->bind_double(index++, *after_score);
      q->bind_int(index++, after_id);
    }
    q->bind_int(index, limit + 1);
    while (q.step()) {
      if (static_cast<int>(page.items.size()) == limit) {
        const KbArticle& last = page.items.back();
        page.next_cursor = encode_keyset_cursor("ks", score_text(*last.score), last.id);
        break;
      }
      KbArticle a = read_article_row(q.stmt());
      a.score = q->get_double(13);
      page.items.push_back(std::move(a));
    }
    return page;
  }
  const std::string sort = p.sort.value_or("-updated_at");
  std::string key;
  std::string tag;
  if (sort == "-updated_at") {
    key = "a.updated_at";
    tag = "ku";
  } else if (sort == "-solved_count") {
    key = "a.solved_count";
    tag = "kc";
  } else {
    throw_invalid("sort", "must be -updated_at or -solved_count");
  }
  sql = std::string("SELECT ") + kArticleColumns + " FROM kb_articles a WHERE 1 = 1";
  if (status != "all")
    sql += status == "draft" ? " AND a.status = 'draft'" : " AND a.status = 'published'";
  if (p.category_id) {
    sql += " AND a.category_id = ?";
    ints.push_back(*p.category_id);
  }
  if (p.cursor) {
    KeysetPosition pos = decode_keyset_cursor(*p.cursor, tag, false);
    sql += " AND (" + key + " < ? OR (" + key + " = ? AND a.id < ?))";
    ints.push_back(pos.int_value);
    ints.push_back(pos.int_value);
    ints.push_back(pos.id);
  }
  sql += " ORDER BY " + key + " DESC, a.id DESC LIMIT ?";
  store::Query q(conn, sql);
  int index = 1;
  for (auto v : ints) q->bind_int(index++, v);
  q->bind_int(index, limit + 1);
  while (q.step()) {
    if (static_cast<int>(page.items.size()) == limit) {
      const KbArticle& last = page.items.back();
      page.next_cursor = encode_keyset_cursor(
          tag, sort == "-updated_at" ? last.updated_at : last.solved_count, last.id);
      break;
    }
    page.items.push_back(read_article_row(q.stmt()));
  }
  return page;
}

WriteOp<KbArticle> KbService::create(const Caller& caller, NewKbArticle in) {
  require(caller, Permission::kKbWrite);
  check_text("title", in.title, kMaxKbTitle, true);
  in.title = trim(in.title);
  check_text("body", in.body, kMaxKbBody, true, true);
  if (in.language) check_kb_language(*in.language);
  check_kb_status(in.status);
  return [caller, in = std::move(in)](store::Connection& conn) {
    if (in.category_id) check_kb_category(conn, *in.category_id);
    KbArticle a;
    a.category_id = in.category_id;
    a.title = in.title;
    a.body = in.body;
    a.language = in.language;
    a.status = in.status;
    a.created_by = caller.user_id;
    a.updated_by = caller.user_id;
    a.created_at = now_ms();
    a.updated_at = a.created_at;
    if (a.status == "published") a.published_at = a.created_at;
    store::execute(conn,
                   "INSERT INTO kb_articles (category_id, title, body, language, status, "
                   "published_at, created_by, updated_by, created_at, updated_at) VALUES (?, ?, "
                   "?, ?, ?, ?, ?, ?, ?, ?)",
                   a.category_id, a.title, a.body, a.language, a.status, a.published_at,
                   a.created_by, a.updated_by, a.created_at, a.updated_at);
    a.id = conn.last_insert_id();
    index_kb_article(conn, a);
    record_audit(conn, caller, "create", "kb_article", std::to_string(a.id), nullptr,
                 kb_article_audit_json(a));
    return a;
  };
}

WriteOp<KbArticle> KbService::update(const Caller& caller, std::int64_t id, KbArticlePatch patch,
                                     std::optional<std::int64_t> expected_version) {
  require(caller, Permission::kKbWrite);
  if (patch.title) {
    check_text("title", *patch.title, kMaxKbTitle, true);
    patch.title = trim(*patch.title);
  }
  if (patch.body) check_text("body", *patch.body, kMaxKbBody, true, true);
  if (patch.language && *patch.language) check_kb_language(**patch.language);
  if (patch.status) check_kb_status(*patch.status);
  return [caller, id, patch = std::move(patch), expected_version](store::Connection& conn) {
    auto found = find_kb_article(conn, id);
    if (!found) throw_not_found("no article with id " + std::to_string(id), "id");
    const KbArticle before = *found;
    if (expected_version && *expected_version != before.version) {
      throw_conflict("the article was changed by someone else (version " +
                         std::to_string(before.version) + ", expected " +
                         std::to_string(*expected_version) + "); reload and try again",
                     "version");
    }
    KbArticle a = before;
    if (patch.title) a.title = *patch.title;
    if (patch.body) a.body = *patch.body;
    if (patch.category_id) {
      if (*patch.category_id) check_kb_category(conn, **patch.category_id);
      a.category_id = *patch.category_id;
    }
    if (patch.language) a.language = *patch.language;
    if (patch.status) a.status = *patch.status;
    a.updated_by = caller.user_id;
    a.updated_at = now_ms();
    if (a.status == "published" && !a.published_at) a.published_at = a.updated_at;
    a.version = before.version + 1;
    store_kb_article(conn, a);
    index_kb_article(conn, a);
    record_audit(conn, caller, "update", "kb_article", std::to_string(a.id),
                 kb_article_audit_json(before), kb_article_audit_json(a));
    return a;
  };
}

std::vector<TicketArticleLink> KbService::ticket_articles(const Caller& caller,
                                                          std::int64_t ticket_id) {
  require(caller, Permission::kTicketsRead);
  auto& conn = db_.reader();
  store::Transaction snapshot(conn, false);
  load_kb_ticket(conn, ticket_id);
  store::Query q(conn,
                 "SELECT l.ticket_id, l.article_id, a.title, a.status, l.linked_by, l.linked_at "
                 "FROM ticket_articles l JOIN kb_articles a ON a.id = l.article_id WHERE "
                 "l.ticket_id = ? ORDER BY l.linked_at, l.article_id",
                 ticket_id);
  std::vector<TicketArticleLink> out;
  while (q.step()) {
    out.push_back({q->get_int(0), q->get_int(1), std::string(q->get_text(2)),
                   std::string(q->get_text(3)), q->get_optional_int(4), q->get_int(5)});
  }
  return out;
}

WriteOp<TicketArticleLink> KbService::link(const Caller& caller, std::int64_t ticket_id,
                                           std::int64_t article_id) {
  require(caller, Permission::kTicketsWrite);
  return [caller, ticket_id, article_id](store::Connection& conn) {
    load_kb_ticket(conn, ticket_id);
    auto a = find_kb_article(conn, article_id);
    if (!a) throw_not_found("no article with id " + std::to_string(article_id), "article_id");
    if (a->status != "published") {
      throw_conflict("article " + std::to_string(article_id) +
                         " is a draft; publish it before linking it to a ticket",
                     "article_id");
    }
    {
      store::Query q(conn, "SELECT 1 FROM ticket_articles WHERE ticket_id = ? AND article_id = ?",
                     ticket_id, article_id);
      if (q.step()) {
        throw_conflict("article " + std::to_string(article_id) + " is already linked to ticket " +
                           std::to_string(ticket_id),
                       "article_id");
      }
    }
    TicketArticleLink l{ticket_id, article_id, a->title, a->status, caller.user_id, now_ms()};
    store::execute(conn,
                   "INSERT INTO ticket_articles (ticket_id, article_id, linked_by, linked_at) "
                   "VALUES (?, ?, ?, ?)",
                   l.ticket_id, l.article_id, l.linked_by, l.linked_at);
    store::execute(conn, "UPDATE kb_articles SET solved_count = solved_count + 1 WHERE id = ?",
                   article_id);
    record_audit(conn, caller, "link", "ticket_article",
                 std::to_string(ticket_id) + ":" + std::to_string(article_id), nullptr,
                 {{"ticket_id", ticket_id}, {"article_id", article_id}});
    return l;
  };
}

WriteOp<TicketArticleLink> KbService::unlink(const Caller& caller, std::int64_t ticket_id,
                                             std::int64_t article_id) {
  require(caller, Permission::kTicketsWrite);
  return [caller, ticket_id, article_id](store::Connection& conn) {
    load_kb_ticket(conn, ticket_id);
    std::optional<TicketArticleLink> found;
    {
      store::Query q(conn,
                     "SELECT l.linked_by, l.linked_at, a.title, a.status FROM ticket_articles l "
                     "JOIN kb_articles a ON a.id = l.article_id WHERE l.ticket_id = ? AND "
                     "l.article_id = ?",
                     ticket_id, article_id);
      if (q.step()) {
        found = TicketArticleLink{ticket_id,
                                  article_id,
                                  std::string(q->get_text(2)),
                                  std::string(q->get_text(3)),
                                  q->get_optional_int(0),
                                  q->get_int(1)};
      }
    }
    if (!found) {
      throw_not_found("article " + std::to_string(article_id) + " is not linked to ticket " +
                          std::to_string(ticket_id),
                      "article_id");
    }
    TicketArticleLink l = std::move(*found);
    store::execute(conn, "DELETE FROM ticket_articles WHERE ticket_id = ? AND article_id = ?",
                   ticket_id, article_id);
    store::execute(conn, "UPDATE kb_articles SET solved_count = solved_count - 1 WHERE id = ?",
                   article_id);
    record_audit(conn, caller, "unlink", "ticket_article",
                 std::to_string(ticket_id) + ":" + std::to_string(article_id),
                 {{"ticket_id", ticket_id}, {"article_id", article_id}}, nullptr);
    return l;
  };
}

}  // namespace rapport::app
