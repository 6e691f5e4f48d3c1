#include "http/feedback_codecs.hpp"

#include "app/markdown.hpp"
#include "http/codecs.hpp"

namespace rapport::http {

namespace {

// Text limits here are generous; the use cases check the real ones (in characters).
constexpr std::size_t kFeedbackTextBytes = 400000;
constexpr std::size_t kKbExcerptChars = 200;

nlohmann::json survey_group_json(const std::string& kind, const app::SurveyReportGroup& g) {
  nlohmann::json j = {{"key", opt(g.key)}, {"responses", g.responses}};
  nlohmann::json scores = nlohmann::json::object();
  const int lo = kind == "nps" ? 0 : 1;
  const int hi = kind == "nps" ? 10 : 5;
  for (int s = lo; s <= hi; ++s)
    scores[std::to_string(s)] = g.by_score[static_cast<std::size_t>(s)];
  j["scores"] = std::move(scores);
  if (kind == "nps") {
    j["promoters"] = g.promoters;
    j["passives"] = g.passives;
    j["detractors"] = g.detractors;
    j["nps"] = opt(g.nps);
  } else {
    j["satisfied"] = g.satisfied;
    j["csat"] = opt(g.csat);
    j["mean"] = opt(g.mean);
  }
  return j;
}

nlohmann::json kb_article_base_json(const app::KbArticle& a) {
  nlohmann::json j = {{"id", a.id},
                      {"category_id", opt(a.category_id)},
                      {"title", a.title},
                      {"language", opt(a.language)},
                      {"status", a.status},
                      {"published_at", time_json(a.published_at)},
                      {"solved_count", a.solved_count},
                      {"created_by", opt(a.created_by)},
                      {"updated_by", opt(a.updated_by)},
                      {"created_at", format_time(a.created_at)},
                      {"updated_at", format_time(a.updated_at)},
                      {"version", a.version}};
  if (a.score) j["score"] = *a.score;
  return j;
}

}  // namespace

nlohmann::json to_json(const app::Review& r) {
  return {{"id", r.id},
          {"product_id", r.product_id},
          {"customer_id", r.customer_id},
          {"rating", r.rating},
          {"title", opt(r.title)},
          {"body", opt(r.body)},
          {"channel", r.channel},
          {"verified_purchase", r.verified_purchase},
          {"helpful_count", r.helpful_count},
          {"hidden", r.hidden_at.has_value()},
          {"hidden_at", time_json(r.hidden_at)},
          {"hidden_reason", opt(r.hidden_reason)},
          {"hidden_by", opt(r.hidden_by)},
          {"current", !r.replaced_at.has_value()},
          {"replaces", opt(r.replaces)},
          {"replaced_at", time_json(r.replaced_at)},
          {"created_by", opt(r.created_by)},
          {"created_at", format_time(r.created_at)},
          {"updated_at", format_time(r.updated_at)},
          {"version", r.version}};
}

nlohmann::json to_json(const app::ProductRating& r) {
  nlohmann::json dist = nlohmann::json::object();
  for (int i = 0; i < 5; ++i) {
    dist[std::to_string(i + 1)] = r.summary.distribution[static_cast<std::size_t>(i)];
  }
  return {{"product_id", r.product_id},
          {"count", r.summary.count},
          {"mean", opt(r.summary.mean)},
          {"distribution", std::move(dist)}};
}

nlohmann::json to_json(const app::SurveyResponse& r) {
  return {{"id", r.id},
          {"invitation_id", r.invitation_id},
          {"kind", r.kind},
          {"customer_id", r.customer_id},
          {"score", r.score},
          {"comment", opt(r.comment)},
          {"channel", opt(r.channel)},
          {"store", opt(r.store)},
          {"created_by", opt(r.created_by)},
          {"responded_at", format_time(r.responded_at)}};
}

nlohmann::json to_json(const app::SurveyInvitation& i) {
  return {{"id", i.id},
          {"kind", i.kind},
          {"customer_id", i.customer_id},
          {"source", i.source},
          {"ticket_id", opt(i.ticket_id)},
          {"order_id", opt(i.order_id)},
          {"channel", opt(i.channel)},
          {"store", opt(i.store)},
          {"created_by", opt(i.created_by)},
          {"created_at", format_time(i.created_at)},
          {"responded_at", time_json(i.responded_at)},
          {"response", i.response ? to_json(*i.response) : nlohmann::json(nullptr)}};
}

nlohmann::json to_json(const app::SurveyReport& r) {
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : r.groups) groups.push_back(survey_group_json(r.kind, g));
  return {{"kind", r.kind},
          {"group_by", r.group_by},
          {"from", format_time(r.from)},
          {"to", format_time(r.to)},
          {"groups", std::move(groups)},
          {"total", survey_group_json(r.kind, r.total)}};
}

