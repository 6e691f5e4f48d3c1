#include "app/demo_feedback.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "app/audit_log.hpp"
#include "app/kb_service.hpp"
#include "app/settings.hpp"
#include "app/timeline.hpp"
#include "core/search_text.hpp"

namespace rapport::app {

namespace {

struct DemoArticle {
  const char* category;
  const char* language;
  const char* ticket_type;  // tickets of this type may be solved by it; nullptr: none
  const char* title;
  const char* body;
};

// A few dozen articles in English and Chinese (Markdown).
const std::vector<DemoArticle>& demo_articles() {
  static const std::vector<DemoArticle> kArticles = {
      {"Returns and refunds", "en", "return", "How to return an item",
       "You can return most items within **30 days** of purchase.\n\n1. Bring the item and "
       "the receipt to any store, or start a return on the website.\n2. We check the item.\n3. "
       "The refund goes back to the card you paid with within 5 business days.\n\nItems that "
       "were used or damaged after delivery cannot be returned."},
      {"Returns and refunds", "zh", "return", "如何办理退货",
       "大部分商品在购买后 **30 天** 内可以退货。\n\n1. "
       "携带商品和小票到任意门店，或在网站上申请退货。\n"
       "2. 我们检查商品。\n3. 退款将在 5 "
       "个工作日内退回原支付卡。\n\n使用过或到货后损坏的商品不能退货。"},
      {"Returns and refunds", "en", "return", "When will I get my refund?",
       "Refunds are issued as soon as the returned item is checked, usually the same day in "
       "store. Card refunds take **3-5 business days** to show on your statement; mobile "
       "wallets are usually instant."},
      {"Returns and refunds", "zh", "return", "退款什么时候到账？",
       "退回的商品检查完毕后立即退款，门店退货通常当天处理。银行卡退款需要 **3-5 个工作日** 到账，"
       "支付宝和微信支付一般即时到账。"},
      {"Returns and refunds", "en", "return", "Exchanging for another size",
       "Wrong size? Exchange it in any store or order the new size online and return the first "
       "one for free. Exchanges keep your original purchase date for the warranty."},
      {"Returns and refunds", "zh", "return", "换尺码怎么办？",
       "尺码不合适？可以在任意门店换货，或在网上下单新尺码并免费退回原商品。换货后保修期仍按原购买"
       "日期计算。"},
      {"Orders and delivery", "en", "complaint", "Where is my parcel?",
       "Track your parcel with the tracking number in your confirmation email. Standard "
       "delivery takes **2-4 days**; express delivery arrives the next business day. If the "
       "tracking has not changed for 3 days, contact us and we will open an investigation."},
      {"Orders and delivery", "zh", "complaint", "我的快递到哪里了？",
       "请使用确认邮件中的运单号查询物流。普通快递 **2-4 天** 送达，加急快递次个工作日送达。"
       "如果物流信息 3 天没有更新，请联系我们，我们会立即跟进调查。"},
      {"Orders and delivery", "en", "complaint", "My item arrived damaged",
       "We are sorry! Take a photo of the item and the packaging and send it to us within "
       "48 hours of delivery. We send a replacement at once, or refund you in full; you do not "
       "need to send the damaged item back."},
      {"Orders and delivery", "zh", "complaint", "收到的商品有破损",
       "非常抱歉！请在签收后 48 "
       "小时内拍下商品和包装的照片发给我们。我们会立即补发或全额退款，破损商品无需寄回。"},
      {"Orders and delivery", "en", "inquiry", "Changing or cancelling an order",
       "Orders can be changed or cancelled until they are packed, usually within one hour of "
       "ordering. After that, refuse the delivery or return the item for free."},
      {"Orders and delivery", "zh", "inquiry", "修改或取消订单",
       "订单在打包前都可以修改或取消，一般为下单后一小时内。之后可以拒收包裹或免费退货。"},
      {"Membership and points", "en", "inquiry", "How membership points work",
       "Members earn **1 point per unit** of currency spent. Points can pay for up to half of a "
       "purchase and expire after 24 months. Check your balance at any till or in the app."},
      {"Membership and points", "zh", "inquiry", "会员积分规则",
       "会员每消费 1 元积 **1 分**。积分最多可抵扣订单金额的一半，有效期 24 个月。可在收银台或 App "
       "中查询积分余额。"},
      {"Membership and points", "en", "inquiry", "Upgrading to Gold membership",
       "Spend 5,000 within 12 months to become a Gold member: double points, free express "
       "delivery and early access to sales."},
      {"Membership and points", "zh", "inquiry", "如何升级为金卡会员",
       "12 个月内累计消费满 5000 元即可升级金卡会员：双倍积分、免费加急配送、优先参加促销活动。"},
      {"Product care", "en", "repair", "Storing green tea",
       "Keep green tea in an airtight tin, away from light, heat and strong smells. Opened tea "
       "keeps its flavour for about two months; unopened packs keep for a year in the fridge."},
      {"Product care", "zh", "repair", "绿茶的保存方法",
       "绿茶应密封保存在茶叶罐中，避光、避热、远离异味。开封后约两个月内风味最佳，未开封的茶叶冷藏"
       "可保存一年。"},
      {"Product care", "en", "repair", "Cleaning a stainless steel kettle",
       "Descale the kettle once a month: boil half water, half white vinegar, leave it for an "
       "hour, then rinse twice. Never use steel wool on the outside."},
      {"Product care", "zh", "repair", "不锈钢水壶的清洁",
       "每月除一次水垢：用一半清水一半白醋煮沸，静置一小时后冲洗两遍。外壳请勿使用钢丝球。"},
      {"Warranty and repairs", "en", "repair", "What the warranty covers",
       "Electrical products carry a **2-year warranty** against defects in materials and "
       "workmanship. It does not cover wear, accidents or repairs by others. Keep your receipt: "
       "it is your proof of purchase."},
      {"Warranty and repairs", "zh", "repair", "保修范围说明",
       "电器产品享受 **两年保修**，保修范围为材料和做工缺陷，不包括正常磨损、意外损坏或第三方维修。"
       "请保留购物小票作为购买凭证。"},
      {"Warranty and repairs", "en", "repair", "Sending an item for repair",
       "Bring the item to any store or book a free pickup. Repairs take about **7 days**; if "
       "we cannot repair it, we replace it with the same or an equivalent model."},
      {"Warranty and repairs", "zh", "repair", "如何送修商品",
       "将商品送到任意门店，或预约免费上门取件。维修约需 **7 "
       "天**；如无法维修，我们将更换同款或同等型号商品。"},
      {"Orders and delivery", "en", "complaint", "Delivery was late",
       "If your parcel arrives after the promised date, you get the delivery fee back "
       "automatically. For express orders that arrive late, we add 200 bonus points too."},
      {"Orders and delivery", "zh", "complaint", "快递延误怎么办",
       "包裹晚于承诺日期送达时，运费将自动退还。加急订单延误的，我们还将赠送 200 积分。"},
      {"Membership and points", "en", nullptr, "Updating your contact details",
       "Update your phone number, email and address in the app under *Me > Profile*, or ask "
       "at any till. We never ask for your password by phone or email."},
      {"Membership and points", "zh", nullptr, "修改个人联系方式",
       "可在 App 的 *我的 > 个人资料* "
       "中修改手机号、邮箱和地址，也可以在收银台办理。我们绝不会通过电话或邮件索要您的密码。"},
      {"Product care", "en", nullptr, "Choosing a tea for the evening",
       "For the evening choose teas low in caffeine: aged white tea, roasted oolong or herbal "
       "infusions such as chrysanthemum. Green tea and black tea keep many people awake."},
      {"Product care", "zh", nullptr, "晚上适合喝什么茶",
       "晚上宜选低咖啡因的茶：老白茶、熟普洱、炭焙乌龙或菊花等花草茶。绿茶和红茶容易影响睡眠。"},
  };
  return kArticles;
}

const char* const kReviewTitlesEn[5][3] = {
    {"Very disappointed", "Broke quickly", "Not as described"},
    {"Below expectations", "Poor quality", "Would not buy again"},
    {"It's okay", "Average", "Does the job"},
    {"Good value", "Happy with it", "Nice product"},
    {"Excellent!", "Love it", "Highly recommended"}};
const char* const kReviewTitlesZh[5][3] = {{"非常失望", "很快就坏了", "与描述不符"},
                                           {"低于预期", "质量一般偏差", "不会再买"},
                                           {"还行", "一般", "能用"},
                                           {"性价比高", "挺满意的", "不错"},
                                           {"非常好！", "超级喜欢", "强烈推荐"}};
const char* const kReviewBodiesEn[5] = {
    "Stopped working after a week. The store was helpful but I expected better.",
    "The quality is not what the photos suggest.", "Fine for the price, nothing special.",
    "Works well and arrived quickly. Would buy again.",
    "Great quality, exactly as described. My family loves it."};
const char* const kReviewBodiesZh[5] = {
    "用了一周就坏了，门店服务还可以，但期望更高。", "质量和图片差距较大。", "价格合适，中规中矩。",
    "好用，发货快，会回购。", "质量很好，和描述一致，家人都很喜欢。"};
const char* const kHideReasons[] = {"Advertising for another shop", "Abusive language",
                                    "Personal data in the text"};
const char* const kSurveyCommentsEn[] = {
    "Quick and friendly help, thank you.", "Took too long to get an answer.",
    "The staff in store were great.", "Delivery was late again."};
const char* const kSurveyCommentsZh[] = {"处理很快，服务热情，谢谢。", "等了太久才有人回复。",
                                         "门店店员很专业。", "快递又晚了。"};

bool has_cjk(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0xE0) return true;  // a 3- or 4-byte UTF-8 sequence: CJK in this demo's names
  }
  return false;
}

