#include "app/return_service.hpp"

#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "app/audit_log.hpp"
#include "app/customer_service.hpp"
#include "app/keyset_cursor.hpp"
#include "app/loyalty_service.hpp"
#include "app/permissions.hpp"
#include "app/settings.hpp"
#include "app/timeline.hpp"
#include "core/error.hpp"
#include "core/money.hpp"
#include "core/order_rules.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

std::string line_field(std::size_t i, const char* name) {
  return "lines[" + std::to_string(i) + "]." + name;
}

void read_return_lines(store::Connection& conn, Return& r) {
  store::Query q(conn,
                 "SELECT rl.id, rl.order_line_id, ol.product_id, rl.quantity, rl.refund_minor, "
                 "p.sku, p.name FROM return_lines rl JOIN order_lines ol ON ol.id = "
                 "rl.order_line_id JOIN products p ON p.id = ol.product_id WHERE rl.return_id = ? "
                 "ORDER BY rl.id",
                 r.id);
  while (q.step()) {
    ReturnLine l;
    l.id = q->get_int(0);
    l.order_line_id = q->get_int(1);
    l.product_id = q->get_int(2);
    l.quantity = q->get_int(3);
    l.refund_minor = q->get_int(4);
    l.sku = std::string(q->get_text(5));
    l.product_name = std::string(q->get_text(6));
    r.lines.push_back(std::move(l));
  }
}

constexpr const char* kReturnColumns =
    "id, order_id, customer_id, at, reason, currency, refund_minor, user_id, created_at";

Return read_return(store::Statement& s) {
  Return r;
  r.id = s.get_int(0);
  r.order_id = s.get_int(1);
  r.customer_id = s.get_optional_int(2);
  r.at = s.get_int(3);
  r.reason = s.get_optional_text(4);
  r.currency = std::string(s.get_text(5));
  r.refund_minor = s.get_int(6);
  r.user_id = s.get_optional_int(7);
  r.created_at = s.get_int(8);
  return r;
}

nlohmann::json audit_json(const Return& r) {
  nlohmann::json lines = nlohmann::json::array();
  for (const auto& l : r.lines) {
    lines.push_back({{"order_line_id", l.order_line_id},
                     {"quantity", l.quantity},
                     {"refund_minor", l.refund_minor}});
  }
  nlohmann::json j = {{"id", r.id},
                      {"order_id", r.order_id},
                      {"currency", r.currency},
                      {"refund_minor", r.refund_minor},
                      {"lines", std::move(lines)}};
  j["reason"] = r.reason ? nlohmann::json(*r.reason) : nlohmann::json(nullptr);
  return j;
}

struct LineState {
  std::int64_t product_id = 0;
  std::int64_t quantity = 0;
  std::int64_t total_minor = 0;
  std::int64_t returned = 0;
  std::int64_t earned_points = 0;
  std::int64_t redeemed_points = 0;
  std::string sku;
  std::string product_name;
};

// Gives back the points redeemed on the returned units and reverses those they earned, in
// proportion (the refund rule of core/order_rules: the parts of a line sum to its whole). Points
// already spent cannot be taken back: the reversal stops at the balance, and its reason says so.
// Returns a note for the timeline ("" when no points moved).
std::string reverse_return_points(store::Connection& conn, const Caller& caller,
                                  std::int64_t customer_id, std::int64_t return_id, TimeMs at,
                                  std::int64_t give_back, std::int64_t reverse) {
  if ((give_back == 0 && reverse == 0) || !is_member(conn, customer_id)) return "";
  const LoyaltyConfig cfg = load_loyalty_config(conn);
  std::string note;
  std::int64_t balance = ledger_totals(conn, customer_id).balance;
  if (give_back > 0) {
    NewLedgerEntry n{
        customer_id,
        "reverse",
        give_back,
        "Points redeemed on returned items given back (return #" + std::to_string(return_id) + ")",
        "return",
        return_id,
        at};
    balance = append_ledger(conn, caller, cfg, std::move(n)).balance;
    note += "; " + std::to_string(give_back) + " redeemed points given back";
  }
  if (reverse > 0) {
    const std::int64_t taken = std::min(reverse, balance);
    if (taken > 0) {
      std::string reason =
          "Points earned on returned items reversed (return #" + std::to_string(return_id) + ")";
      if (taken < reverse) {
        reason += "; " + std::to_string(reverse - taken) + " already spent not reversed";
      }
      NewLedgerEntry n{customer_id, "reverse", -taken, std::move(reason), "return", return_id, at};
      append_ledger(conn, caller, cfg, std::move(n));
    }
    note += "; " + std::to_string(taken) + " earned points reversed";
  }
  return note;
}

}  // namespace

