#include "app/loyalty_service.hpp"

#include <random>

#include <nlohmann/json.hpp>

#include "app/audit_log.hpp"
#include "app/customer_service.hpp"
#include "app/permissions.hpp"
#include "app/settings.hpp"
#include "app/timeline.hpp"
#include "core/error.hpp"
#include "core/money.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

constexpr TimeMs kDayMs = 86'400'000;

// A new card number: the issuer digit 8, 14 random digits and the check digit.
std::string new_card_number() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<int> digit(0, 9);
  std::string payload = "8";
  while (payload.size() < kCardDigits - 1) payload.push_back(static_cast<char>('0' + digit(rng)));
  return card_number_from_payload(payload);
}

// Issues a new active card for a member (unique number, retried on the rare collision).
std::string issue_card(store::Connection& conn, std::int64_t customer_id, TimeMs now) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    std::string number = new_card_number();
    store::Query q(conn, "SELECT 1 FROM loyalty_cards WHERE number = ?", number);
    if (q.step()) continue;
    store::execute(conn,
                   "INSERT INTO loyalty_cards (customer_id, number, status, issued_at) VALUES "
                   "(?, ?, 'active', ?)",
                   customer_id, number, now);
    return number;
  }
  throw Error(ErrorCode::kInternal, "could not draw an unused card number");
}

constexpr const char* kLedgerColumns =
    "id, customer_id, at, kind, points, balance, expires_at, reason, ref_type, ref_id, user_id";

LedgerEntry read_ledger_entry(store::Statement& s) {
  LedgerEntry e;
  e.id = s.get_int(0);
  e.customer_id = s.get_int(1);
  e.at = s.get_int(2);
  e.kind = std::string(s.get_text(3));
  e.points = s.get_int(4);
  e.balance = s.get_int(5);
  e.expires_at = s.get_optional_int(6);
  e.reason = std::string(s.get_text(7));
  e.ref_type = s.get_optional_text(8);
  e.ref_id = s.get_optional_int(9);
  e.user_id = s.get_optional_int(10);
  return e;
}

// The qualifying amount of a member over the rolling window ending at `now`.
std::int64_t qualifying_amount(store::Connection& conn, const LoyaltyConfig& cfg,
                               std::int64_t customer_id, TimeMs now) {
  const TimeMs from = add_months_utc(now, -cfg.tier_months);
  if (cfg.basis_points) {
    // With the points earned by customers merged into this one (move_membership moves their
    // balance, as adjustments, but the rolling window counts what was earned when).
    store::Query q(conn,
                   "SELECT coalesce(sum(points), 0) FROM loyalty_ledger WHERE customer_id IN "
                   "(SELECT ?1 UNION ALL SELECT id FROM customers WHERE merged_into = ?1) AND "
                   "kind = 'earn' AND at >= ?2 AND at <= ?3",
                   customer_id, from, now);
    q.step();
    return q->get_int(0);
  }
  std::int64_t spend = 0;
  {
    store::Query q(conn,
                   "SELECT coalesce(sum(total_minor), 0) FROM orders WHERE customer_id = ? AND "
                   "kind = 'sale' AND currency = ? AND placed_at >= ? AND placed_at <= ?",
                   customer_id, cfg.currency, from, now);
    q.step();
    spend = q->get_int(0);
  }
  store::Query q(conn,
                 "SELECT coalesce(sum(refund_minor), 0) FROM returns WHERE customer_id = ? AND "
                 "currency = ? AND at >= ? AND at <= ?",
                 customer_id, cfg.currency, from, now);
  q.step();
  return std::max<std::int64_t>(0, spend - q->get_int(0));
}

nlohmann::json member_audit_json(const LoyaltyMember& m) {
  return {{"customer_id", m.customer_id},
          {"card_number", m.card_number},
          {"joined_at", m.joined_at},
          {"tier", m.tier},
          {"tier_review_at", m.tier_review_at}};
}

}  // namespace

