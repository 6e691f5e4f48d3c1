// bench_kb gen DB N      writes N published articles (70% English, 30% Chinese; Zipf-like word
//                        frequencies and topics, so queries range from rare to common) with their
//                        search index rows, in one transaction, through app::index_kb_article.
// bench_kb query DB R    runs R rounds of the query mix through KbService::list (first page of
//                        20 by relevance, as GET /api/v1/kb/articles?q= does) on one thread and
//                        prints the latency percentiles per query and overall.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "app/kb_service.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace {

using rapport::TimeMs;

const char* const kEnglish[] = {
    "order",       "delivery",    "return",   "refund",   "tea",      "kettle",     "warranty",
    "repair",      "member",      "points",   "store",    "payment",  "card",       "parcel",
    "tracking",    "exchange",    "size",     "price",    "discount", "coupon",     "account",
    "password",    "email",       "phone",    "address",  "invoice",  "receipt",    "damaged",
    "broken",      "missing",     "late",     "express",  "standard", "gift",       "wrap",
    "voucher",     "balance",     "expire",   "upgrade",  "gold",     "silver",     "cleaning",
    "storage",     "descale",     "filter",   "cup",      "teapot",   "green",      "black",
    "oolong",      "jasmine",     "white",    "puer",     "leaf",     "bag",        "loose",
    "brew",        "temperature", "minutes",  "water",    "taste",    "flavour",    "fresh",
    "packaging",   "recycle",     "plastic",  "glass",    "steel",    "ceramic",    "handle",
    "lid",         "spout",       "base",     "cable",    "plug",     "voltage",    "power",
    "switch",      "light",       "timer",    "warm",     "boil",     "safety",     "child",
    "lock",        "manual",      "guide",    "install",  "schedule", "pickup",     "courier",
    "weekend",     "holiday",     "hours",    "opening",  "closing",  "online",     "app",
    "website",     "login",       "profile",  "settings", "privacy",  "consent",    "newsletter",
    "unsubscribe", "complaint",   "feedback", "survey",   "rating",   "review",     "helpful",
    "question",    "answer",      "contact",  "chat",     "agent",    "ticket",     "status",
    "cancel",      "change",      "update",   "policy",   "terms",    "conditions", "days",
    "weeks",       "months",      "year"};
const char* const kChinese[] = {
    "订单", "快递", "退货", "退款", "绿茶", "红茶", "乌龙", "水壶", "保修", "维修", "会员",
    "积分", "门店", "支付", "银行", "包裹", "物流", "换货", "尺码", "价格", "折扣", "优惠",
    "账户", "密码", "邮箱", "手机", "地址", "发票", "小票", "破损", "丢件", "延误", "加急",
    "礼品", "包装", "余额", "过期", "升级", "金卡", "清洁", "保存", "除垢", "滤网", "茶杯",
    "茶壶", "茉莉", "白茶", "普洱", "茶叶", "冲泡", "温度", "分钟", "口感", "新鲜", "环保",
    "玻璃", "陶瓷", "把手", "壶盖", "底座", "电源", "插头", "电压", "开关", "定时", "保温",
    "安全", "儿童", "说明", "安装", "预约", "上门", "周末", "节假", "营业", "时间", "网站",
    "登录", "资料", "设置", "隐私", "同意", "投诉", "反馈", "问卷", "评价", "客服", "工单",
    "状态", "取消", "修改", "政策", "条款", "天内", "无理", "由退", "申请", "审核", "到账"};

const char* const kStopEn[] = {"the", "a",  "to",   "and", "of", "you", "your", "is", "in",   "for",
                               "it",  "on", "with", "can", "be", "we",  "if",   "or", "this", "at"};
const char* const kSyllables[] = {"ka",  "lo",  "mi",  "ren", "to",  "sa", "vel",
                                  "dor", "pi",  "nu",  "ste", "qua", "ri", "mon",
                                  "tel", "bra", "cho", "zen", "fa",  "lu"};
const char* const kHanzi[] = {"安", "保", "茶", "单", "店", "电", "订", "发", "服",
                              "付", "购", "货", "积", "价", "快", "款", "礼", "门",
                              "品", "签", "清", "热", "商", "时", "收", "水", "送",
                              "退", "网", "物", "修", "壶", "员", "折", "支", "质"};

struct Rng {
  std::mt19937_64 g{20261130};
  double real() { return std::uniform_real_distribution<double>(0, 1)(g); }
  int between(int lo, int hi) {
    return lo + static_cast<int>(g() % static_cast<unsigned>(hi - lo + 1));
  }
};

// A vocabulary of real shop words first (the most frequent ranks) then synthetic ones, drawn
// with Zipf-Mandelbrot frequencies p(k) ~ 1 / (k + 20): the usual fit of word frequencies once
// the function words (written separately, 40% of English text) are set apart. Each article is
// about one of 40 topics and draws half of its content words from the topic's 25 words.
struct Corpus {
  std::vector<std::string> en, zh;
  std::vector<double> cdf_en, cdf_zh;
  std::vector<std::vector<std::size_t>> topic_en, topic_zh;