Return ReturnService::get(const Caller& caller, std::int64_t id) {
  require(caller, Permission::kOrdersRead);
  auto& conn = db_.reader();
  Return r;
  {
    store::Query q(conn, std::string("SELECT ") + kReturnColumns + " FROM returns WHERE id = ?",
                   id);
    if (!q.step()) throw_not_found("no return with id " + std::to_string(id), "id");
    r = read_return(q.stmt());
  }
  read_return_lines(conn, r);
  return r;
}

Page<Return> ReturnService::list_for_order(const Caller& caller, std::int64_t order_id,
                                           std::optional<std::string> cursor,
                                           std::optional<int> limit_param) {
  require(caller, Permission::kOrdersRead);
  const int limit = clamp_limit(limit_param);
  std::optional<std::int64_t> after;
  if (cursor) after = decode_id_cursor(*cursor);
  auto& conn = db_.reader();
  {
    store::Query q(conn, "SELECT 1 FROM orders WHERE id = ?", order_id);
    if (!q.step()) throw_not_found("no order with id " + std::to_string(order_id), "id");
  }
  Page<Return> page;
  {
    store::Query q(conn,
                   std::string("SELECT ") + kReturnColumns +
                       " FROM returns WHERE order_id = ? AND (?2 IS NULL OR id > ?2) ORDER BY "
                       "id LIMIT ?3",
                   order_id, after, limit + 1);
    while (q.step()) {
      if (static_cast<int>(page.items.size()) == limit) {
        page.next_cursor = encode_id_cursor(page.items.back().id);
        break;
      }
      page.items.push_back(read_return(q.stmt()));
    }
  }
  for (auto& r : page.items) read_return_lines(conn, r);
  return page;
}

Page<Return> ReturnService::list_for_customer(const Caller& caller, std::int64_t customer_id,
                                              std::optional<std::string> cursor,
                                              std::optional<int> limit_param) {
  require(caller, Permission::kOrdersRead);
  const int limit = clamp_limit(limit_param);
  std::optional<KeysetPosition> after;
  if (cursor) after = decode_keyset_cursor(*cursor, "r", false);
  auto& conn = db_.reader();
  require_customer_exists(conn, customer_id);
  // Newest first on the (customer_id, at) index, whose entries end with the id: a range read
  // without a sort. Two constant statements rather than "?2 IS NULL OR ...", which would read
  // the customer's newer returns again on every page.
  std::string sql = std::string("SELECT ") + kReturnColumns + " FROM returns WHERE customer_id = ?";
  std::vector<store::SqlValue> binds{customer_id};
  if (after) {
    sql += " AND (at < ? OR (at = ? AND id < ?))";
    binds.insert(binds.end(), {after->int_value, after->int_value, after->id});
  }
  sql += " ORDER BY at DESC, id DESC LIMIT ?";
  binds.emplace_back(std::int64_t{limit + 1});
  Page<Return> page;
  {
    store::Query q(conn, sql, binds);
    while (q.step()) {
      if (static_cast<int>(page.items.size()) == limit) {
        const Return& last = page.items.back();
        page.next_cursor = encode_keyset_cursor("r", last.at, last.id);
        break;
      }
      page.items.push_back(read_return(q.stmt()));
    }
  }
  for (auto& r : page.items) read_return_lines(conn, r);
  return page;
}

