#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "app/queue_service.hpp"
#include "app/settings.hpp"
#include "app/sla_policy_service.hpp"
#include "app/sla_scheduler.hpp"
#include "app/ticket_reports.hpp"
#include "app/ticket_service.hpp"
#include "app/user_service.hpp"
#include "core/error.hpp"
#include "core/ticket_rules.hpp"
#include "unit/test_support.hpp"

namespace rapport::app {
namespace {

using test_support::error_of;

constexpr TimeMs kTicketMinuteMs = 60000;

class TicketsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::fresh_test_dir("rapport-tickets");
    db_ = std::make_unique<store::Database>((dir_ / "t.db").string());
    UserService users(*db_);
    User admin = db_->writer().run(users.create(
        Caller::operator_cli(), {"boss@example.com", "Boss", Role::kAdmin, "a long password"}));
    admin_ = caller(admin.id, Role::kAdmin);
    User m = db_->writer().run(users.create(
        admin_, {"mgr@example.com", "Mia Manager", Role::kManager, "a long password"}));
    manager_ = caller(m.id, Role::kManager);
    User a = db_->writer().run(users.create(
        admin_, {"agent@example.com", "Sam Service", Role::kService, "a long password"}));
    agent_ = caller(a.id, Role::kService);
    tickets_ = std::make_unique<TicketService>(*db_);
    queues_ = std::make_unique<QueueService>(*db_);
    policies_ = std::make_unique<SlaPolicyService>(*db_);
    customer_ =
        sql_insert("INSERT INTO customers (name, created_at, updated_at) VALUES ('Ann', 0, 0)");
    // Open around the clock by default: due times are then plain wall-clock arithmetic.
    set("business_hours", "mon-sun 00:00-24:00");
  }
  void TearDown() override {
    tickets_.reset();
    queues_.reset();
    policies_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  static Caller caller(std::int64_t id, Role role) {
    Caller c;
    c.user_id = id;
    c.role = role;
    c.request_id = "test";
    return c;
  }
  std::int64_t sql_insert(const std::string& sql) {
    return db_->writer().run([&](store::Connection& c) {
      store::execute(c, sql);
      return c.last_insert_id();
    });
  }
  void sql(const std::string& s) {
    db_->writer().run([&](store::Connection& c) { store::execute(c, s); });
  }
  std::int64_t count(const std::string& s) { return test_support::scalar(db_->reader(), s); }
  void set(const std::string& key, const std::string& value) {
    db_->writer().run(update_setting(admin_, key, value));
  }
  Ticket open(const std::string& type, const std::string& priority = "normal",
              std::optional<std::int64_t> queue = std::nullopt) {
    NewTicket t;
    t.type = type;
    t.channel = "phone";
    t.customer_id = customer_;
    t.priority = priority;
    t.subject = "It broke";
    t.queue_id = queue;
    t.assignee_id = agent_.user_id;
    return db_->writer().run(tickets_->create(agent_, t));
  }
  Ticket status(std::int64_t id, const std::string& s) {
    return db_->writer().run(tickets_->change_status(agent_, id, s, std::nullopt));
  }
  TicketQueue queue(const std::string& name) {
    QueueInput in;
    in.name = name;
    in.manager_id = manager_.user_id;
    return db_->writer().run(queues_->create(manager_, in));
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  Caller admin_, manager_, agent_;
  std::unique_ptr<TicketService> tickets_;
  std::unique_ptr<QueueService> queues_;
  std::unique_ptr<SlaPolicyService> policies_;
  std::int64_t customer_ = 0;
};

TEST_F(TicketsTest, AComplaintIsDueBySunsetAndLandsOnTheTimelineAndAudit) {
  set("business_hours", "mon-fri 09:00-17:00");
  set("business_time_zone", "Asia/Shanghai");
  const TimeMs before = now_ms();
  Ticket t = open("complaint");
  EXPECT_EQ(t.status, "new");
  EXPECT_EQ(t.first_response_rule, "sunset");
  EXPECT_EQ(t.resolution_rule, "minutes");
  EXPECT_EQ(t.resolution_minutes, 1440);
  auto cal = BusinessCalendar::parse("Asia/Shanghai", "z", "mon-fri 09:00-17:00", "h", "", "d");
  ASSERT_TRUE(t.first_response_due);
  EXPECT_EQ(*t.first_response_due, sunset_due(cal, t.created_at));
  EXPECT_EQ(t.sunset_due, *t.first_response_due);
  EXPECT_GT(*t.first_response_due, before);
  EXPECT_EQ(t.sla_next_check, t.first_response_due);
  EXPECT_EQ(count("SELECT count(*) FROM interactions WHERE kind = 'ticket_created' AND ref_id = " +
                  std::to_string(t.id)),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE entity = 'ticket' AND action = 'create'"),
            1);
  Ticket got = tickets_->get(admin_, t.id);
  EXPECT_EQ(got.subject, "It broke");
  EXPECT_EQ(got.version, 1);
}

TEST_F(TicketsTest, BadReferencesAreRefusedNamingTheFieldAndWriteNothing) {
  const std::int64_t deleted = sql_insert(
      "INSERT INTO customers (name, created_at, updated_at, deleted_at) VALUES ('Gone', 0, 0, 1)");
  const std::int64_t other =
      sql_insert("INSERT INTO customers (name, created_at, updated_at) VALUES ('Bob', 0, 0)");
  const std::int64_t order = sql_insert(
      "INSERT INTO orders (customer_id, channel, placed_at, currency, subtotal_minor, "
      "total_minor, created_at) VALUES (" +
      std::to_string(other) + ", 'store', 0, 'USD', 1, 1, 0)");
  const std::int64_t audit = count("SELECT count(*) FROM audit_log");
  auto refuse = [&](auto change) {
    NewTicket t;
    t.type = "inquiry";
    t.channel = "email";
    t.customer_id = customer_;
    t.subject = "Hello";
    change(t);
    return error_of([&] { db_->writer().run(tickets_->create(agent_, t)); });
  };
  auto e = refuse([](NewTicket& t) { t.customer_id = 999; });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "customer_id");
  e = refuse([&](NewTicket& t) { t.customer_id = deleted; });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  EXPECT_EQ(e.field(), "customer_id");
  EXPECT_EQ(refuse([](NewTicket& t) { t.product_id = 999; }).field(), "product_id");
  EXPECT_EQ(refuse([](NewTicket& t) { t.order_id = 999; }).field(), "order_id");
  e = refuse([&](NewTicket& t) { t.order_id = order; });  // someone else's order
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), "order_id");
  EXPECT_EQ(refuse([](NewTicket& t) { t.queue_id = 999; }).field(), "queue_id");
  EXPECT_EQ(refuse([](NewTicket& t) { t.assignee_id = 999; }).field(), "assignee_id");
  EXPECT_EQ(refuse([](NewTicket& t) { t.type = "praise"; }).field(), "type");
  EXPECT_EQ(refuse([](NewTicket& t) { t.channel = "fax"; }).field(), "channel");
  EXPECT_EQ(refuse([](NewTicket& t) { t.priority = "asap"; }).field(), "priority");
  EXPECT_EQ(refuse([](NewTicket& t) { t.subject = "  "; }).field(), "subject");
  EXPECT_EQ(count("SELECT count(*) FROM tickets"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), audit);
  e = error_of([&] { tickets_->get(admin_, 12345); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "id");
}