namespace {

LoyaltyConfig read_loyalty_config(store::Connection& conn) {
  LoyaltyConfig c;
  c.tiers = parse_loyalty_tiers(get_setting(conn, setting::kLoyaltyTiers), setting::kLoyaltyTiers);
  c.basis_points = get_setting(conn, setting::kLoyaltyTierBasis) == "points";
  c.tier_months = static_cast<int>(get_setting_int(conn, setting::kLoyaltyTierMonths));
  c.earn.points_per_100_minor = get_setting_int(conn, setting::kLoyaltyPointsPer100);
  c.earn.multipliers = parse_earn_multipliers(get_setting(conn, setting::kLoyaltyEarnMultipliers),
                                              setting::kLoyaltyEarnMultipliers);
  c.earn.cap_per_order = get_setting_int(conn, setting::kLoyaltyEarnCap);
  c.point_value_minor_per_100 = get_setting_int(conn, setting::kLoyaltyPointValue);
  c.expiry_months = static_cast<int>(get_setting_int(conn, setting::kLoyaltyExpiryMonths));
  c.notice_days = static_cast<int>(get_setting_int(conn, setting::kLoyaltyNoticeDays));
  c.currency = get_setting(conn, setting::kCurrency);
  return c;
}

// The loyalty rules as last read on a connection, with the settings stamp they were read at.
struct CachedLoyaltyConfig {
  std::optional<std::int64_t> stamp;
  LoyaltyConfig config;
};

}  // namespace

// Ten settings and two JSON documents per order and per balance read: read again only when the
// settings changed (their stamp), else taken from the connection's copy.
LoyaltyConfig load_loyalty_config(store::Connection& conn) {
  auto& cached = conn.cached<CachedLoyaltyConfig>();
  const std::int64_t stamp = settings_stamp(conn);
  if (cached.stamp != stamp) {
    cached.config = read_loyalty_config(conn);
    cached.stamp = stamp;
  }
  return cached.config;
}

LedgerTotals ledger_totals(store::Connection& conn, std::int64_t customer_id) {
  LedgerTotals t;
  store::Query q(conn,
                 "SELECT balance, credits_total, debits_total FROM loyalty_ledger WHERE "
                 "customer_id = ? ORDER BY id DESC LIMIT 1",
                 customer_id);
  if (q.step()) {
    t.balance = q->get_int(0);
    t.credits = q->get_int(1);
    t.debits = q->get_int(2);
  }
  return t;
}

std::int64_t points_due_by(store::Connection& conn, std::int64_t customer_id, TimeMs by,
                           const LedgerTotals& t) {
  store::Query q(conn,
                 "SELECT credits_total FROM loyalty_ledger WHERE customer_id = ? AND expires_at IS "
                 "NOT NULL AND expires_at <= ? ORDER BY expires_at DESC, id DESC LIMIT 1",
                 customer_id, by);
  if (!q.step()) return 0;
  return points_due_to_expire(q->get_int(0), t.debits);
}

LedgerEntry append_ledger(store::Connection& conn, const Caller& caller, const LoyaltyConfig& cfg,
                          NewLedgerEntry in, const std::string& field,
                          const std::optional<LedgerTotals>& totals) {
  const LedgerTotals t = totals ? *totals : ledger_totals(conn, in.customer_id);
  LedgerEntry e;
  e.customer_id = in.customer_id;
  e.at = in.at != 0 ? in.at : now_ms();
  e.kind = std::move(in.kind);
  e.points = in.points;
  e.reason = std::move(in.reason);
  e.ref_type = std::move(in.ref_type);
  e.ref_id = in.ref_id;
  e.user_id = caller.user_id;
  std::int64_t credits = t.credits;
  std::int64_t debits = t.debits;
  if (e.points > 0) {
    credits += e.points;
    TimeMs expires = in.expires_at.value_or(add_months_utc(e.at, cfg.expiry_months));
    // First in, first out: a lot never expires before one earned earlier (the expiry setting
    // may have been shortened since).
    store::Query q(conn,
                   "SELECT max(expires_at) FROM loyalty_ledger WHERE customer_id = ? AND "
                   "expires_at IS NOT NULL",
                   in.customer_id);
    if (q.step() && !q->is_null(0)) expires = std::max(expires, q->get_int(0));
    e.expires_at = expires;
  } else {
    if (-e.points > t.balance) {
      throw_conflict("the balance is " + std::to_string(t.balance) + " points; " +
                         std::to_string(-e.points) + " cannot be taken",
                     field);
    }
    debits += -e.points;
  }
  e.balance = credits - debits;
  store::execute(conn,
                 "INSERT INTO loyalty_ledger (customer_id, at, kind, points, balance, "
                 "credits_total, debits_total, expires_at, reason, ref_type, ref_id, user_id, "
                 "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 e.customer_id, e.at, e.kind, e.points, e.balance, credits, debits, e.expires_at,
                 e.reason, e.ref_type, e.ref_id, e.user_id, now_ms());
  e.id = conn.last_insert_id();
  return e;
}

