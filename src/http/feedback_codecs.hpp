#pragma once
// JSON codecs of customer feedback: reviews and product ratings, survey invitations, responses
// and reports, knowledge-base categories, articles (with their Markdown rendered safely) and
// ticket links; request bodies read strictly (unknown fields refused, errors name the field).
#include <nlohmann/json.hpp>

#include "app/kb_service.hpp"
#include "app/page.hpp"
#include "app/review_service.hpp"
#include "app/survey_service.hpp"
#include "http/json_reader.hpp"

namespace rapport::http {

nlohmann::json to_json(const app::Review& r);
nlohmann::json to_json(const app::ProductRating& r);
nlohmann::json to_json(const app::SurveyInvitation& i);
nlohmann::json to_json(const app::SurveyResponse& r);
nlohmann::json to_json(const app::SurveyReport& r);
nlohmann::json to_json(const app::KbCategory& c);
// An article in a list: an excerpt of its body, no HTML.
nlohmann::json to_json(const app::KbArticle& a);
// One article: its Markdown and the HTML rendered from it in safe mode.
nlohmann::json kb_article_full_json(const app::KbArticle& a);
nlohmann::json to_json(const app::TicketArticleLink& l);

// {"items": [...], "next_cursor": "..." | null} of a page of the types above (declared here,
// after their to_json overloads, so that the template finds them).
template <typename T>
nlohmann::json feedback_page_json(const app::Page<T>& page) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : page.items) items.push_back(to_json(item));
  nlohmann::json out = {{"items", std::move(items)}};
  out["next_cursor"] =
      page.next_cursor ? nlohmann::json(*page.next_cursor) : nlohmann::json(nullptr);
  return out;
}

app::NewReview read_new_review(ObjectReader& r);
app::NewInvitation read_new_invitation(ObjectReader& r);
app::NewKbArticle read_new_kb_article(ObjectReader& r);
app::KbArticlePatch read_kb_article_patch(ObjectReader& r);

}  // namespace rapport::http
