#include "app/coupon_service.hpp"

#include <random>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "app/audit_log.hpp"
#include "app/customer_service.hpp"
#include "app/permissions.hpp"
#include "core/error.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

constexpr const char* kCouponColumns =
    "id, code, customer_id, percent_off, amount_off_minor, min_spend_minor, max_uses, "
    "max_uses_per_customer, uses, starts_at, ends_at, created_at";

Coupon read_coupon(store::Statement& s) {
  Coupon c;
  c.id = s.get_int(0);
  c.code = std::string(s.get_text(1));
  c.terms.customer_id = s.get_optional_int(2);
  c.terms.percent_off = s.get_int(3);
  c.terms.amount_off_minor = s.get_int(4);
  c.terms.min_spend_minor = s.get_int(5);
  c.terms.max_uses = s.get_int(6);
  c.terms.max_uses_per_customer = s.get_int(7);
  c.uses = s.get_int(8);
  c.terms.starts_at = s.get_int(9);
  c.terms.ends_at = s.get_int(10);
  c.created_at = s.get_int(11);
  return c;
}

// Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L).
std::string random_code_part(std::size_t n) {
  static constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s.push_back(kAlphabet[pick(rng)]);
  return s;
}

}  // namespace

std::optional<Coupon> find_coupon(store::Connection& conn, const std::string& code) {
  store::Query q(conn, std::string("SELECT ") + kCouponColumns + " FROM coupons WHERE code = ?",
                 code);
  if (!q.step()) return std::nullopt;
  return read_coupon(q.stmt());
}

std::int64_t coupon_uses_by(store::Connection& conn, std::int64_t coupon_id,
                            std::int64_t customer_id) {
  store::Query q(conn,
                 "SELECT count(*) FROM coupon_redemptions WHERE coupon_id = ? AND customer_id = ?",
                 coupon_id, customer_id);
  q.step();
  return q->get_int(0);
}

Coupon CouponService::get(const Caller& caller, const std::string& code) {
  require(caller, Permission::kLoyaltyRead);
  const std::string normal = check_coupon_code("code", code);
  auto c = find_coupon(db_.reader(), normal);
  if (!c) throw_not_found("no coupon with code " + normal, "code");
  return *c;
}