TEST_F(TicketsTest, AReplyMeetsTheFirstResponseAndANoteStaysInternal) {
  Ticket t = open("inquiry");
  EXPECT_EQ(t.first_response_minutes, 240);
  ASSERT_TRUE(t.first_response_due);
  EXPECT_EQ(*t.first_response_due, t.created_at + 240 * kTicketMinuteMs);
  db_->writer().run(tickets_->add_message(agent_, t.id, "note", "Customer sounds upset"));
  EXPECT_EQ(tickets_->get(admin_, t.id).status, "new");
  EXPECT_EQ(count("SELECT count(*) FROM interactions WHERE kind = 'ticket_replied'"), 0);
  auto m = db_->writer().run(tickets_->add_message(agent_, t.id, "reply", "We are on it"));
  EXPECT_EQ(m.kind, "reply");
  Ticket after = tickets_->get(admin_, t.id);
  EXPECT_EQ(after.status, "open");
  ASSERT_TRUE(after.first_response_at);
  EXPECT_EQ(*after.first_response_at, m.created_at);
  EXPECT_EQ(after.sla_next_check, after.resolution_due);  // only resolution is watched now
  EXPECT_EQ(count("SELECT count(*) FROM interactions WHERE kind = 'ticket_replied' AND "
                  "direction = 'outbound' AND body = 'We are on it'"),
            1);
  auto page = tickets_->messages(admin_, t.id, std::nullopt, 1);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].kind, "note");
  ASSERT_TRUE(page.next_cursor);
  page = tickets_->messages(admin_, t.id, page.next_cursor, 1);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].kind, "reply");
  EXPECT_EQ(error_of([&] {
              db_->writer().run(tickets_->add_message(agent_, t.id, "shout", "x"));
            }).field(),
            "kind");
}

