#include "core/error.hpp"
#include "http/codecs.hpp"
#include "http/exchange.hpp"
#include "http/feedback_codecs.hpp"
#include "http/json_reader.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"

namespace rapport::http {

namespace {

void reply_with_review(Exchange& e, int status, const app::Review& r) {
  std::vector<std::pair<std::string, std::string>> headers = {{"ETag", etag(r.version)}};
  if (status == 201) headers.emplace_back("Location", "/api/v1/reviews/" + std::to_string(r.id));
  e.reply(status, to_json(r), std::move(headers));
}

}  // namespace

void add_feedback_routes(RouteTable& routes, Services& s) {
  // Reviews.
  routes.push_back({"POST",
                    "/api/v1/reviews",
                    app::Permission::kReviewsWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ObjectReader r(ex->json());
                      app::NewReview in = read_new_review(r);
                      r.finish();
                      ex->reply_after<app::Review>(
                          s.db.writer(), s.reviews.create(ex->caller(), std::move(in)),
                          [](Exchange& e, app::Review& v) { reply_with_review(e, 201, v); });
                    }});
  routes.push_back({"GET",
                    "/api/v1/reviews/{id}",
                    app::Permission::kReviewsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      reply_with_review(*ex, 200, s.reviews.get(ex->caller(), ex->id_param()));
                    }});
  routes.push_back({"POST",
                    "/api/v1/reviews/{id}/hide",
                    app::Permission::kReviewsModerate,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      const std::int64_t id = ex->id_param();
                      ObjectReader r(ex->json());
                      std::string reason = r.required_string("reason", 100000);
                      r.finish();
                      ex->reply_after<app::Review>(
                          s.db.writer(), s.reviews.hide(ex->caller(), id, std::move(reason)),
                          [](Exchange& e, app::Review& v) { reply_with_review(e, 200, v); });
                    }});
  routes.push_back({"POST",
                    "/api/v1/reviews/{id}/unhide",
                    app::Permission::kReviewsModerate,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply_after<app::Review>(
                          s.db.writer(), s.reviews.unhide(ex->caller(), ex->id_param()),
                          [](Exchange& e, app::Review& v) { reply_with_review(e, 200, v); });
                    }});
  routes.push_back({"POST",
                    "/api/v1/reviews/{id}/votes",
                    app::Permission::kReviewsWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      const std::int64_t id = ex->id_param();
                      ObjectReader r(ex->json());
                      const std::int64_t customer = r.required_int("customer_id", 1, INT64_MAX);
                      r.finish();
                      ex->reply_after<app::Review>(
                          s.db.writer(), s.reviews.vote(ex->caller(), id, customer),
                          [](Exchange& e, app::Review& v) { reply_with_review(e, 201, v); });
                    }});
  routes.push_back({"GET",
                    "/api/v1/products/{id}/reviews",
                    app::Permission::kReviewsRead,
                    {"sort", "rating", "verified", "hidden", "cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::ReviewListParams p;
                      p.product_id = ex->id_param();
                      p.sort = ex->query("sort");
                      if (auto v = ex->query_int("rating", INT32_MIN, INT32_MAX)) p.rating = *v;
                      p.verified = ex->query_bool("verified");
                      p.include_hidden = ex->query_bool("hidden").value_or(false);
                      p.cursor = ex->query("cursor");
                      p.limit = ex->query_int("limit", 1, app::kMaxPageSize);
                      ex->reply(200,
                                feedback_page_json(s.reviews.list_for_product(ex->caller(), p)));
                    }});
  routes.push_back({"GET",
                    "/api/v1/products/{id}/rating",
                    app::Permission::kReviewsRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply(200, to_json(s.reviews.rating(ex->caller(), ex->id_param())));
                    }});
  routes.push_back({"GET",
                    "/api/v1/customers/{id}/reviews",
                    app::Permission::kReviewsRead,
                    {"cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply(200, feedback_page_json(s.reviews.list_for_customer(
                                         ex->caller(), ex->id_param(), ex->query("cursor"),
                                         ex->query_int("limit", 1, app::kMaxPageSize))));
                    }});

  // Surveys.
  routes.push_back(
      {"POST",
       "/api/v1/surveys/invitations",
       app::Permission::kSurveysWrite,
       {},
       BodyKind::kJson,
       [&s](const std::shared_ptr<Exchange>& ex) {
         ObjectReader r(ex->json());
         app::NewInvitation in = read_new_invitation(r);
         r.finish();
         ex->reply_after<app::SurveyInvitation>(
             s.db.writer(), s.surveys.invite(ex->caller(), std::move(in)),
             [](Exchange& e, app::SurveyInvitation& i) {
               e.reply(201, to_json(i),
                       {{"Location", "/api/v1/surveys/invitations/" + std::to_string(i.id)}});
             });
       }});
  routes.push_back({"GET",
                    "/api/v1/surveys/invitations",
                    app::Permission::kSurveysRead,
                    {"customer", "kind", "pending", "cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::InvitationListParams p;
                      if (auto v = ex->query_id("customer")) p.customer_id = *v;
                      p.kind = ex->query("kind");
                      p.pending = ex->query_bool("pending");
                      p.cursor = ex->query("cursor");
                      p.limit = ex->query_int("limit", 1, app::kMaxPageSize);
                      ex->reply(200,
                                feedback_page_json(s.surveys.list_invitations(ex->caller(), p)));
                    }});
  routes.push_back({"GET",
                    "/api/v1/surveys/invitations/{id}",
                    app::Permission::kSurveysRead,
                    {},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      ex->reply(200,
                                to_json(s.surveys.get_invitation(ex->caller(), ex->id_param())));
                    }});
  routes.push_back({"POST",
                    "/api/v1/surveys/invitations/{id}/response",
                    app::Permission::kSurveysWrite,
                    {},
                    BodyKind::kJson,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      const std::int64_t id = ex->id_param();
                      ObjectReader r(ex->json());
                      const std::int64_t score = r.required_int("score", INT64_MIN, INT64_MAX);
                      auto comment = r.optional_string("comment", 400000);
                      r.finish();
                      ex->reply_after<app::SurveyResponse>(
                          s.db.writer(),
                          s.surveys.respond(ex->caller(), id, score, std::move(comment)),
                          [](Exchange& e, app::SurveyResponse& v) {
                            e.reply(201, to_json(v),
                                    {{"Location", "/api/v1/surveys/invitations/" +
                                                      std::to_string(v.invitation_id)}});
                          });
                    }});
  routes.push_back({"GET",
                    "/api/v1/surveys/responses",
                    app::Permission::kSurveysRead,
                    {"customer", "kind", "cursor", "limit"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::ResponseListParams p;
                      if (auto v = ex->query_id("customer")) p.customer_id = *v;
                      p.kind = ex->query("kind");
                      p.cursor = ex->query("cursor");
                      p.limit = ex->query_int("limit", 1, app::kMaxPageSize);
                      ex->reply(200, feedback_page_json(s.surveys.list_responses(ex->caller(), p)));
                    }});
  routes.push_back({"GET",
                    "/api/v1/surveys/reports",
                    app::Permission::kSurveysRead,
                    {"kind", "group_by", "from", "to"},
                    BodyKind::kNone,
                    [&s](const std::shared_ptr<Exchange>& ex) {
                      app::SurveyReportParams p;
                      auto kind = ex->query("kind");
                      if (!kind) throw_invalid("kind", "is required (csat or nps)");
                      p.kind = *kind;
                      if (auto g = ex->query("group_by")) p.group_by = *g;
                      p.from = query_time(*ex, "from");
                      p.to = query_time(*ex, "to");
                      ex->reply(200, to_json(s.surveys.report(ex->caller(), p)));
                    }});
}

}  // namespace rapport::http