  explicit Corpus(Rng& r) {
    for (const char* w : kEnglish) en.emplace_back(w);
    for (std::size_t i = 0; en.size() < 3000; ++i) {
      en.push_back(std::string(kSyllables[i % 20]) + kSyllables[(i / 20) % 20] +
                   (i >= 400 ? kSyllables[(i / 400) % 20] : ""));
    }
    for (const char* w : kChinese) zh.emplace_back(w);
    for (std::size_t i = 0; zh.size() < 1200; ++i) {
      zh.push_back(std::string(kHanzi[i % 36]) + kHanzi[(i / 36 + i) % 36]);
    }
    cdf_en = cdf(en.size());
    cdf_zh = cdf(zh.size());
    for (int t = 0; t < 40; ++t) {
      topic_en.emplace_back();
      topic_zh.emplace_back();
      for (int k = 0; k < 25; ++k) {
        topic_en.back().push_back(draw(r, cdf_en));
        topic_zh.back().push_back(draw(r, cdf_zh));
      }
    }
  }
  static std::vector<double> cdf(std::size_t n) {
    std::vector<double> c(n);
    double sum = 0;
    for (std::size_t k = 0; k < n; ++k) c[k] = (sum += 1.0 / (static_cast<double>(k) + 21.0));
    for (auto& v : c) v /= sum;
    return c;
  }
  static std::size_t draw(Rng& r, const std::vector<double>& c) {
    return std::min(c.size() - 1, static_cast<std::size_t>(
                                      std::lower_bound(c.begin(), c.end(), r.real()) - c.begin()));
  }
  std::string words(Rng& r, bool chinese, int topic, int n) const {
    std::string out;
    for (int i = 0; i < n; ++i) {
      const auto& topical = chinese ? topic_zh[static_cast<std::size_t>(topic)]
                                    : topic_en[static_cast<std::size_t>(topic)];
      const double x = r.real();
      std::string w;
      if (!chinese && x < 0.4) {
        w = kStopEn[r.between(0, 19)];
      } else if (x < (chinese ? 0.5 : 0.7)) {
        w = (chinese ? zh : en)[topical[static_cast<std::size_t>(r.between(0, 24))]];
      } else {
        w = chinese ? zh[draw(r, cdf_zh)] : en[draw(r, cdf_en)];
      }
      if (chinese) {
        out += w;
        if (r.real() < 0.15) out += "的";
        if (i % 7 == 6) out += "。";
      } else {
        if (i > 0) out += ' ';
        out += w;
        if (i % 12 == 11) out += '.';
      }
    }
    return out;
  }
};

int gen(const std::string& path, int n) {
  rapport::store::Database db(path);
  auto conn = db.open_connection();
  rapport::store::Transaction tx(*conn, true);
  Rng r;
  const Corpus corpus(r);
  const TimeMs now = rapport::now_ms();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    const bool chinese = r.real() < 0.3;
    const int topic = r.between(0, 39);
    const std::string title = corpus.words(r, chinese, topic, r.between(3, 7));
    std::string body = "## " + corpus.words(r, chinese, topic, 4) + "\n\n" +
                       corpus.words(r, chinese, topic, r.between(60, 200)) + "\n\n- " +
                       corpus.words(r, chinese, topic, 8) + "\n- " +
                       corpus.words(r, chinese, topic, 8) + "\n";
    rapport::store::execute(*conn,
                            "INSERT INTO kb_articles (title, body, language, status, "
                            "published_at, created_at, updated_at) VALUES (?, ?, ?, 'published', "
                            "?, ?, ?)",
                            title, body, std::string(chinese ? "zh" : "en"), now, now, now);
    rapport::app::KbArticle a;
    a.id = conn->last_insert_id();
    a.title = title;
    a.body = body;
    a.status = "published";
    rapport::app::index_kb_article(*conn, a);
  }
  tx.commit();
  std::printf("generated %d articles in %.1f s\n", n,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return 0;
}

double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double pos = p * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

int query(const std::string& path, int rounds) {
  // From the most common words to rare ones, phrases, one and two Chinese characters.
  const std::vector<std::string> queries = {"order",
                                            "refund",
                                            "tea kettle",
                                            "warranty repair",
                                            "descale filter",
                                            "how to change my order",
                                            "privacy consent",
                                            "unsubscribe newsletter",
                                            "订单",
                                            "退款",
                                            "绿茶",
                                            "茶",
                                            "退货政策",
                                            "到账",
                                            "保修 维修",
                                            "delivery late",
                                            "会员积分",
                                            "积",
                                            "express courier",
                                            "茶叶 冲泡"};
  rapport::store::Database db(path);
  rapport::app::KbService kb(db);
  rapport::app::Caller caller;
  caller.role = rapport::Role::kSales;
  std::vector<double> all;
  std::printf("%-26s %7s %8s %8s %8s %8s\n", "query", "hits", "p50 ms", "p90 ms", "p99 ms",
              "max ms");
  for (const auto& q : queries) {
    std::vector<double> t;
    std::size_t hits = 0;
    for (int i = 0; i < rounds; ++i) {
      rapport::app::KbListParams p;
      p.q = q;
      p.limit = 20;
      const auto s = std::chrono::steady_clock::now();
      auto page = kb.list(caller, p);
      t.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count());
      hits = page.items.size();
    }
    std::printf("%-26s %7zu %8.3f %8.3f %8.3f %8.3f\n", q.c_str(), hits, pct(t, 0.5), pct(t, 0.9),
                pct(t, 0.99), *std::max_element(t.begin(), t.end()));
    all.insert(all.end(), t.begin(), t.end());
  }
  std::printf("%-26s %7zu %8.3f %8.3f %8.3f %8.3f\n", "all queries", all.size(), pct(all, 0.5),
              pct(all, 0.9), pct(all, 0.99), *std::max_element(all.begin(), all.end()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "gen") return gen(argv[2], std::stoi(argv[3]));
  if (argc == 4 && std::string(argv[1]) == "query") return query(argv[2], std::stoi(argv[3]));
  std::fprintf(stderr, "usage: bench_kb gen DB N | bench_kb query DB ROUNDS\n");
  return 2;
}