TEST_F(TicketsTest, StatusFlowReopenAndClosedIsFinal) {
  Ticket t = open("repair");
  t = status(t.id, "open");
  t = status(t.id, "resolved");
  EXPECT_TRUE(t.resolved_at);
  EXPECT_FALSE(t.sla_next_check);
  t = status(t.id, "open");
  EXPECT_EQ(t.reopen_count, 1);
  EXPECT_FALSE(t.resolved_at);
  ASSERT_TRUE(t.resolution_due);
  EXPECT_GE(*t.resolution_due, t.updated_at + 4800 * kTicketMinuteMs);  // restarted from the reopen
  t = status(t.id, "closed");
  EXPECT_TRUE(t.closed_at);
  auto e = error_of([&] { status(t.id, "open"); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  EXPECT_EQ(e.field(), "status");
  EXPECT_NE(std::string(e.what()).find("from 'closed' to 'open'"), std::string::npos);
  e = error_of(
      [&] { db_->writer().run(tickets_->add_message(agent_, t.id, "reply", "Hello again")); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  for (const char* kind : {"ticket_resolved", "ticket_reopened", "ticket_closed"}) {
    EXPECT_EQ(count(std::string("SELECT count(*) FROM interactions WHERE kind = '") + kind + "'"),
              1)
        << kind;
  }
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE entity = 'ticket' AND action = 'status'"),
            4);
  // A stale version is refused.
  Ticket u = open("inquiry");
  e = error_of(
      [&] { db_->writer().run(tickets_->change_status(agent_, u.id, "open", u.version + 1)); });
  EXPECT_EQ(e.field(), "version");
}

TEST_F(TicketsTest, WaitingStopsTheClockAndLeavingItGivesTheTimeBack) {
  Ticket t = open("inquiry");  // 240 business minutes to respond, clock always running
  const TimeMs due = *t.first_response_due;
  t = status(t.id, "waiting");
  ASSERT_TRUE(t.paused_at);
  EXPECT_FALSE(t.sla_next_check);  // the scheduler does not look at it while paused
  // An hour passes while it waits (moved back in the row: the test cannot wait an hour).
  sql("UPDATE tickets SET paused_at = paused_at - 3600000 WHERE id = " + std::to_string(t.id));
  t = status(t.id, "open");
  EXPECT_FALSE(t.paused_at);
  ASSERT_TRUE(t.first_response_due);
  EXPECT_NEAR(static_cast<double>(*t.first_response_due - due), 3600000.0, 5000.0);
  EXPECT_EQ(t.sla_next_check, t.first_response_due);
  // A policy that does not pause keeps the clock running.
  SlaPolicyInput in;
  in.pause_while_waiting = false;
  auto pol = find_sla_policy(db_->reader(), "inquiry", "low");
  ASSERT_TRUE(pol);
  db_->writer().run(policies_->update(manager_, pol->id, in, std::nullopt));
  Ticket u = open("inquiry", "low");
  u = status(u.id, "waiting");
  EXPECT_FALSE(u.paused_at);
  EXPECT_TRUE(u.sla_next_check);
}

TEST_F(TicketsTest, TheSweepMarksBreachesOnceAndEscalatesToTheQueueManager) {
  TicketQueue q = queue("Complaints");
  Ticket a = open("inquiry", "urgent", q.id);  // 30 min first response, 240 resolution
  Ticket b = open("inquiry", "normal");        // no queue: breach marked, nobody notified
  Ticket c = open("inquiry", "urgent", q.id);
  status(c.id, "waiting");  // paused: not breached while waiting
  Ticket d = open("inquiry", "urgent", q.id);
  db_->writer().run(tickets_->add_message(agent_, d.id, "reply", "Done"));
  status(d.id, "resolved");

  // Nothing is due yet.
  SweepResult r0 = sweep_sla(*db_, now_ms());
  EXPECT_EQ(r0.first_response_breaches + r0.resolution_breaches, 0);

  // An hour later only a's first response is late.
  SweepResult r1 = sweep_sla(*db_, a.created_at + 60 * kTicketMinuteMs);
  EXPECT_EQ(r1.first_response_breaches, 1);
  EXPECT_EQ(r1.resolution_breaches, 0);
  EXPECT_EQ(r1.notifications, 1);
  Ticket a1 = tickets_->get(admin_, a.id);
  EXPECT_EQ(a1.first_response_breached_at, a.first_response_due);
  EXPECT_TRUE(a1.breached);
  EXPECT_EQ(a1.sla_next_check, a1.resolution_due);
  EXPECT_EQ(count("SELECT count(*) FROM notifications WHERE kind = 'sla_breach' AND user_id = " +
                  std::to_string(*manager_.user_id) + " AND ref_id = " + std::to_string(a.id)),
            1);
  // Again at the same time: nothing new (once per breach).
  SweepResult again = sweep_sla(*db_, a.created_at + 60 * kTicketMinuteMs);
  EXPECT_EQ(again.first_response_breaches + again.resolution_breaches, 0);

  // 30 hours later: a's resolution (240 min) and b's first response (240 min); b's resolution
  // (2400 min) is still ahead.
  SweepResult r2 = sweep_sla(*db_, a.created_at + 30 * 60 * kTicketMinuteMs);
  EXPECT_EQ(r2.first_response_breaches, 1);  // b
  EXPECT_EQ(r2.resolution_breaches, 1);      // a
  EXPECT_EQ(r2.notifications, 1);            // a's queue; b has none
  EXPECT_EQ(count("SELECT count(*) FROM interactions WHERE kind = 'ticket_escalated'"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'breach'"), 3);
  EXPECT_FALSE(tickets_->get(admin_, c.id).breached);
  EXPECT_FALSE(tickets_->get(admin_, d.id).breached);
  // Nothing left to watch but b's resolution.
  EXPECT_EQ(count("SELECT count(*) FROM tickets WHERE sla_next_check IS NOT NULL"), 1);
}

TEST_F(TicketsTest, TheSweepReadsOnlyTheDueIndex) {
  store::Query q(db_->reader(),
                 "EXPLAIN QUERY PLAN SELECT id FROM tickets WHERE sla_next_check IS NOT NULL AND "
                 "sla_next_check <= ? ORDER BY sla_next_check, id LIMIT 10",
                 now_ms());
  std::string plan;
  while (q.step()) plan += std::string(q->get_text(3)) + "\n";
  EXPECT_NE(plan.find("tickets_sla_next"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN tickets\n"), std::string::npos) << plan;
  // A queue's worklist by due time reads its index in order (no sort of the queue's tickets).
  store::Query w(db_->reader(),
                 "EXPLAIN QUERY PLAN SELECT id FROM tickets WHERE queue_id = 1 AND status = 'new' "
                 "ORDER BY coalesce(sla_next_check, 9223372036854775807), id LIMIT 51");
  plan.clear();
  while (w.step()) plan += std::string(w->get_text(3)) + "\n";
  EXPECT_NE(plan.find("tickets_queue_status_due"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
}

TEST_F(TicketsTest, ListsFilterSortAndPage) {
  TicketQueue q = queue("Care");
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(open(i % 2 ? "inquiry" : "repair", "normal", q.id).id);
  Ticket other = open("complaint");
  sql("UPDATE tickets SET assignee_id = NULL WHERE id = " + std::to_string(other.id));
  status(ids[0], "open");
  sql("UPDATE tickets SET breached = 1 WHERE id = " + std::to_string(ids[1]));

  TicketListParams p;
  p.queue_id = q.id;
  p.limit = 3;
  std::vector<std::int64_t> seen;
  for (;;) {
    auto page = tickets_->list(admin_, p);
    for (const auto& t : page.items) seen.push_back(t.id);
    if (!page.next_cursor) break;
    p.cursor = page.next_cursor;
  }
  EXPECT_EQ(seen, std::vector<std::int64_t>(ids.rbegin(), ids.rend()));  // newest first

  TicketListParams mine;
  mine.mine = true;
  EXPECT_EQ(tickets_->list(agent_, mine).items.size(), 7u);
  TicketListParams st;
  st.status = "open";
  ASSERT_EQ(tickets_->list(admin_, st).items.size(), 1u);
  TicketListParams br;
  br.breached = true;
  ASSERT_EQ(tickets_->list(admin_, br).items.size(), 1u);
  EXPECT_EQ(tickets_->list(admin_, br).items[0].id, ids[1]);
  TicketListParams ty;
  ty.type = "repair";
  EXPECT_EQ(tickets_->list(admin_, ty).items.size(), 4u);
  // Due within 5 hours: inquiries (240 min first response), not repairs (480).
  TicketListParams soon;
  soon.queue_id = q.id;
  soon.due_within_minutes = 300;
  for (const auto& t : tickets_->list(admin_, soon).items) EXPECT_EQ(t.type, "inquiry");
  EXPECT_EQ(tickets_->list(admin_, soon).items.size(), 3u);
  TicketListParams due;
  due.sort = "due";
  due.limit = 2;
  std::vector<TimeMs> order;
  for (;;) {
    auto page = tickets_->list(admin_, due);
    for (const auto& t : page.items) order.push_back(t.sla_next_check.value_or(INT64_MAX));
    if (!page.next_cursor) break;
    due.cursor = page.next_cursor;
  }
  EXPECT_EQ(order.size(), 8u);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
  TicketListParams bad;
  bad.sort = "priority";
  EXPECT_EQ(error_of([&] { tickets_->list(admin_, bad); }).field(), "sort");
  bad = {};
  bad.status = "lost";
  EXPECT_EQ(error_of([&] { tickets_->list(admin_, bad); }).field(), "status");
  TicketListParams first;
  first.limit = 1;
  TicketListParams crossed;
  crossed.cursor = tickets_->list(admin_, first).next_cursor;
  crossed.sort = "due";  // a cursor of another sort order is refused
  EXPECT_EQ(error_of([&] { tickets_->list(admin_, crossed); }).field(), "cursor");
}

TEST_F(TicketsTest, ChangingPriorityAppliesThatPolicyFromArrival) {
  Ticket t = open("inquiry", "normal");
  TicketPatch p;
  p.priority = "urgent";
  p.subject = "  Urgent now ";
  Ticket u = db_->writer().run(tickets_->update(agent_, t.id, p, t.version));
  EXPECT_EQ(u.subject, "Urgent now");
  EXPECT_EQ(u.first_response_minutes, 30);
  EXPECT_EQ(*u.first_response_due, t.created_at + 30 * kTicketMinuteMs);
  EXPECT_EQ(u.version, 2);
  auto e = error_of([&] { db_->writer().run(tickets_->update(agent_, t.id, p, 1)); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  EXPECT_EQ(e.field(), "version");
  TicketPatch q;
  q.queue_id = std::optional<std::int64_t>(999);
  EXPECT_EQ(
      error_of([&] { db_->writer().run(tickets_->update(agent_, t.id, q, std::nullopt)); }).field(),
      "queue_id");
}

TEST_F(TicketsTest, ReportsGroupAndMeasure) {
  Ticket a = open("inquiry");
  Ticket b = open("inquiry");
  Ticket c = open("complaint");
  // a answered after 10 minutes and resolved after 70; b answered after 30; c unanswered.
  sql("UPDATE tickets SET sunset_due = created_at + 3600000");
  sql("UPDATE tickets SET first_response_at = created_at + 600000, resolved_at = created_at + "
      "4200000, status = 'resolved', reopen_count = 1 WHERE id = " +
      std::to_string(a.id));
  sql("UPDATE tickets SET first_response_at = created_at + 1800000, status = 'open' WHERE id = " +
      std::to_string(b.id));
  TicketReportParams p;
  p.from = now_ms() - kDayMs;
  p.to = now_ms() + kTicketMinuteMs;
  p.group_by = "type";
  TicketReport r = ticket_report(*db_, admin_, p);
  ASSERT_EQ(r.groups.size(), 2u);
  EXPECT_EQ(r.groups[0].key, "inquiry");
  EXPECT_EQ(r.groups[0].tickets, 2);
  EXPECT_EQ(r.groups[0].first_response.count, 2);
  EXPECT_DOUBLE_EQ(*r.groups[0].first_response.median_minutes, 20.0);
  EXPECT_DOUBLE_EQ(*r.groups[0].first_response.p90_minutes, 28.0);
  EXPECT_DOUBLE_EQ(*r.groups[0].resolution.median_minutes, 70.0);
  EXPECT_DOUBLE_EQ(*r.groups[0].reopen_rate, 1.0);
  EXPECT_EQ(r.groups[0].sunset_met, 2);
  EXPECT_EQ(r.total.tickets, 3);
  EXPECT_EQ(r.groups[1].key, "complaint");
  EXPECT_FALSE(r.groups[1].first_response.median_minutes);
  EXPECT_EQ(r.groups[1].sunset_judged, 0);  // still within its day
  p.group_by = "agent";
  r = ticket_report(*db_, admin_, p);
  ASSERT_EQ(r.groups.size(), 1u);
  EXPECT_EQ(r.groups[0].label, "Sam Service");
  p.group_by = "mood";
  EXPECT_EQ(error_of([&] { ticket_report(*db_, admin_, p); }).field(), "group_by");
  // Analysts read reports but not tickets; sales read tickets but do not write them.
  Caller analyst = caller(*admin_.user_id, Role::kAnalyst);
  p.group_by = "channel";
  EXPECT_EQ(ticket_report(*db_, analyst, p).total.tickets, 3);
  EXPECT_EQ(error_of([&] { tickets_->list(analyst, {}); }).code(), ErrorCode::kForbidden);
  Caller sales = caller(*admin_.user_id, Role::kSales);
  EXPECT_EQ(tickets_->list(sales, {}).items.size(), 3u);
  EXPECT_EQ(error_of([&] { tickets_->change_status(sales, a.id, "open", std::nullopt); }).code(),
            ErrorCode::kForbidden);
  EXPECT_EQ(error_of([&] { ticket_report(*db_, sales, p); }).code(), ErrorCode::kForbidden);
}

TEST_F(TicketsTest, QueuesAndPoliciesRefuseBadInput) {
  TicketQueue q = queue("Care");
  EXPECT_EQ(error_of([&] { queue("care"); }).field(), "name");
  QueueInput in;
  in.name = "Other";
  in.manager_id = 999;
  auto e = error_of([&] { db_->writer().run(queues_->create(manager_, in)); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "manager_id");
  EXPECT_EQ(error_of([&] { db_->writer().run(queues_->create(agent_, in)); }).code(),
            ErrorCode::kForbidden);
  open("inquiry", "normal", q.id);
  e = error_of([&] { db_->writer().run(queues_->remove(manager_, q.id, std::nullopt)); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  EXPECT_EQ(queues_->get(admin_, q.id).open_tickets, 1);

  SlaPolicyInput p;
  p.ticket_type = "complaint";
  p.priority = "normal";
  p.first_response = SlaTargetInput{"sunset", std::nullopt};
  p.resolution = SlaTargetInput{"minutes", 60};
  e = error_of([&] { db_->writer().run(policies_->create(manager_, p)); });
  EXPECT_EQ(e.code(), ErrorCode::kConflict);  // seeded already
  EXPECT_EQ(e.field(), "priority");
  p.first_response = SlaTargetInput{"sunset", 10};
  EXPECT_EQ(error_of([&] { policies_->create(manager_, p); }).field(), "first_response.minutes");
  p.first_response = SlaTargetInput{"minutes", std::nullopt};
  EXPECT_EQ(error_of([&] { policies_->create(manager_, p); }).field(), "first_response.minutes");
  p.first_response = SlaTargetInput{"dawn", std::nullopt};
  EXPECT_EQ(error_of([&] { policies_->create(manager_, p); }).field(), "first_response.rule");
  EXPECT_EQ(policies_->list(admin_).size(), 16u);
  // A deleted policy leaves new tickets of that pair without SLA.
  auto pol = find_sla_policy(db_->reader(), "return", "low");
  ASSERT_TRUE(pol);
  db_->writer().run(policies_->remove(manager_, pol->id, pol->version));
  Ticket t = open("return", "low");
  EXPECT_FALSE(t.first_response_due);
  EXPECT_FALSE(t.sla_next_check);
}

TEST_F(TicketsTest, BusinessSettingsNameTheSetting) {
  auto e = error_of([&] { update_setting(admin_, "business_time_zone", "Mars/Olympus"); });
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), "value");
  EXPECT_NE(std::string(e.what()).find("business_time_zone"), std::string::npos);
  e = error_of([&] { update_setting(admin_, "business_hours", "mon-fri 18:00-09:00"); });
  EXPECT_NE(std::string(e.what()).find("business_hours"), std::string::npos);
  e = error_of([&] { update_setting(admin_, "business_holidays", "2026-13-01"); });
  EXPECT_NE(std::string(e.what()).find("business_holidays"), std::string::npos);
  set("business_holidays", "2026-12-25, 2027-01-01");
  EXPECT_EQ(get_setting(db_->reader(), "business_holidays"), "2026-12-25, 2027-01-01");
}

}  // namespace
}  // namespace rapport::app
