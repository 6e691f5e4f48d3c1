#pragma once
// Membership and loyalty: enrolment (a card number with a Luhn check digit, a join date, the
// first tier), lost-card replacement keeping the account, the append-only points ledger and its
// paginated statement, manual adjustments, and the programme's settings read as one
// LoyaltyConfig. Earning and redeeming happen inside order placement (app/order_service) and
// returns reverse them (app/return_service) through the functions below, in the same
// transaction as the order or return.
//
// The ledger: every change of a balance is one appended entry (earn, redeem, expire, adjust,
// reverse) with its reason, reference and resulting balance. Each entry carries the running
// credits and debits of its member, so the balance (= credits - debits = the sum of the
// member's entries) is read from the newest entry alone, and the points due to expire first in,
// first out need only the newest lot due and the debits so far (core/loyalty_rules.hpp).
// Entries are appended only on the one writer, which reads the newest entry in the same job:
// concurrent redemptions are serialised and can never take a balance below zero (the schema's
// CHECK would refuse it too).
//
// Errors: invalid_argument (field named), not_found (customer, member, card: field named),
// conflict (already a member, deleted or merged customer, a replaced card, not enough points),
// forbidden.
// Thread-safety: all methods may be called from any thread; the free functions taking a
// Connection run on the caller's connection (the writer's for appends).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/caller.hpp"
#include "app/page.hpp"
#include "app/write_op.hpp"
#include "core/loyalty_rules.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace rapport::app {

struct LoyaltyMember {
  std::int64_t customer_id = 0;
  std::string customer_name;
  std::string card_number;
  TimeMs card_issued_at = 0;
  TimeMs joined_at = 0;
  std::string tier;
  TimeMs tier_since = 0;
  TimeMs tier_review_at = 0;
  std::int64_t earn_multiplier_pct = 100;  // the tier's benefits
  bool free_delivery = false;
  std::int64_t balance = 0;
  std::int64_t qualifying = 0;        // rolling spend (minor units) or points, by the basis
  std::string qualifying_basis;       // spend | points
  std::int64_t expiring_points = 0;   // points due to expire within the notice period
  std::optional<TimeMs> expiring_by;  // the end of that period
  std::int64_t version = 1;
};

struct LedgerEntry {
  std::int64_t id = 0;
  std::int64_t customer_id = 0;
  TimeMs at = 0;
  std::string kind;                  // earn | redeem | expire | adjust | reverse
  std::int64_t points = 0;           // signed
  std::int64_t balance = 0;          // after this entry
  std::optional<TimeMs> expires_at;  // credits only
  std::string reason;
  std::optional<std::string> ref_type;  // order | return | user | job
  std::optional<std::int64_t> ref_id;
  std::optional<std::int64_t> user_id;
};

// The programme's settings (app/settings.hpp loyalty_*), parsed.
struct LoyaltyConfig {
  std::vector<LoyaltyTier> tiers;
  bool basis_points = false;  // tiers by points earned, else by spend
  int tier_months = 12;       // rolling window and review period
  EarnRules earn;             // base rate, multipliers, cap (tier and promotion set per order)
  std::int64_t point_value_minor_per_100 = 100;
  int expiry_months = 24;
  int notice_days = 30;
  std::string currency;  // spend in this currency qualifies
};
LoyaltyConfig load_loyalty_config(store::Connection& conn);

// The newest ledger totals of a member (zeros for none).
struct LedgerTotals {
  std::int64_t balance = 0;
  std::int64_t credits = 0;
  std::int64_t debits = 0;
  std::optional<TimeMs> last_expires_at;  // of the newest credit, for FIFO order
};
LedgerTotals ledger_totals(store::Connection& conn, std::int64_t customer_id);
// Points of a member due to expire by `by` (first in, first out); `t` is its ledger_totals().
std::int64_t points_due_by(store::Connection& conn, std::int64_t customer_id, TimeMs by,
                           const LedgerTotals& t);