class FeedbackGenerator {
 public:
  FeedbackGenerator(store::Connection& conn, const Caller& caller, std::uint64_t seed, TimeMs now)
      : conn_(conn), caller_(caller), rng_(seed ^ 0x5eedf00dULL), now_(now) {}

  DemoFeedbackSummary run() {
    load_staff();
    write_articles();
    write_reviews();
    write_surveys();
    set_setting(conn_, caller_, setting::kSurveyCsatOnResolve, "true");
    set_setting(conn_, caller_, setting::kSurveyNpsAfterOrder, "true");
    record_audit(conn_, caller_, "generate", "demo_feedback", "", nullptr,
                 {{"reviews", sum_.reviews},
                  {"votes", sum_.votes},
                  {"invitations", sum_.invitations},
                  {"responses", sum_.responses},
                  {"articles", sum_.articles},
                  {"ticket_links", sum_.ticket_links}});
    return sum_;
  }

 private:
  double real() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  int below(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
  bool chance(double p) { return real() < p; }
  std::optional<std::int64_t> staff() {
    if (staff_.empty()) return std::nullopt;
    return staff_[static_cast<std::size_t>(below(static_cast<int>(staff_.size())))];
  }

  void load_staff() {
    store::Query q(conn_, "SELECT id FROM users WHERE role IN ('service','sales') ORDER BY id");
    while (q.step()) staff_.push_back(q->get_int(0));
  }

  void timeline(std::int64_t customer, TimeMs at, const char* kind, const std::string& channel,
                std::string subject, std::optional<std::string> body, const char* ref_type,
                std::int64_t ref_id, std::optional<std::int64_t> user) {
    TimelineEntry e;
    e.customer_id = customer;
    e.at = at;
    e.kind = kind;
    e.channel = channel;
    e.direction = "inbound";
    e.subject = std::move(subject);
    e.body = std::move(body);
    e.ref_type = ref_type;
    e.ref_id = ref_id;
    Caller by = caller_;
    by.user_id = user;
    append_timeline(conn_, by, std::move(e));
  }

  void write_articles() {
    std::map<std::string, std::int64_t> categories;
    const TimeMs start = now_ - 200 * kDayMs;
    for (const auto& a : demo_articles()) {
      auto [it, fresh] = categories.try_emplace(a.category, 0);
      if (fresh) {
        store::execute(conn_,
                       "INSERT INTO kb_categories (name, created_at, updated_at) VALUES (?, ?, ?)",
                       std::string(a.category), start, start);
        it->second = conn_.last_insert_id();
      }
      const TimeMs at = start + static_cast<TimeMs>(real() * 60.0 * kDayMs);
      // Two drafts, to show the editors' view.
      const bool draft = sum_.articles == 26 || sum_.articles == 29;
      store::execute(conn_,
                     "INSERT INTO kb_articles (category_id, title, body, language, status, "
                     "published_at, created_by, updated_by, created_at, updated_at) VALUES (?, ?, "
                     "?, ?, ?, ?, ?, ?, ?, ?)",
                     it->second, std::string(a.title), std::string(a.body), std::string(a.language),
                     std::string(draft ? "draft" : "published"),
                     draft ? std::optional<TimeMs>() : std::optional<TimeMs>(at), staff(), staff(),
                     at, at);
      const std::int64_t id = conn_.last_insert_id();
      KbArticle indexed;
      indexed.id = id;
      indexed.title = a.title;
      indexed.body = a.body;
      indexed.status = draft ? "draft" : "published";
      indexed.category_id = it->second;
      index_kb_article(conn_, indexed);
      if (!draft && a.ticket_type != nullptr) {
        articles_by_type_[a.ticket_type].push_back({id, std::string(a.language) == "zh"});
      }
      ++sum_.articles;
    }
  }

  void write_reviews() {
    // Distinct (customer, product) purchases, newest first.
    struct Bought {
      std::int64_t customer;
      std::int64_t product;
      std::string product_name;
      bool chinese;
      TimeMs at;
    };
    std::vector<Bought> bought;
    {
      store::Query q(conn_,
                     "SELECT o.customer_id, l.product_id, p.name, c.name, max(o.placed_at) FROM "
                     "orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = "
                     "l.product_id JOIN customers c ON c.id = o.customer_id WHERE o.kind = "
                     "'sale' AND c.kind = 'person' GROUP BY o.customer_id, l.product_id ORDER BY "
                     "o.customer_id, l.product_id");
      while (q.step()) {
        bought.push_back({q->get_int(0), q->get_int(1), std::string(q->get_text(2)),
                          has_cjk(std::string(q->get_text(3))), q->get_int(4)});
      }
    }
    std::vector<std::pair<std::int64_t, std::int64_t>> written;  // review id, customer
    for (const Bought& b : bought) {
      if (!chance(0.08) || sum_.reviews >= 6000) continue;
      const double r = real();
      const int stars = r < 0.05 ? 1 : r < 0.11 ? 2 : r < 0.25 ? 3 : r < 0.55 ? 4 : 5;
      const int v = below(3);
      std::optional<std::string> title =
          b.chinese ? kReviewTitlesZh[stars - 1][v] : kReviewTitlesEn[stars - 1][v];
      std::optional<std::string> body;
      if (chance(0.7)) body = b.chinese ? kReviewBodiesZh[stars - 1] : kReviewBodiesEn[stars - 1];
      const TimeMs at =
          std::min<TimeMs>(now_ - 60000, b.at + (2 + below(20)) * kDayMs + below(86400) * 1000LL);
      const std::string channel = chance(0.8) ? "web" : "store";
      const auto user = staff();
      std::optional<TimeMs> hidden_at;
      std::optional<std::string> reason;
      if (chance(0.015)) {
        hidden_at = std::min<TimeMs>(now_ - 1000, at + kDayMs);
        reason = kHideReasons[below(3)];
      }
      store::execute(conn_,
                     "INSERT INTO reviews (product_id, customer_id, rating, title, body, channel, "
                     "verified_purchase, hidden_at, hidden_reason, hidden_by, created_by, "
                     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)",
                     b.product, b.customer, stars, title, body, channel, hidden_at, reason,
                     hidden_at ? user : std::optional<std::int64_t>(), user, at,
                     hidden_at.value_or(at));
      const std::int64_t id = conn_.last_insert_id();
      std::string stars_text;
      for (int i = 0; i < 5; ++i) stars_text += i < stars ? "\u2605" : "\u2606";
      timeline(b.customer, at, "review_posted", channel,
               "Review of " + b.product_name + ": " + stars_text + " " + *title, body, "review", id,
               user);
      if (!hidden_at) written.emplace_back(id, b.customer);
      ++sum_.reviews;
    }
    // Helpful votes from other reviewers.
    for (const auto& [id, author] : written) {
      const int n = chance(0.3) ? 1 + below(4) : 0;
      for (int k = 0; k < n; ++k) {
        const std::int64_t voter =
            written[static_cast<std::size_t>(below(static_cast<int>(written.size())))].second;
        if (voter == author) continue;
        store::execute(conn_,
                       "INSERT OR IGNORE INTO review_votes (review_id, customer_id, created_by, "
                       "created_at) VALUES (?, ?, ?, ?)",
                       id, voter, staff(), now_ - below(30) * kDayMs);
        if (conn_.changes() > 0) {
          store::execute(conn_, "UPDATE reviews SET helpful_count = helpful_count + 1 WHERE id = ?",
                         id);
          ++sum_.votes;
        }
      }
    }
    // The aggregate, computed once from the reviews (the use cases keep it per write).
    store::execute(conn_,
                   "INSERT INTO product_ratings (product_id, stars_1, stars_2, stars_3, stars_4, "
                   "stars_5, updated_at) SELECT product_id, sum(rating = 1), sum(rating = 2), "
                   "sum(rating = 3), sum(rating = 4), sum(rating = 5), ? FROM reviews WHERE "
                   "replaced_at IS NULL AND hidden_at IS NULL GROUP BY product_id",
                   now_);
  }