nlohmann::json move_membership(store::Connection& conn, const Caller& caller, std::int64_t from,
                               std::int64_t to, TimeMs now) {
  if (!is_member(conn, from)) return nullptr;
  const LoyaltyConfig cfg = load_loyalty_config(conn);
  // Points already past their expiry that the daily job has not expired yet expire now, as the
  // job would (a debit takes the oldest points first: moved, they would take the survivor's
  // expiry dates instead).
  LedgerTotals totals = ledger_totals(conn, from);
  const std::int64_t expired = points_due_by(conn, from, now, totals);
  // Every entry of the move refers to the other customer; their ids go to the audit entry.
  nlohmann::json entries = nlohmann::json::array();
  const auto append = [&](std::int64_t customer, std::int64_t other, const char* kind,
                          std::int64_t points, std::string reason, std::optional<TimeMs> expires_at,
                          const std::optional<LedgerTotals>& known) {
    NewLedgerEntry e;
    e.customer_id = customer;
    e.kind = kind;
    e.points = points;
    e.reason = std::move(reason);
    e.ref_type = "customer";
    e.ref_id = other;
    e.at = now;
    e.expires_at = expires_at;
    entries.push_back(append_ledger(conn, caller, cfg, std::move(e), "other_id", known).id);
  };
  if (expired > 0) {
    append(from, to, "expire", -expired,
           "Points past their expiry date, expired at a merge into customer " + std::to_string(to),
           std::nullopt, totals);
    totals = ledger_totals(conn, from);
  }
  // The lots with points left, oldest first: debits took points first in, first out, so a lot
  // (its credits_total - points, credits_total] keeps what lies above the debits.
  std::vector<std::pair<std::int64_t, TimeMs>> lots;
  {
    store::Query q(conn,
                   "SELECT points, credits_total, expires_at FROM loyalty_ledger WHERE "
                   "customer_id = ? AND expires_at IS NOT NULL AND credits_total > ? ORDER BY id",
                   from, totals.debits);
    while (q.step()) {
      const std::int64_t top = q->get_int(1);
      const std::int64_t left = top - std::max(totals.debits, top - q->get_int(0));
      if (left > 0) lots.emplace_back(left, q->get_int(2));
    }
  }
  bool created = false;
  // What an undo needs besides the ids: the survivor's membership before (null: none).
  nlohmann::json to_before = nullptr;
  if (!is_member(conn, to)) {
    store::execute(conn,
                   "INSERT INTO loyalty_members (customer_id, joined_at, tier, tier_since, "
                   "tier_review_at, created_at, updated_at) SELECT ?, joined_at, tier, "
                   "tier_since, tier_review_at, ?, ? FROM loyalty_members WHERE customer_id = ?",
                   to, now_ms(), now_ms(), from);
    created = true;
  } else {
    store::Query q(conn,
                   "SELECT f.tier, t.tier, t.tier_since, t.tier_review_at FROM loyalty_members "
                   "f, loyalty_members t WHERE f.customer_id = ? AND t.customer_id = ?",
                   from, to);
    q.step();
    to_before = {
        {"tier", q->get_text(1)}, {"tier_since", q->get_int(2)}, {"tier_review_at", q->get_int(3)}};
    if (tier_rank(cfg.tiers, q->get_text(0)) > tier_rank(cfg.tiers, q->get_text(1))) {
      store::execute(conn,
                     "UPDATE loyalty_members SET (tier, tier_since, tier_review_at) = (SELECT "
                     "tier, tier_since, tier_review_at FROM loyalty_members WHERE customer_id = "
                     "?), updated_at = ?, version = version + 1 WHERE customer_id = ?",
                     from, now_ms(), to);
    }
  }
  nlohmann::json cards = nlohmann::json::array();
  {
    store::Query q(conn, "SELECT id FROM loyalty_cards WHERE customer_id = ? ORDER BY id", from);
    while (q.step()) cards.push_back(q->get_int(0));
  }
  if (!created) {
    store::execute(conn,
                   "UPDATE loyalty_cards SET status = 'replaced', replaced_at = ?, reason = ? "
                   "WHERE customer_id = ? AND status = 'active'",
                   now, "merged into customer " + std::to_string(to), from);
  }
  store::execute(conn, "UPDATE loyalty_cards SET customer_id = ? WHERE customer_id = ?", to, from);
  if (totals.balance > 0) {
    append(from, to, "adjust", -totals.balance,
           "Moved to customer " + std::to_string(to) + " by a merge", std::nullopt, totals);
    for (const auto& [points, expires_at] : lots) {
      append(to, from, "adjust", points,
             "Moved from customer " + std::to_string(from) + " by a merge", expires_at,
             std::nullopt);
    }
  }
  reevaluate_tier(conn, caller, cfg, to, now);
  return {{"points", totals.balance},
          {"points_expired", expired},
          {"lots", lots.size()},
          {"cards", cards},
          {"membership", created ? "moved" : "joined"},
          {"survivor_membership_before", to_before},
          {"ledger_entries", entries}};
}

