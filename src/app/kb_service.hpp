#pragma once
// The knowledge base: articles in Markdown (stored as written, rendered safely on the way out by
// app/markdown), in categories, draft or published. Everyone reads published articles; only
// staff with kb.write see drafts (a draft is not_found to others, so its existence does not
// leak). Search is full text over title and body, ranked by relevance (FTS5 bm25, the title
// weighing 4 times the body), in any script (core/search_text: CJK text as bigrams, so one or
// two Chinese characters find articles too). An article is linked to the tickets it solved
// (ticket_articles); its solved_count is kept with each link and unlink.
//
// Errors: invalid_argument naming the field (title, body, language, status, name, q, sort,
// cursor); not_found for an unknown article ("id" or "article_id"), category ("category_id"
// or "id") or ticket ("id"); conflict for a duplicate category name ("name"), a stale version
// ("version"), linking a draft or an already linked article ("article_id"); not_found for
// unlinking an article that is not linked ("article_id"); forbidden without kb.read / kb.write
// (drafts: kb.write), or tickets.read / tickets.write for a ticket's links. Thread-safety: all
// methods may be called from any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/caller.hpp"
#include "app/page.hpp"
#include "app/write_op.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace rapport::app {

inline constexpr std::size_t kMaxKbTitle = 200;
inline constexpr std::size_t kMaxKbBody = 100000;
inline constexpr std::size_t kMaxKbCategoryName = 100;

struct KbCategory {
  std::int64_t id = 0;
  std::string name;
  std::int64_t published_articles = 0;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  std::int64_t version = 1;
};

struct KbArticle {
  std::int64_t id = 0;
  std::optional<std::int64_t> category_id;
  std::string title;
  std::string body;                     // Markdown as written
  std::optional<std::string> language;  // BCP 47 tag such as en or zh-CN
  std::string status;                   // draft | published
  std::optional<TimeMs> published_at;
  std::int64_t solved_count = 0;
  std::optional<std::int64_t> created_by;
  std::optional<std::int64_t> updated_by;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  std::int64_t version = 1;
  std::optional<double> score;  // search relevance (bm25: lower is better), with q only
};

struct NewKbArticle {
  std::string title;
  std::string body;
  std::optional<std::int64_t> category_id;
  std::optional<std::string> language;
  std::string status = "draft";
};

// A partial update: absent fields stay; an inner nullopt clears the field.
struct KbArticlePatch {
  std::optional<std::string> title;
  std::optional<std::string> body;
  std::optional<std::optional<std::int64_t>> category_id;
  std::optional<std::optional<std::string>> language;
  std::optional<std::string> status;
};

struct KbListParams {
  std::optional<std::string> q;  // full-text search, ranked by relevance
  std::optional<std::int64_t> category_id;
  std::optional<std::string> status;  // published (default) | draft | all (drafts: kb.write)
  std::optional<std::string> sort;    // -updated_at (default) | -solved_count; not with q
  std::optional<std::string> cursor;
  std::optional<int> limit;
};

struct TicketArticleLink {
  std::int64_t ticket_id = 0;
  std::int64_t article_id = 0;
  std::string title;
  std::string status;
  std::optional<std::int64_t> linked_by;
  TimeMs linked_at = 0;
};

class KbService {
 public:
  explicit KbService(store::Database& db) : db_(db) {}

  std::vector<KbCategory> categories(const Caller& caller);
  WriteOp<KbCategory> create_category(const Caller& caller, std::string name);
  WriteOp<KbCategory> rename_category(const Caller& caller, std::int64_t id, std::string name,
                                      std::optional<std::int64_t> expected_version);

  KbArticle get(const Caller& caller, std::int64_t id);
  Page<KbArticle> list(const Caller& caller, const KbListParams& params);
  WriteOp<KbArticle> create(const Caller& caller, NewKbArticle article);
  WriteOp<KbArticle> update(const Caller& caller, std::int64_t id, KbArticlePatch patch,
                            std::optional<std::int64_t> expected_version);

  // Tickets and the articles that solved them.
  std::vector<TicketArticleLink> ticket_articles(const Caller& caller, std::int64_t ticket_id);
  WriteOp<TicketArticleLink> link(const Caller& caller, std::int64_t ticket_id,
                                  std::int64_t article_id);
  WriteOp<TicketArticleLink> unlink(const Caller& caller, std::int64_t ticket_id,
                                    std::int64_t article_id);

 private:
  store::Database& db_;
};

// Writes an article's row of the search index (replacing any), inside the caller's transaction.
// For the use cases, the demo store and benchmarks that load articles directly.
void index_kb_article(store::Connection& conn, const KbArticle& article);

}  // namespace rapport::app