Page<Coupon> CouponService::list(const Caller& caller, const CouponListParams& p,
                                 std::optional<TimeMs> fixed_now) {
  require(caller, Permission::kLoyaltyRead);
  const int limit = clamp_limit(p.limit);
  std::optional<std::int64_t> before;
  if (p.cursor) before = decode_id_cursor(*p.cursor);
  // Codes are stored in upper case (check_coupon_code), so the prefix is compared as such.
  std::string prefix;
  if (p.q) {
    prefix = trim(*p.q);
    if (prefix.size() > 32) throw_invalid("q", "a code prefix is at most 32 characters");
    prefix = upper_coupon_chars("q", prefix, "a code prefix holds only letters, digits or '-'");
  }
  // Constant pieces chosen by the filters present (a small fixed set of statements). The prefix
  // is a range [prefix, prefix with its last character + 1) on the unique code index.
  std::string sql = std::string("SELECT ") + kCouponColumns + " FROM coupons WHERE 1 = 1";
  std::vector<store::SqlValue> binds;
  if (!prefix.empty()) {
    std::string upper = prefix;
    upper.back() = static_cast<char>(upper.back() + 1);
    sql += " AND code >= ? AND code < ?";
    binds.emplace_back(prefix);
    binds.emplace_back(std::move(upper));
  }
  if (p.active) {
    const TimeMs now = fixed_now.value_or(now_ms());
    sql += *p.active ? " AND starts_at <= ? AND ends_at > ? AND uses < max_uses"
                     : " AND (starts_at > ? OR ends_at <= ? OR uses >= max_uses)";
    binds.emplace_back(now);
    binds.emplace_back(now);
  }
  if (p.customer_id) {
    sql += " AND customer_id = ?";
    binds.emplace_back(*p.customer_id);
  }
  if (before) {
    sql += " AND id < ?";
    binds.emplace_back(*before);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  binds.emplace_back(std::int64_t{limit + 1});
  store::Query q(db_.reader(), sql, binds);
  return read_id_page<Coupon>(q, limit, [&q] { return read_coupon(q.stmt()); });
}

WriteOp<std::vector<Coupon>> CouponService::create(const Caller& caller, NewCoupons in) {
  require(caller, Permission::kPromotionsWrite);
  CouponTerms& t = in.terms;
  if (t.percent_off < 0 || t.percent_off > 100) throw_invalid("percent_off", "must be 0 to 100");
  if (t.amount_off_minor < 0) throw_invalid("amount_off_minor", "must be 0 or more");
  if (t.percent_off == 0 && t.amount_off_minor == 0) {
    throw_invalid("percent_off", "a coupon needs a percent off or an amount off");
  }
  if (t.min_spend_minor < 0) throw_invalid("min_spend_minor", "must be 0 or more");
  if (t.max_uses < 1) throw_invalid("max_uses", "must be at least 1");
  if (t.max_uses_per_customer < 1) throw_invalid("max_uses_per_customer", "must be at least 1");
  if (t.max_uses_per_customer > t.max_uses) t.max_uses_per_customer = t.max_uses;
  if (t.ends_at <= t.starts_at) throw_invalid("ends_at", "must be after starts_at");
  if (in.code) {
    in.code = check_coupon_code("code", *in.code);
    in.count = 1;
  } else {
    if (in.count < 1 || in.count > kMaxCouponsPerRequest) {
      throw_invalid("count", "must be 1 to " + std::to_string(kMaxCouponsPerRequest));
    }
    if (!in.prefix.empty()) in.prefix = check_coupon_code("prefix", in.prefix + "XXXX");
    if (in.prefix.size() > 4) in.prefix.resize(in.prefix.size() - 4);
    if (in.prefix.size() + 8 > 32) throw_invalid("prefix", "is at most 24 characters");
  }
  return [caller, in](store::Connection& conn) {
    if (in.terms.customer_id) {
      require_customer_exists(conn, *in.terms.customer_id, "customer_id");
    }
    std::vector<Coupon> out;
    std::unordered_set<std::string> drawn;
    const TimeMs now = now_ms();
    for (std::int64_t i = 0; i < in.count; ++i) {
      std::string code;
      if (in.code) {
        code = *in.code;
        if (find_coupon(conn, code))
          throw_conflict("a coupon with code " + code + " exists", "code");
      } else {
        do {
          code = in.prefix + random_code_part(8);
        } while (!drawn.insert(code).second || find_coupon(conn, code));
      }
      const CouponTerms& t = in.terms;
      store::execute(conn,
                     "INSERT INTO coupons (code, customer_id, percent_off, amount_off_minor, "
                     "min_spend_minor, max_uses, max_uses_per_customer, starts_at, ends_at, "
                     "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     code, t.customer_id, t.percent_off, t.amount_off_minor, t.min_spend_minor,
                     t.max_uses, t.max_uses_per_customer, t.starts_at, t.ends_at, now);
      out.push_back(*find_coupon(conn, code));
    }
    nlohmann::json codes = nlohmann::json::array();
    for (const auto& c : out) codes.push_back(c.code);
    record_audit(conn, caller, "create", "coupon", out.front().code, nullptr,
                 {{"codes", codes},
                  {"customer_id", json_or_null(in.terms.customer_id)},
                  {"percent_off", in.terms.percent_off},
                  {"amount_off_minor", in.terms.amount_off_minor},
                  {"min_spend_minor", in.terms.min_spend_minor},
                  {"max_uses", in.terms.max_uses},
                  {"max_uses_per_customer", in.terms.max_uses_per_customer},
                  {"starts_at", in.terms.starts_at},
                  {"ends_at", in.terms.ends_at}});
    return out;
  };
}

}  // namespace rapport::app