bool is_member(store::Connection& conn, std::int64_t customer_id) {
  store::Query q(conn, "SELECT 1 FROM loyalty_members WHERE customer_id = ?", customer_id);
  return q.step();
}

std::int64_t member_of_card(store::Connection& conn, std::string_view number,
                            const std::string& field) {
  const std::string digits = check_card_number(field, number);
  store::Query q(conn, "SELECT customer_id, status FROM loyalty_cards WHERE number = ?", digits);
  if (!q.step()) throw_not_found("no card with number " + digits, field);
  if (q->get_text(1) != "active") {
    throw_conflict("card " + digits + " was replaced; use the member's new card", field);
  }
  return q->get_int(0);
}

std::int64_t member_earn_multiplier(store::Connection& conn, const LoyaltyConfig& cfg,
                                    std::int64_t customer_id) {
  store::Query q(conn, "SELECT tier FROM loyalty_members WHERE customer_id = ?", customer_id);
  if (!q.step()) return 100;
  const LoyaltyTier* t = find_tier(cfg.tiers, q->get_text(0));
  return t != nullptr ? t->earn_multiplier_pct : 100;
}

bool reevaluate_tier(store::Connection& conn, const Caller& caller, const LoyaltyConfig& cfg,
                     std::int64_t customer_id, TimeMs now) {
  std::string current;
  TimeMs review_at = 0;
  {
    store::Query q(conn, "SELECT tier, tier_review_at FROM loyalty_members WHERE customer_id = ?",
                   customer_id);
    if (!q.step()) return false;
    current = std::string(q->get_text(0));
    review_at = q->get_int(1);
  }
  const std::int64_t qualifying = qualifying_amount(conn, cfg, customer_id, now);
  const LoyaltyTier& earned = tier_for(cfg.tiers, qualifying);
  const bool at_review = review_at <= now;
  TierDecision d = decide_tier(cfg.tiers, current, earned.name, at_review);
  TimeMs next_review = review_at;
  if (at_review) {
    while (next_review <= now) next_review = add_months_utc(next_review, cfg.tier_months);
  }
  if (d.changed) {
    const bool up = tier_rank(cfg.tiers, d.tier) > tier_rank(cfg.tiers, current);
    // An upgrade is held for a whole period from now.
    if (up) next_review = std::max(next_review, add_months_utc(now, cfg.tier_months));
    store::execute(conn,
                   "UPDATE loyalty_members SET tier = ?, tier_since = ?, tier_review_at = ?, "
                   "updated_at = ?, version = version + 1 WHERE customer_id = ?",
                   d.tier, now, next_review, now_ms(), customer_id);
    TimelineEntry e;
    e.customer_id = customer_id;
    e.at = now;
    e.kind = "tier_changed";
    e.channel = "system";
    e.subject = std::string(up ? "Upgraded" : "Moved") + " from " + current + " to " + d.tier +
                " tier (qualifying " +
                (cfg.basis_points ? std::to_string(qualifying) + " points"
                                  : format_money(qualifying, cfg.currency)) +
                " over " + std::to_string(cfg.tier_months) + " months)";
    e.ref_type = "customer";
    e.ref_id = customer_id;
    append_timeline(conn, caller, std::move(e));
    record_audit(conn, caller, "tier_change", "loyalty_member", std::to_string(customer_id),
                 nlohmann::json{{"tier", current}},
                 nlohmann::json{{"tier", d.tier}, {"qualifying", qualifying}});
    return true;
  }
  if (next_review != review_at) {
    store::execute(conn,
                   "UPDATE loyalty_members SET tier_review_at = ?, updated_at = ? WHERE "
                   "customer_id = ?",
                   next_review, now_ms(), customer_id);
  }
  return false;
}