WriteOp<Return> ReturnService::create(const Caller& caller, std::int64_t order_id, NewReturn in,
                                      std::optional<TimeMs> fixed_now) {
  require(caller, Permission::kOrdersWrite);
  if (in.reason) {
    check_text("reason", *in.reason, kMaxReturnReason, false, true);
    std::string reason = trim(*in.reason);
    in.reason = reason.empty() ? std::nullopt : std::optional<std::string>(std::move(reason));
  }
  if (in.lines.empty()) throw_invalid("lines", "a return needs at least one line");
  if (in.lines.size() > kMaxOrderLines) {
    throw_invalid("lines", "a return has at most " + std::to_string(kMaxOrderLines) + " lines");
  }
  std::unordered_set<std::int64_t> seen;
  for (std::size_t i = 0; i < in.lines.size(); ++i) {
    const auto& l = in.lines[i];
    if (l.quantity < 1 || l.quantity > kMaxLineQuantity) {
      throw_invalid(line_field(i, "quantity"),
                    "must be between 1 and " + std::to_string(kMaxLineQuantity));
    }
    if (!seen.insert(l.order_line_id).second) {
      throw_invalid(line_field(i, "order_line_id"), "names a line already named in this return");
    }
  }
  return [caller, order_id, in = std::move(in), fixed_now](store::Connection& conn) {
    Return r;
    r.order_id = order_id;
    TimeMs placed_at = 0;
    {
      store::Query q(conn, "SELECT customer_id, placed_at, currency, kind FROM orders WHERE id = ?",
                     order_id);
      if (!q.step()) throw_not_found("no order with id " + std::to_string(order_id), "order_id");
      r.customer_id = q->get_optional_int(0);
      placed_at = q->get_int(1);
      r.currency = std::string(q->get_text(2));
      if (q->get_text(3) != "sale") {
        throw_conflict("order " + std::to_string(order_id) + " is a cancellation, not a sale",
                       "order_id");
      }
    }
    const TimeMs now = fixed_now.value_or(now_ms());
    check_return_window(placed_at, get_setting_int(conn, setting::kReturnWindowDays), now);

    // The lines of the order with what has been returned of each so far: read here, on the
    // writer, so every return committed before this one counts.
    std::unordered_map<std::int64_t, LineState> lines;
    {
      store::Query q(conn,
                     "SELECT l.id, l.product_id, l.quantity, l.total_minor, (SELECT "
                     "coalesce(sum(rl.quantity), 0) FROM return_lines rl WHERE "
                     "rl.order_line_id = l.id), coalesce(lp.earned_points, 0), "
                     "coalesce(lp.redeemed_points, 0), p.sku, p.name FROM order_lines l JOIN "
                     "products p ON p.id = l.product_id LEFT JOIN loyalty_order_lines lp ON "
                     "lp.order_line_id = l.id WHERE l.order_id = ?",
                     order_id);
      while (q.step()) {
        lines.emplace(
            q->get_int(0),
            LineState{q->get_int(1), q->get_int(2), q->get_int(3), q->get_int(4), q->get_int(5),
                      q->get_int(6), std::string(q->get_text(7)), std::string(q->get_text(8))});
      }
    }
    std::int64_t points_reversed = 0;
    std::int64_t points_given_back = 0;
    for (std::size_t i = 0; i < in.lines.size(); ++i) {
      const auto& want = in.lines[i];
      auto it = lines.find(want.order_line_id);
      if (it == lines.end()) {
        throw_not_found("order " + std::to_string(order_id) + " has no line with id " +
                            std::to_string(want.order_line_id),
                        line_field(i, "order_line_id"));
      }
      const LineState& have = it->second;
      check_return_quantity(line_field(i, "quantity"), have.quantity, have.returned, want.quantity);
      ReturnLine rl;
      rl.order_line_id = want.order_line_id;
      rl.product_id = have.product_id;
      rl.sku = have.sku;
      rl.product_name = have.product_name;
      rl.quantity = want.quantity;
      rl.refund_minor = refund_minor(have.total_minor, have.quantity, have.returned, want.quantity);
      r.refund_minor += rl.refund_minor;
      if (have.earned_points > 0) {
        points_reversed +=
            refund_minor(have.earned_points, have.quantity, have.returned, want.quantity);
      }
      if (have.redeemed_points > 0) {
        points_given_back +=
            refund_minor(have.redeemed_points, have.quantity, have.returned, want.quantity);
      }
      r.lines.push_back(rl);
    }
    r.at = now;
    r.reason = in.reason;
    r.user_id = caller.user_id;
    r.created_at = now_ms();
    store::execute(conn,
                   "INSERT INTO returns (order_id, customer_id, at, reason, currency, "
                   "refund_minor, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   r.order_id, r.customer_id, r.at, r.reason, r.currency, r.refund_minor, r.user_id,
                   r.created_at);
    r.id = conn.last_insert_id();
    std::int64_t units = 0;
    for (auto& l : r.lines) {
      store::execute(conn,
                     "INSERT INTO return_lines (return_id, order_line_id, quantity, refund_minor) "
                     "VALUES (?, ?, ?, ?)",
                     r.id, l.order_line_id, l.quantity, l.refund_minor);
      l.id = conn.last_insert_id();
      units += l.quantity;
    }
    if (r.customer_id) {
      const std::string points_note = reverse_return_points(
          conn, caller, *r.customer_id, r.id, r.at, points_given_back, points_reversed);
      TimelineEntry e;
      e.customer_id = *r.customer_id;
      e.at = r.at;
      e.kind = "return_made";
      e.channel = "system";
      e.subject = "Return #" + std::to_string(r.id) + " of order #" + std::to_string(order_id) +
                  ": " + std::to_string(units) + (units == 1 ? " item, " : " items, ") + "refund " +
                  format_money(r.refund_minor, r.currency) + points_note;
      e.body = r.reason;
      e.ref_type = "return";
      e.ref_id = r.id;
      append_timeline(conn, caller, std::move(e));
    }
    record_audit(conn, caller, "create", "return", std::to_string(r.id), nullptr, audit_json(r));
    return r;
  };
}

}  // namespace rapport::app