  void respond(std::int64_t invitation, const std::string& kind, std::int64_t customer,
               bool chinese, const std::string& channel, const std::optional<std::string>& store,
               TimeMs at, const std::string& about) {
    int score;
    if (kind == "nps") {
      const double r = real();
      score = r < 0.45 ? 9 + below(2) : r < 0.75 ? 7 + below(2) : below(7);
    } else {
      const double r = real();
      score = r < 0.55 ? 5 : r < 0.8 ? 4 : r < 0.9 ? 3 : 1 + below(2);
    }
    std::optional<std::string> comment;
    if (chance(0.35)) {
      const int good = score >= (kind == "nps" ? 9 : 4) ? 0 : 1;
      const int v = good == 0 ? (chance(0.5) ? 0 : 2) : (chance(0.5) ? 1 : 3);
      comment = chinese ? kSurveyCommentsZh[v] : kSurveyCommentsEn[v];
    }
    const auto user = staff();
    store::execute(conn_,
                   "INSERT INTO survey_responses (invitation_id, kind, customer_id, score, "
                   "comment, channel, store, created_by, responded_at) VALUES (?, ?, ?, ?, ?, ?, "
                   "?, ?, ?)",
                   invitation, kind, customer, score, comment, channel, store, user, at);
    const std::int64_t id = conn_.last_insert_id();
    store::execute(conn_, "UPDATE survey_invitations SET responded_at = ? WHERE id = ?", at,
                   invitation);
    std::string subject;
    if (kind == "nps") {
      subject = "NPS " + std::to_string(score) + "/10 (" +
                (score >= 9   ? "promoter"
                 : score >= 7 ? "passive"
                              : "detractor") +
                ")";
    } else {
      subject = "CSAT " + std::to_string(score) + "/5" +
                (score >= 4 ? " (satisfied)" : " (not satisfied)");
    }
    timeline(customer, at, "survey_response", is_timeline_channel(channel) ? channel : "system",
             subject + about, comment, "survey_response", id, user);
    ++sum_.responses;
  }