LoyaltyMember load_member(store::Connection& conn, std::int64_t customer_id, TimeMs now,
                          const std::string& field) {
  LoyaltyMember m;
  {
    store::Query q(conn,
                   "SELECT m.customer_id, c.name, m.joined_at, m.tier, m.tier_since, "
                   "m.tier_review_at, m.version, k.number, k.issued_at FROM loyalty_members m "
                   "JOIN customers c ON c.id = m.customer_id LEFT JOIN loyalty_cards k ON "
                   "k.customer_id = m.customer_id AND k.status = 'active' WHERE m.customer_id = ?",
                   customer_id);
    if (!q.step()) {
      throw_not_found("customer " + std::to_string(customer_id) + " is not a loyalty member",
                      field);
    }
    m.customer_id = q->get_int(0);
    m.customer_name = std::string(q->get_text(1));
    m.joined_at = q->get_int(2);
    m.tier = std::string(q->get_text(3));
    m.tier_since = q->get_int(4);
    m.tier_review_at = q->get_int(5);
    m.version = q->get_int(6);
    m.card_number = q->get_optional_text(7).value_or("");
    m.card_issued_at = q->get_optional_int(8).value_or(0);
  }
  const LoyaltyConfig cfg = load_loyalty_config(conn);
  if (const LoyaltyTier* t = find_tier(cfg.tiers, m.tier)) {
    m.earn_multiplier_pct = t->earn_multiplier_pct;
    m.free_delivery = t->free_delivery;
  }
  const LedgerTotals t = ledger_totals(conn, customer_id);
  m.balance = t.balance;
  m.qualifying = qualifying_amount(conn, cfg, customer_id, now);
  m.qualifying_basis = cfg.basis_points ? "points" : "spend";
  const TimeMs by = now + cfg.notice_days * kDayMs;
  m.expiring_points = points_due_by(conn, customer_id, by, t);
  m.expiring_by = by;
  return m;
}

LoyaltyMember LoyaltyService::get(const Caller& caller, std::int64_t customer_id) {
  require(caller, Permission::kLoyaltyRead);
  auto& conn = db_.reader();
  store::Transaction snapshot(conn, false);
  return load_member(conn, customer_id, now_ms());
}

LoyaltyMember LoyaltyService::get_by_card(const Caller& caller, const std::string& number) {
  require(caller, Permission::kLoyaltyRead);
  auto& conn = db_.reader();
  store::Transaction snapshot(conn, false);
  const std::int64_t id = member_of_card(conn, number, "number");
  return load_member(conn, id, now_ms(), "number");
}

Page<LedgerEntry> LoyaltyService::statement(const Caller& caller, std::int64_t customer_id,
                                            std::optional<std::string> cursor,
                                            std::optional<int> limit_param) {
  require(caller, Permission::kLoyaltyRead);
  const int limit = clamp_limit(limit_param);
  std::optional<std::int64_t> before;
  if (cursor) before = decode_id_cursor(*cursor);
  auto& conn = db_.reader();
  store::Transaction snapshot(conn, false);
  if (!is_member(conn, customer_id)) {
    throw_not_found("customer " + std::to_string(customer_id) + " is not a loyalty member", "id");
  }
  Page<LedgerEntry> page;
  store::Query q(conn,
                 std::string("SELECT ") + kLedgerColumns +
                     " FROM loyalty_ledger WHERE customer_id = ?1 AND (?2 IS NULL OR id < ?2) "
                     "ORDER BY id DESC LIMIT ?3",
                 customer_id, before, limit + 1);
  while (q.step()) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = encode_id_cursor(page.items.back().id);
      break;
    }
    page.items.push_back(read_ledger_entry(q.stmt()));
  }
  return page;
}

std::vector<LoyaltyTier> LoyaltyService::tiers(const Caller& caller) {
  require(caller, Permission::kLoyaltyRead);
  return load_loyalty_config(db_.reader()).tiers;
}