nlohmann::json to_json(const app::KbCategory& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"published_articles", c.published_articles},
          {"created_at", format_time(c.created_at)},
          {"updated_at", format_time(c.updated_at)},
          {"version", c.version}};
}

nlohmann::json to_json(const app::KbArticle& a) {
  nlohmann::json j = kb_article_base_json(a);
  j["excerpt"] = app::markdown_excerpt(a.body, kKbExcerptChars);
  return j;
}

nlohmann::json kb_article_full_json(const app::KbArticle& a) {
  nlohmann::json j = kb_article_base_json(a);
  j["body"] = a.body;
  j["html"] = app::render_markdown_safe(a.body);
  return j;
}

nlohmann::json to_json(const app::TicketArticleLink& l) {
  return {{"ticket_id", l.ticket_id},
          {"article_id", l.article_id},
          {"title", l.title},
          {"status", l.status},
          {"linked_by", opt(l.linked_by)},
          {"linked_at", format_time(l.linked_at)}};
}

app::NewReview read_new_review(ObjectReader& r) {
  app::NewReview v;
  v.product_id = r.required_int("product_id", 1, INT64_MAX);
  v.customer_id = r.required_int("customer_id", 1, INT64_MAX);
  v.rating = r.required_int("rating", INT64_MIN, INT64_MAX);
  v.title = r.optional_string("title", kFeedbackTextBytes);
  v.body = r.optional_string("body", kFeedbackTextBytes);
  if (auto c = r.optional_string("channel", 50)) v.channel = *c;
  return v;
}

app::NewInvitation read_new_invitation(ObjectReader& r) {
  app::NewInvitation v;
  v.kind = r.required_string("kind", 20);
  v.customer_id = r.required_int("customer_id", 1, INT64_MAX);
  v.ticket_id = r.optional_int("ticket_id", 1, INT64_MAX);
  v.order_id = r.optional_int("order_id", 1, INT64_MAX);
  v.channel = r.optional_string("channel", 50);
  v.store = r.optional_string("store", kFeedbackTextBytes);
  return v;
}

app::NewKbArticle read_new_kb_article(ObjectReader& r) {
  app::NewKbArticle v;
  v.title = r.required_string("title", kFeedbackTextBytes);
  v.body = r.required_string("body", kFeedbackTextBytes);
  v.category_id = r.optional_int("category_id", 1, INT64_MAX);
  v.language = r.optional_string("language", 50);
  if (auto s = r.optional_string("status", 20)) v.status = *s;
  return v;
}

app::KbArticlePatch read_kb_article_patch(ObjectReader& r) {
  app::KbArticlePatch p;
  p.title = r.optional_string("title", kFeedbackTextBytes);
  p.body = r.optional_string("body", kFeedbackTextBytes);
  if (r.is_null("category_id")) {
    p.category_id = std::optional<std::int64_t>();
  } else if (auto v = r.optional_int("category_id", 1, INT64_MAX)) {
    p.category_id = std::optional<std::int64_t>(*v);
  }
  if (r.is_null("language")) {
    p.language = std::optional<std::string>();
  } else if (auto v = r.optional_string("language", 50)) {
    p.language = std::optional<std::string>(*v);
  }
  p.status = r.optional_string("status", 20);
  return p;
}

}  // namespace rapport::http