struct NewLedgerEntry {
  std::int64_t customer_id = 0;
  std::string kind;
  std::int64_t points = 0;  // signed, never 0
  std::string reason;
  std::optional<std::string> ref_type;
  std::optional<std::int64_t> ref_id;
  TimeMs at = 0;
  // A credit's expiry when it is not `at` + the expiry setting (points moved with their own
  // expiry date); never before the member's previous lot either way.
  std::optional<TimeMs> expires_at;
};
// Appends an entry inside the caller's write transaction. A credit expires expiry_months after
// `at` (never before the member's previous lot). Throws conflict naming `field` when a debit
// exceeds the balance. `totals`, when given, are the member's ledger_totals() read in the same
// transaction (spares reading them again). REQUIRES: a member.
LedgerEntry append_ledger(store::Connection& conn, const Caller& caller, const LoyaltyConfig& cfg,
                          NewLedgerEntry entry, const std::string& field = "points",
                          const std::optional<LedgerTotals>& totals = std::nullopt);

// True when the customer is a member.
bool is_member(store::Connection& conn, std::int64_t customer_id);
// The member holding an active card; throws invalid_argument (check digit), not_found or
// conflict (replaced card) naming `field`.
std::int64_t member_of_card(store::Connection& conn, std::string_view number,
                            const std::string& field);

// Re-evaluates a member's tier as of `now` (on a purchase: upgrades only; at the review date,
// or when `review` is set and the date has come: up or down, and the next review set). A change
// is written with a 'tier_changed' timeline entry and an audit entry. Returns true on a change.
bool reevaluate_tier(store::Connection& conn, const Caller& caller, const LoyaltyConfig& cfg,
                     std::int64_t customer_id, TimeMs now);

// Moves the loyalty account of `from` (a customer being merged into `to`) inside the merge's
// transaction, so that no point is lost: `from`'s cards go to `to` (its active card stays active
// when `to` was no member, else it is marked replaced), `to` becomes a member with `from`'s tier
// and dates when it was none (else keeps the higher of the two tiers), and `from`'s balance moves
// by 'adjust' entries: a debit of the whole balance on `from`, and on `to` one credit per lot
// with points left, keeping that lot's expiry (later when `to` holds a lot expiring later: first
// in, first out). Points already past their expiry that the daily job has not reached yet
// expire first, on `from`. The tier is then
// re-evaluated with the moved orders. Returns what moved, for the audit entry (null when `from` is
// no member): points, lots, card ids, the adjust entries' ids and the survivor's membership before
// (enough to undo by).
nlohmann::json move_membership(store::Connection& conn, const Caller& caller, std::int64_t from,
                               std::int64_t to, TimeMs now);

// The tier multiplier of a member's current tier (100 when the tier is unknown).
std::int64_t member_earn_multiplier(store::Connection& conn, const LoyaltyConfig& cfg,
                                    std::int64_t customer_id);

inline constexpr std::size_t kMaxLedgerReason = 500;
inline constexpr std::int64_t kMaxAdjustPoints = 100'000'000;

class LoyaltyService {
 public:
  explicit LoyaltyService(store::Database& db) : db_(db) {}

  LoyaltyMember get(const Caller& caller, std::int64_t customer_id);
  LoyaltyMember get_by_card(const Caller& caller, const std::string& number);
  // Newest first.
  Page<LedgerEntry> statement(const Caller& caller, std::int64_t customer_id,
                              std::optional<std::string> cursor, std::optional<int> limit);
  // The tier table with its benefits.
  std::vector<LoyaltyTier> tiers(const Caller& caller);

  // Enrols a customer: a new card, the first tier, a review date tier_months ahead, a
  // 'loyalty_enrolled' timeline entry and an audit entry.
  WriteOp<LoyaltyMember> enrol(const Caller& caller, std::int64_t customer_id,
                               std::optional<TimeMs> now = std::nullopt);
  // Marks the active card replaced and issues a new number; balance and history stay.
  WriteOp<LoyaltyMember> replace_card(const Caller& caller, std::int64_t customer_id,
                                      std::optional<std::string> reason);
  // A manual credit or debit (a goodwill gesture, a correction), with its reason.
  WriteOp<LedgerEntry> adjust(const Caller& caller, std::int64_t customer_id, std::int64_t points,
                              std::string reason);

 private:
  store::Database& db_;
};

// Reads a member as of `now` on `conn`; throws not_found naming `field`.
LoyaltyMember load_member(store::Connection& conn, std::int64_t customer_id, TimeMs now,
                          const std::string& field = "id");

}  // namespace rapport::app