WriteOp<LoyaltyMember> LoyaltyService::enrol(const Caller& caller, std::int64_t customer_id,
                                             std::optional<TimeMs> fixed_now) {
  require(caller, Permission::kLoyaltyWrite);
  return [caller, customer_id, fixed_now](store::Connection& conn) {
    const TimeMs now = fixed_now.value_or(now_ms());
    check_live_customer(conn, customer_id, "customer_id");
    if (is_member(conn, customer_id)) {
      throw_conflict("customer " + std::to_string(customer_id) + " is already a member",
                     "customer_id");
    }
    const LoyaltyConfig cfg = load_loyalty_config(conn);
    const std::string& first = cfg.tiers.front().name;
    const TimeMs review = add_months_utc(now, cfg.tier_months);
    store::execute(conn,
                   "INSERT INTO loyalty_members (customer_id, joined_at, tier, tier_since, "
                   "tier_review_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   customer_id, now, first, now, review, now_ms(), now_ms());
    const std::string card = issue_card(conn, customer_id, now);
    // Purchases of the rolling window before enrolment count towards the first tier.
    reevaluate_tier(conn, caller, cfg, customer_id, now);
    LoyaltyMember m = load_member(conn, customer_id, now);
    TimelineEntry e;
    e.customer_id = customer_id;
    e.at = now;
    e.kind = "loyalty_enrolled";
    e.channel = "system";
    e.subject = "Joined the loyalty programme, card " + card + ", " + m.tier + " tier";
    e.ref_type = "customer";
    e.ref_id = customer_id;
    append_timeline(conn, caller, std::move(e));
    record_audit(conn, caller, "create", "loyalty_member", std::to_string(customer_id), nullptr,
                 member_audit_json(m));
    return m;
  };
}

WriteOp<LoyaltyMember> LoyaltyService::replace_card(const Caller& caller, std::int64_t customer_id,
                                                    std::optional<std::string> reason) {
  require(caller, Permission::kLoyaltyWrite);
  if (reason) {
    check_text("reason", *reason, kMaxLedgerReason, false, true);
    std::string r = trim(*reason);
    reason = r.empty() ? std::nullopt : std::optional<std::string>(std::move(r));
  }
  return [caller, customer_id, reason](store::Connection& conn) {
    const TimeMs now = now_ms();
    LoyaltyMember before = load_member(conn, customer_id, now);
    store::execute(conn,
                   "UPDATE loyalty_cards SET status = 'replaced', replaced_at = ?, reason = ? "
                   "WHERE customer_id = ? AND status = 'active'",
                   now, reason.value_or("lost"), customer_id);
    const std::string card = issue_card(conn, customer_id, now);
    TimelineEntry e;
    e.customer_id = customer_id;
    e.at = now;
    e.kind = "card_replaced";
    e.channel = "system";
    e.subject = "Loyalty card " + before.card_number + " replaced by " + card;
    e.body = reason;
    e.ref_type = "customer";
    e.ref_id = customer_id;
    append_timeline(conn, caller, std::move(e));
    LoyaltyMember m = load_member(conn, customer_id, now);
    record_audit(conn, caller, "replace_card", "loyalty_member", std::to_string(customer_id),
                 member_audit_json(before), member_audit_json(m));
    return m;
  };
}

WriteOp<LedgerEntry> LoyaltyService::adjust(const Caller& caller, std::int64_t customer_id,
                                            std::int64_t points, std::string reason) {
  require(caller, Permission::kLoyaltyAdjust);
  if (points == 0 || points > kMaxAdjustPoints || points < -kMaxAdjustPoints) {
    throw_invalid("points", "must be a non-zero number of points from -" +
                                std::to_string(kMaxAdjustPoints) + " to " +
                                std::to_string(kMaxAdjustPoints));
  }
  check_text("reason", reason, kMaxLedgerReason, true, true);
  reason = trim(reason);
  return [caller, customer_id, points, reason](store::Connection& conn) {
    if (!is_member(conn, customer_id)) {
      throw_not_found("customer " + std::to_string(customer_id) + " is not a loyalty member", "id");
    }
    const LoyaltyConfig cfg = load_loyalty_config(conn);
    NewLedgerEntry n;
    n.customer_id = customer_id;
    n.kind = "adjust";
    n.points = points;
    n.reason = reason;
    n.ref_type = "user";
    n.ref_id = caller.user_id;
    LedgerEntry e = append_ledger(conn, caller, cfg, std::move(n));
    record_audit(conn, caller, "adjust", "loyalty_member", std::to_string(customer_id), nullptr,
                 nlohmann::json{{"ledger_id", e.id},
                                {"points", e.points},
                                {"balance", e.balance},
                                {"reason", e.reason}});
    return e;
  };
}

}  // namespace rapport::app