  void write_surveys() {
    // CSAT on resolved tickets; some of them solved by an article.
    struct Resolved {
      std::int64_t ticket, customer;
      std::string channel, type;
      TimeMs at;
      bool chinese;
    };
    std::vector<Resolved> resolved;
    {
      store::Query q(conn_,
                     "SELECT t.id, t.customer_id, t.channel, t.type, t.resolved_at, c.name FROM "
                     "tickets t JOIN customers c ON c.id = t.customer_id WHERE t.resolved_at IS "
                     "NOT NULL ORDER BY t.id");
      while (q.step()) {
        resolved.push_back({q->get_int(0), q->get_int(1), std::string(q->get_text(2)),
                            std::string(q->get_text(3)), q->get_int(4),
                            has_cjk(std::string(q->get_text(5)))});
      }
    }
    for (const Resolved& t : resolved) {
      if (chance(0.35)) {
        const auto& candidates = articles_by_type_[t.type];
        std::vector<std::int64_t> fitting;
        for (const auto& [id, zh] : candidates) {
          if (zh == t.chinese) fitting.push_back(id);
        }
        if (!fitting.empty()) {
          const std::int64_t article =
              fitting[static_cast<std::size_t>(below(static_cast<int>(fitting.size())))];
          store::execute(conn_,
                         "INSERT INTO ticket_articles (ticket_id, article_id, linked_by, "
                         "linked_at) VALUES (?, ?, ?, ?)",
                         t.ticket, article, staff(), t.at);
          store::execute(conn_,
                         "UPDATE kb_articles SET solved_count = solved_count + 1 WHERE id = ?",
                         article);
          ++sum_.ticket_links;
        }
      }
      if (!chance(0.8)) continue;
      store::execute(conn_,
                     "INSERT INTO survey_invitations (kind, customer_id, source, ticket_id, "
                     "channel, created_at) VALUES ('csat', ?, 'ticket_resolved', ?, ?, ?)",
                     t.customer, t.ticket, t.channel, t.at);
      const std::int64_t inv = conn_.last_insert_id();
      ++sum_.invitations;
      const TimeMs answered = t.at + (1 + below(47)) * 3600000LL;
      if (answered < now_ && chance(0.45)) {
        respond(inv, "csat", t.customer, t.chinese, t.channel, std::nullopt, answered,
                " on ticket #" + std::to_string(t.ticket));
      }
    }
    // NPS after orders of the last 180 days, at most one per customer per 90 days.
    struct Placed {
      std::int64_t order, customer;
      std::string channel;
      std::optional<std::string> location;
      TimeMs at;
      bool chinese;
    };
    std::vector<Placed> placed;
    {
      store::Query q(conn_,
                     "SELECT o.id, o.customer_id, o.channel, o.location, o.placed_at, c.name FROM "
                     "orders o JOIN customers c ON c.id = o.customer_id WHERE o.kind = 'sale' AND "
                     "o.placed_at >= ? AND c.kind = 'person' ORDER BY o.placed_at, o.id",
                     now_ - 180 * kDayMs);
      while (q.step()) {
        placed.push_back({q->get_int(0), q->get_int(1), std::string(q->get_text(2)),
                          q->get_optional_text(3), q->get_int(4),
                          has_cjk(std::string(q->get_text(5)))});
      }
    }
    std::map<std::int64_t, TimeMs> last_asked;
    for (const Placed& o : placed) {
      auto it = last_asked.find(o.customer);
      if (it != last_asked.end() && o.at - it->second < 90 * kDayMs) continue;
      if (!chance(0.3)) continue;
      last_asked[o.customer] = o.at;
      store::execute(conn_,
                     "INSERT INTO survey_invitations (kind, customer_id, source, order_id, "
                     "channel, store, created_at) VALUES ('nps', ?, 'order', ?, ?, ?, ?)",
                     o.customer, o.order, o.channel, o.location, o.at);
      const std::int64_t inv = conn_.last_insert_id();
      ++sum_.invitations;
      const TimeMs answered = o.at + (1 + below(5 * 24)) * 3600000LL;
      if (answered < now_ && chance(0.35)) {
        respond(inv, "nps", o.customer, o.chinese, o.channel, o.location, answered,
                " after order #" + std::to_string(o.order));
      }
    }
  }

  store::Connection& conn_;
  const Caller& caller_;
  std::mt19937_64 rng_;
  TimeMs now_;
  std::vector<std::int64_t> staff_;
  std::map<std::string, std::vector<std::pair<std::int64_t, bool>>> articles_by_type_;
  DemoFeedbackSummary sum_;
};

}  // namespace

DemoFeedbackSummary generate_demo_feedback(store::Connection& conn, const Caller& caller,
                                           std::uint64_t seed, TimeMs now) {
  FeedbackGenerator g(conn, caller, seed, now != 0 ? now : now_ms());
  return g.run();
}

}  // namespace rapport::app
