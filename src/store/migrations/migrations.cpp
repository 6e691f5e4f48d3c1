#include "store/migrations/migrations.hpp"

#include <chrono>
#include <string>

#include "core/error.hpp"

namespace rapport::store {

namespace {

// Times are stored as INTEGER milliseconds since the Unix epoch, UTC: one representation
// everywhere, portable to PostgreSQL (bigint) and cheap to compare for SLA timers.
constexpr Migration kMigrations[] = {
    {1, "platform: users, sessions and tokens, sign-in failures, audit log, settings", R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin','manager','sales','service','analyst')),
  password_hash TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  version       INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE auth_tokens (
  id          INTEGER PRIMARY KEY,
  token_hash  BLOB NOT NULL UNIQUE,
  user_id     INTEGER NOT NULL REFERENCES users (id),
  kind        TEXT NOT NULL CHECK (kind IN ('session','api')),
  name        TEXT,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id);

CREATE TABLE sign_in_failures (
  id    INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  at    INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_email_at ON sign_in_failures (email, at);

CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  user_id     INTEGER,
  request_id  TEXT,
  action      TEXT NOT NULL,
  entity      TEXT NOT NULL,
  entity_id   TEXT,
  before      TEXT,
  after       TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);
CREATE INDEX audit_log_user ON audit_log (user_id, id);
CREATE INDEX audit_log_at ON audit_log (at, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql"},
    {2, "customers, organisations, timeline, products, orders, returns, imports", R"sql(
-- People and organisations in one table: an organisation's contacts point at it.
-- email_norm / phone are the normalised forms used for duplicate detection; the unique indexes
-- cover live records only (soft-deleted or merged ones do not block a new customer).
CREATE TABLE customers (
  id                   INTEGER PRIMARY KEY,
  kind                 TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person','organisation')),
  name                 TEXT NOT NULL,
  email                TEXT,
  email_norm           TEXT,
  phone                TEXT,
  birth_date           TEXT,
  gender               TEXT,
  street               TEXT,
  city                 TEXT,
  region               TEXT,
  postal_code          TEXT,
  country              TEXT,
  organisation_id      INTEGER REFERENCES customers (id),
  owner_id             INTEGER REFERENCES users (id),
  email_consent        INTEGER NOT NULL DEFAULT 0,
  email_consent_at     INTEGER,
  email_consent_source TEXT,
  sms_consent          INTEGER NOT NULL DEFAULT 0,
  sms_consent_at       INTEGER,
  sms_consent_source   TEXT,
  custom               TEXT NOT NULL DEFAULT '{}',
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  deleted_at           INTEGER,
  merged_into          INTEGER REFERENCES customers (id),
  version              INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX customers_email_live ON customers (email_norm)
  WHERE email_norm IS NOT NULL AND deleted_at IS NULL AND merged_into IS NULL;
CREATE UNIQUE INDEX customers_phone_live ON customers (phone)
  WHERE phone IS NOT NULL AND deleted_at IS NULL AND merged_into IS NULL;
-- lower(name): case-insensitive name order (SQLite's lower() folds ASCII only; other scripts
-- have no case or sort by code point) and the index range of a 1-2 character name search.
CREATE INDEX customers_name ON customers (lower(name), id);
CREATE INDEX customers_city ON customers (city, id);
CREATE INDEX customers_country ON customers (country, id);
CREATE INDEX customers_owner ON customers (owner_id, id);
CREATE INDEX customers_created ON customers (created_at, id);
CREATE INDEX customers_updated ON customers (updated_at, id);
CREATE INDEX customers_organisation ON customers (organisation_id) WHERE organisation_id IS NOT NULL;

-- Search by name, email or phone, prefix and substring, in any script: FTS5 with the trigram
-- tokenizer (SQLite-specific; a PostgreSQL backend uses pg_trgm instead). External content:
-- the index holds no copy of the text; triggers keep it in step with customers.
CREATE VIRTUAL TABLE customers_fts USING fts5 (
  name, email, phone, content = 'customers', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
  INSERT INTO customers_fts (rowid, name, email, phone) VALUES (new.id, new.name, new.email, new.phone);
END;
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
  INSERT INTO customers_fts (customers_fts, rowid, name, email, phone)
    VALUES ('delete', old.id, old.name, old.email, old.phone);
END;
CREATE TRIGGER customers_fts_update AFTER UPDATE OF name, email, phone ON customers BEGIN
  INSERT INTO customers_fts (customers_fts, rowid, name, email, phone)
    VALUES ('delete', old.id, old.name, old.email, old.phone);
  INSERT INTO customers_fts (rowid, name, email, phone) VALUES (new.id, new.name, new.email, new.phone);
END;

CREATE TABLE customer_tags (
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  tag         TEXT NOT NULL,
  PRIMARY KEY (customer_id, tag)
);
CREATE INDEX customer_tags_tag ON customer_tags (tag, customer_id);

-- Ids of a customer in other systems (POS, e-commerce, an imported file).
CREATE TABLE customer_external_ids (
  source      TEXT NOT NULL,
  external_id TEXT NOT NULL,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  PRIMARY KEY (source, external_id)
);
CREATE INDEX customer_external_ids_customer ON customer_external_ids (customer_id);

-- The timeline: every contact on every channel and every system event about a customer.
-- kind: 'interaction' for contacts logged by people or integrations; system events are
-- 'customer_created', 'customer_updated', 'customer_merged', 'order_placed', 'return_made' (later
-- issues add their own kinds). ref_type/ref_id name what the entry concerns (order, return, ...).
CREATE TABLE interactions (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  at          INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  channel     TEXT NOT NULL CHECK (channel IN
                ('store','phone','email','sms','web','chat','social','visit','system')),
  direction   TEXT CHECK (direction IN ('inbound','outbound')),
  subject     TEXT,
  body        TEXT,
  user_id     INTEGER REFERENCES users (id),
  ref_type    TEXT,
  ref_id      INTEGER,
  created_at  INTEGER NOT NULL
);
CREATE INDEX interactions_customer_at ON interactions (customer_id, at, id);
CREATE INDEX interactions_ref ON interactions (ref_type, ref_id) WHERE ref_type IS NOT NULL;

CREATE TABLE categories (
  id        INTEGER PRIMARY KEY,
  name      TEXT NOT NULL,
  parent_id INTEGER REFERENCES categories (id)
);
CREATE UNIQUE INDEX categories_parent_name ON categories (coalesce(parent_id, 0), name);
CREATE INDEX categories_parent ON categories (parent_id);

-- Money: integer minor units plus an ISO 4217 code.
CREATE TABLE products (
  id          INTEGER PRIMARY KEY,
  sku         TEXT NOT NULL,
  name        TEXT NOT NULL,
  category_id INTEGER REFERENCES categories (id),
  price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
  currency    TEXT NOT NULL,
  active      INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  deleted_at  INTEGER,
  version     INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX products_sku ON products (sku);
CREATE INDEX products_category ON products (category_id, id);
CREATE INDEX products_name ON products (name, id);
-- Case-insensitive prefix search on SKU or name (q=): range scans on the lower-cased forms.
CREATE INDEX products_sku_lower ON products (lower(sku));
CREATE INDEX products_name_lower ON products (lower(name), id);

-- kind 'cancellation' holds the negative lines of a cancelled invoice (retail exports).
-- external_ref is the order number in the system it came from (unique per source).
CREATE TABLE orders (
  id             INTEGER PRIMARY KEY,
  customer_id    INTEGER REFERENCES customers (id),
  kind           TEXT NOT NULL DEFAULT 'sale' CHECK (kind IN ('sale','cancellation')),
  channel        TEXT NOT NULL CHECK (channel IN ('store','phone','web','email','sms','chat',
                   'social','visit','import')),
  location       TEXT,
  placed_at      INTEGER NOT NULL,
  currency       TEXT NOT NULL,
  subtotal_minor INTEGER NOT NULL,
  discount_minor INTEGER NOT NULL DEFAULT 0,
  total_minor    INTEGER NOT NULL,
  source         TEXT,
  external_ref   TEXT,
  user_id        INTEGER REFERENCES users (id),
  created_at     INTEGER NOT NULL
);
CREATE INDEX orders_customer_placed ON orders (customer_id, placed_at, id);
CREATE INDEX orders_placed ON orders (placed_at, id);
CREATE UNIQUE INDEX orders_external ON orders (source, external_ref)
  WHERE external_ref IS NOT NULL;

CREATE TABLE order_lines (
  id               INTEGER PRIMARY KEY,
  order_id         INTEGER NOT NULL REFERENCES orders (id),
  line_no          INTEGER NOT NULL,
  product_id       INTEGER NOT NULL REFERENCES products (id),
  quantity         INTEGER NOT NULL,
  unit_price_minor INTEGER NOT NULL,
  discount_minor   INTEGER NOT NULL DEFAULT 0,
  total_minor      INTEGER NOT NULL
);
CREATE INDEX order_lines_order ON order_lines (order_id, line_no);
CREATE INDEX order_lines_product ON order_lines (product_id, order_id);

CREATE TABLE returns (
  id           INTEGER PRIMARY KEY,
  order_id     INTEGER NOT NULL REFERENCES orders (id),
  customer_id  INTEGER REFERENCES customers (id),
  at           INTEGER NOT NULL,
  reason       TEXT,
  currency     TEXT NOT NULL,
  refund_minor INTEGER NOT NULL,
  user_id      INTEGER REFERENCES users (id),
  created_at   INTEGER NOT NULL
);
CREATE INDEX returns_order ON returns (order_id);
CREATE INDEX returns_customer ON returns (customer_id, at);

CREATE TABLE return_lines (
  id            INTEGER PRIMARY KEY,
  return_id     INTEGER NOT NULL REFERENCES returns (id),
  order_line_id INTEGER NOT NULL REFERENCES order_lines (id),
  quantity      INTEGER NOT NULL CHECK (quantity > 0),
  refund_minor  INTEGER NOT NULL
);
CREATE INDEX return_lines_order_line ON return_lines (order_line_id);
CREATE INDEX return_lines_return ON return_lines (return_id);

-- One row per import run: the checkpoint (last committed line and byte offset) lets --resume
-- continue exactly after the last committed batch (and cut the reject file back to what that
-- batch had written, so no reject is listed twice).
CREATE TABLE imports (
  id             INTEGER PRIMARY KEY,
  kind           TEXT NOT NULL,
  file           TEXT NOT NULL,
  file_size      INTEGER,
  options        TEXT NOT NULL DEFAULT '{}',
  status         TEXT NOT NULL CHECK (status IN ('running','done','failed')),
  line           INTEGER NOT NULL DEFAULT 0,
  byte_offset    INTEGER NOT NULL DEFAULT 0,
  created        INTEGER NOT NULL DEFAULT 0,
  updated        INTEGER NOT NULL DEFAULT 0,
  rejected       INTEGER NOT NULL DEFAULT 0,
  reject_file    TEXT,
  reject_bytes   INTEGER NOT NULL DEFAULT 0, -- length of the reject file at the checkpoint
  started_at     INTEGER NOT NULL,
  finished_at    INTEGER,
  user_id        INTEGER REFERENCES users (id),
  error          TEXT
);

-- Customer intelligence (issues 4 and 5). A refresh (app/analytics_service) recomputes all of
-- it from the orders and replaces the previous run's rows in one write transaction; these tables
-- are derived data, never edited by hand.
-- analytics_runs: one row per refresh, kept as history. parameters and results are JSON:
-- what ran with which settings, the fitted model parameters, fit diagnostics and the
-- aggregates the analytics pages show (segment sizes, Lorenz curve, CLV distribution).
CREATE TABLE analytics_runs (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('done','failed')),
  as_of       INTEGER NOT NULL,
  parameters  TEXT NOT NULL DEFAULT '{}',
  results     TEXT NOT NULL DEFAULT '{}',
  customers   INTEGER NOT NULL DEFAULT 0,
  orders      INTEGER NOT NULL DEFAULT 0,
  rules       INTEGER NOT NULL DEFAULT 0,
  started_at  INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  user_id     INTEGER REFERENCES users (id),
  error       TEXT
);
CREATE INDEX analytics_runs_kind ON analytics_runs (kind, status, id);

-- One row per customer with a purchase, as of the run's as_of. Model outputs are NULL when the
-- models could not be fitted (too few customers); expected_transactions is over horizon_months.
-- Money in minor units of `currency` (the business currency at the time of the run).
CREATE TABLE customer_scores (
  customer_id           INTEGER PRIMARY KEY REFERENCES customers (id),
  run_id                INTEGER NOT NULL REFERENCES analytics_runs (id),
  rfm_r                 INTEGER NOT NULL CHECK (rfm_r BETWEEN 1 AND 5),
  rfm_f                 INTEGER NOT NULL CHECK (rfm_f BETWEEN 1 AND 5),
  rfm_m                 INTEGER NOT NULL CHECK (rfm_m BETWEEN 1 AND 5),
  rfm_segment           TEXT NOT NULL,
  abc_class             TEXT NOT NULL CHECK (abc_class IN ('A','B','C')),
  value_tier            TEXT NOT NULL CHECK (value_tier IN ('platinum','gold','silver','bronze')),
  customer_type         TEXT NOT NULL,
  purchases             INTEGER NOT NULL,
  revenue_minor         INTEGER NOT NULL,
  first_purchase_at     INTEGER NOT NULL,
  last_purchase_at      INTEGER NOT NULL,
  p_alive               REAL,
  expected_transactions REAL,
  horizon_months        INTEGER NOT NULL,
  expected_spend_minor  INTEGER,
  clv_minor             INTEGER,
  currency              TEXT NOT NULL,
  computed_at           INTEGER NOT NULL
);
CREATE INDEX customer_scores_rfm ON customer_scores (rfm_r, rfm_f, rfm_m, customer_id);
CREATE INDEX customer_scores_segment ON customer_scores (rfm_segment, customer_id);
CREATE INDEX customer_scores_abc ON customer_scores (abc_class, customer_id);
CREATE INDEX customer_scores_tier ON customer_scores (value_tier, customer_id);
CREATE INDEX customer_scores_type ON customer_scores (customer_type, customer_id);
CREATE INDEX customer_scores_revenue ON customer_scores (revenue_minor, customer_id);
CREATE INDEX customer_scores_p_alive ON customer_scores (p_alive, customer_id);
CREATE INDEX customer_scores_expected ON customer_scores (expected_transactions, customer_id);
CREATE INDEX customer_scores_spend ON customer_scores (expected_spend_minor, customer_id);
CREATE INDEX customer_scores_clv ON customer_scores (clv_minor, customer_id);

-- Association rules X => y mined from the orders (a basket = a sale order), one product on the
-- right. antecedent: the product ids of X ascending, space-separated ("12 45"), for display and
-- comparison; basket_rule_antecedents holds the same ids one per row, to find the rules whose
-- left side holds a product. conviction is +Infinity when confidence is 1 (a REAL both SQLite and
-- PostgreSQL store).
CREATE TABLE basket_rules (
  id                    INTEGER PRIMARY KEY,
  run_id                INTEGER NOT NULL REFERENCES analytics_runs (id),
  antecedent            TEXT NOT NULL,
  antecedent_size       INTEGER NOT NULL,
  consequent_product_id INTEGER NOT NULL REFERENCES products (id),
  support               REAL NOT NULL,
  coverage              REAL NOT NULL,
  confidence            REAL NOT NULL,
  lift                  REAL NOT NULL,
  leverage              REAL NOT NULL,
  conviction            REAL NOT NULL,
  count                 INTEGER NOT NULL,
  antecedent_count      INTEGER NOT NULL,
  consequent_count      INTEGER NOT NULL
);
CREATE INDEX basket_rules_consequent ON basket_rules (consequent_product_id, id);
CREATE INDEX basket_rules_support ON basket_rules (support, id);
CREATE INDEX basket_rules_confidence ON basket_rules (confidence, id);
CREATE INDEX basket_rules_lift ON basket_rules (lift, id);
CREATE INDEX basket_rules_leverage ON basket_rules (leverage, id);
CREATE INDEX basket_rules_conviction ON basket_rules (conviction, id);
CREATE INDEX basket_rules_count ON basket_rules (count, id);
CREATE TABLE basket_rule_antecedents (
  product_id INTEGER NOT NULL REFERENCES products (id),
  rule_id    INTEGER NOT NULL REFERENCES basket_rules (id),
  PRIMARY KEY (product_id, rule_id)
);
)sql"},
    {3, "service: ticket queues, SLA policies, tickets, ticket messages, notifications", R"sql(
-- Queues of service work, each with a manager who is told about SLA breaches.
CREATE TABLE ticket_queues (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  description TEXT,
  manager_id  INTEGER NOT NULL REFERENCES users (id),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  version     INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ticket_queues_name ON ticket_queues (lower(name));

-- One SLA policy per ticket type and priority: a first-response and a resolution target, each
-- a number of business minutes or the sunset rule (the close of the business day of arrival).
CREATE TABLE sla_policies (
  id                     INTEGER PRIMARY KEY,
  ticket_type            TEXT NOT NULL CHECK (ticket_type IN ('complaint','inquiry','repair','return')),
  priority               TEXT NOT NULL CHECK (priority IN ('low','normal','high','urgent')),
  first_response_rule    TEXT NOT NULL CHECK (first_response_rule IN ('minutes','sunset')),
  first_response_minutes INTEGER CHECK ((first_response_rule = 'minutes') = (first_response_minutes IS NOT NULL)),
  resolution_rule        TEXT NOT NULL CHECK (resolution_rule IN ('minutes','sunset')),
  resolution_minutes     INTEGER CHECK ((resolution_rule = 'minutes') = (resolution_minutes IS NOT NULL)),
  pause_while_waiting    INTEGER NOT NULL DEFAULT 1,
  created_at             INTEGER NOT NULL,
  updated_at             INTEGER NOT NULL,
  version                INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX sla_policies_type_priority ON sla_policies (ticket_type, priority);
-- The defaults: complaints are answered by the sunset rule; the rest within business minutes.
INSERT INTO sla_policies (ticket_type, priority, first_response_rule, first_response_minutes,
    resolution_rule, resolution_minutes, pause_while_waiting, created_at, updated_at) VALUES
  ('complaint','urgent','sunset',NULL,'minutes',240,1,0,0),
  ('complaint','high','sunset',NULL,'minutes',480,1,0,0),
  ('complaint','normal','sunset',NULL,'minutes',1440,1,0,0),
  ('complaint','low','sunset',NULL,'minutes',2400,1,0,0),
  ('inquiry','urgent','minutes',30,'minutes',240,1,0,0),
  ('inquiry','high','minutes',60,'minutes',960,1,0,0),
  ('inquiry','normal','minutes',240,'minutes',2400,1,0,0),
  ('inquiry','low','minutes',480,'minutes',4800,1,0,0),
  ('repair','urgent','minutes',60,'minutes',960,1,0,0),
  ('repair','high','minutes',120,'minutes',2400,1,0,0),
  ('repair','normal','minutes',480,'minutes',4800,1,0,0),
  ('repair','low','minutes',960,'minutes',9600,1,0,0),
  ('return','urgent','minutes',60,'minutes',480,1,0,0),
  ('return','high','minutes',120,'minutes',960,1,0,0),
  ('return','normal','minutes',480,'minutes',2400,1,0,0),
  ('return','low','minutes',960,'minutes',4800,1,0,0);

-- Service tickets. The SLA in force is copied from the policy when the ticket arrives (or its
-- type or priority changes), so editing a policy never moves the due times of open tickets.
-- Due times are UTC ms computed in business time (core/business_time); sunset_due is the sunset
-- rule's due time whatever the policy, for the reports' "answered within the sunset rule".
-- sla_next_check is the earliest due time the scheduler still watches (NULL when none: met,
-- breached, paused while waiting, resolved or closed): its partial index is all a sweep reads.
CREATE TABLE tickets (
  id                         INTEGER PRIMARY KEY,
  type                       TEXT NOT NULL CHECK (type IN ('complaint','inquiry','repair','return')),
  channel                    TEXT NOT NULL CHECK (channel IN
                               ('store','phone','email','sms','web','chat','social','visit')),
  customer_id                INTEGER NOT NULL REFERENCES customers (id),
  product_id                 INTEGER REFERENCES products (id),
  order_id                   INTEGER REFERENCES orders (id),
  priority                   TEXT NOT NULL CHECK (priority IN ('low','normal','high','urgent')),
  subject                    TEXT NOT NULL,
  description                TEXT,
  status                     TEXT NOT NULL CHECK (status IN ('new','open','waiting','resolved','closed')),
  assignee_id                INTEGER REFERENCES users (id),
  queue_id                   INTEGER REFERENCES ticket_queues (id),
  first_response_rule        TEXT CHECK (first_response_rule IN ('minutes','sunset')),
  first_response_minutes     INTEGER,
  resolution_rule            TEXT CHECK (resolution_rule IN ('minutes','sunset')),
  resolution_minutes         INTEGER,
  pause_while_waiting        INTEGER NOT NULL DEFAULT 0,
  first_response_due         INTEGER,
  resolution_due             INTEGER,
  sunset_due                 INTEGER NOT NULL,
  first_response_at          INTEGER,
  resolved_at                INTEGER,
  closed_at                  INTEGER,
  first_response_breached_at INTEGER,
  resolution_breached_at     INTEGER,
  breached                   INTEGER NOT NULL DEFAULT 0,
  paused_at                  INTEGER,
  sla_next_check             INTEGER,
  reopen_count               INTEGER NOT NULL DEFAULT 0,
  created_by                 INTEGER REFERENCES users (id),
  created_at                 INTEGER NOT NULL,
  updated_at                 INTEGER NOT NULL,
  version                    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tickets_created ON tickets (created_at, id);
CREATE INDEX tickets_status ON tickets (status, created_at, id);
CREATE INDEX tickets_queue ON tickets (queue_id, created_at, id);
CREATE INDEX tickets_queue_status ON tickets (queue_id, status, created_at, id);
-- A queue's tickets of one status by next due time (sort=due; none last), the agents' worklist.
CREATE INDEX tickets_queue_status_due ON tickets
  (queue_id, status, coalesce(sla_next_check, 9223372036854775807), id);
CREATE INDEX tickets_assignee ON tickets (assignee_id, status, created_at, id);
CREATE INDEX tickets_assignee_created ON tickets (assignee_id, created_at, id);
CREATE INDEX tickets_customer ON tickets (customer_id, created_at, id);
CREATE INDEX tickets_product ON tickets (product_id) WHERE product_id IS NOT NULL;
CREATE INDEX tickets_breached ON tickets (created_at, id) WHERE breached = 1;
CREATE INDEX tickets_sla_next ON tickets (sla_next_check, id) WHERE sla_next_check IS NOT NULL;

-- Replies to the customer and internal notes.
CREATE TABLE ticket_messages (
  id         INTEGER PRIMARY KEY,
  ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
  kind       TEXT NOT NULL CHECK (kind IN ('reply','note')),
  body       TEXT NOT NULL,
  user_id    INTEGER REFERENCES users (id),
  created_at INTEGER NOT NULL
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, id);

-- Notices to staff (an SLA breach escalated to a queue's manager, ...).
CREATE TABLE notifications (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id),
  kind       TEXT NOT NULL,
  subject    TEXT NOT NULL,
  ref_type   TEXT,
  ref_id     INTEGER,
  created_at INTEGER NOT NULL,
  read_at    INTEGER
);
CREATE INDEX notifications_user ON notifications (user_id, id);
)sql"},
    {4,
     "loyalty: members, cards, points ledger, order points and discounts, idempotent orders, "
     "notices",
     R"sql(
-- A loyalty member is a customer enrolled in the programme (one membership per customer).
-- The tier is held until the review date; upgrades move it at once, downgrades wait for it.
CREATE TABLE loyalty_members (
  customer_id    INTEGER PRIMARY KEY REFERENCES customers (id),
  joined_at      INTEGER NOT NULL,
  tier           TEXT NOT NULL,
  tier_since     INTEGER NOT NULL,
  tier_review_at INTEGER NOT NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX loyalty_members_review ON loyalty_members (tier_review_at);

-- Member cards: a lost card is replaced (status 'replaced'), the account stays.
CREATE TABLE loyalty_cards (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES loyalty_members (customer_id),
  number      TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('active','replaced')),
  issued_at   INTEGER NOT NULL,
  replaced_at INTEGER,
  reason      TEXT
);
CREATE UNIQUE INDEX loyalty_cards_number ON loyalty_cards (number);
CREATE UNIQUE INDEX loyalty_cards_active ON loyalty_cards (customer_id) WHERE status = 'active';

-- The points ledger, append-only. points is signed; balance = credits_total - debits_total is
-- the sum of the member's entries up to this one (the newest entry answers a balance read).
-- expires_at is set on credits (earn, positive adjust, points given back): first in, first out.
CREATE TABLE loyalty_ledger (
  id            INTEGER PRIMARY KEY,
  customer_id   INTEGER NOT NULL REFERENCES loyalty_members (customer_id),
  at            INTEGER NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('earn','redeem','expire','adjust','reverse')),
  points        INTEGER NOT NULL CHECK (points <> 0),
  balance       INTEGER NOT NULL CHECK (balance >= 0),
  credits_total INTEGER NOT NULL,
  debits_total  INTEGER NOT NULL,
  expires_at    INTEGER,
  reason        TEXT NOT NULL,
  ref_type      TEXT,
  ref_id        INTEGER,
  user_id       INTEGER REFERENCES users (id),
  created_at    INTEGER NOT NULL,
  CHECK (balance = credits_total - debits_total),
  CHECK ((points > 0) = (expires_at IS NOT NULL))
);
CREATE INDEX loyalty_ledger_member ON loyalty_ledger (customer_id, id);
CREATE INDEX loyalty_ledger_lots ON loyalty_ledger (customer_id, expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX loyalty_ledger_expiry ON loyalty_ledger (expires_at) WHERE expires_at IS NOT NULL;
CREATE TRIGGER loyalty_ledger_no_update BEFORE UPDATE ON loyalty_ledger
  BEGIN SELECT RAISE(ABORT, 'the points ledger is append-only'); END;
CREATE TRIGGER loyalty_ledger_no_delete BEFORE DELETE ON loyalty_ledger
  BEGIN SELECT RAISE(ABORT, 'the points ledger is append-only'); END;

-- Points earned and redeemed per order line (what a return reverses and gives back).
CREATE TABLE loyalty_order_lines (
  order_line_id   INTEGER PRIMARY KEY REFERENCES order_lines (id),
  order_id        INTEGER NOT NULL REFERENCES orders (id),
  earned_points   INTEGER NOT NULL DEFAULT 0,
  redeemed_points INTEGER NOT NULL DEFAULT 0,
  redeemed_minor  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX loyalty_order_lines_order ON loyalty_order_lines (order_id);

-- Orders placed with a client's idempotency key: a retried request finds its order here.
CREATE TABLE order_requests (
  idempotency_key TEXT PRIMARY KEY,
  order_id        INTEGER NOT NULL REFERENCES orders (id),
  created_at      INTEGER NOT NULL
);

-- Every discount applied to an order beyond the lines' own (points redeemed, later coupons,
-- promotions, price matches): its kind, amount, the points it took and its reason.
CREATE TABLE order_discounts (
  id            INTEGER PRIMARY KEY,
  order_id      INTEGER NOT NULL REFERENCES orders (id),
  order_line_id INTEGER REFERENCES order_lines (id),
  kind          TEXT NOT NULL,
  amount_minor  INTEGER NOT NULL,
  points        INTEGER,
  reason        TEXT NOT NULL
);
CREATE INDEX order_discounts_order ON order_discounts (order_id, id);

-- Notices to customers (points about to expire), an outbox for the messaging channel.
CREATE TABLE customer_notices (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  kind        TEXT NOT NULL,
  subject     TEXT NOT NULL,
  points      INTEGER,
  due_at      INTEGER,
  created_at  INTEGER NOT NULL,
  sent_at     INTEGER
);
CREATE INDEX customer_notices_customer ON customer_notices (customer_id, id);

-- Where each batch job stopped (the expiry job's window of lots already handled).
CREATE TABLE job_state (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
)sql"},
    {5, "promotions and coupons", R"sql(
-- Date-bound promotions on a product, a category or the basket (core/discount_rules.hpp).
CREATE TABLE promotions (
  id                    INTEGER PRIMARY KEY,
  name                  TEXT NOT NULL,
  scope                 TEXT NOT NULL CHECK (scope IN ('product','category','basket')),
  product_id            INTEGER REFERENCES products (id),
  category_id           INTEGER REFERENCES categories (id),
  min_basket_minor      INTEGER NOT NULL DEFAULT 0,
  percent_off           INTEGER NOT NULL DEFAULT 0 CHECK (percent_off BETWEEN 0 AND 100),
  amount_off_minor      INTEGER NOT NULL DEFAULT 0 CHECK (amount_off_minor >= 0),
  points_multiplier_pct INTEGER NOT NULL DEFAULT 100,
  stackable             INTEGER NOT NULL DEFAULT 1,
  starts_at             INTEGER NOT NULL,
  ends_at               INTEGER NOT NULL,
  active                INTEGER NOT NULL DEFAULT 1,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL
);
CREATE INDEX promotions_window ON promotions (ends_at, starts_at) WHERE active = 1;

-- Coupons: a code (given or generated), for anyone or one customer, with a validity, a minimum
-- spend and usage limits; uses counts the orders that redeemed it (never above max_uses).
CREATE TABLE coupons (
  id                    INTEGER PRIMARY KEY,
  code                  TEXT NOT NULL,
  customer_id           INTEGER REFERENCES customers (id),
  percent_off           INTEGER NOT NULL DEFAULT 0 CHECK (percent_off BETWEEN 0 AND 100),
  amount_off_minor      INTEGER NOT NULL DEFAULT 0 CHECK (amount_off_minor >= 0),
  min_spend_minor       INTEGER NOT NULL DEFAULT 0,
  max_uses              INTEGER NOT NULL CHECK (max_uses >= 1),
  max_uses_per_customer INTEGER NOT NULL CHECK (max_uses_per_customer >= 1),
  uses                  INTEGER NOT NULL DEFAULT 0,
  starts_at             INTEGER NOT NULL,
  ends_at               INTEGER NOT NULL,
  created_at            INTEGER NOT NULL,
  CHECK (uses <= max_uses)
);
CREATE UNIQUE INDEX coupons_code ON coupons (code);

CREATE TABLE coupon_redemptions (
  id           INTEGER PRIMARY KEY,
  coupon_id    INTEGER NOT NULL REFERENCES coupons (id),
  order_id     INTEGER NOT NULL REFERENCES orders (id),
  customer_id  INTEGER REFERENCES customers (id),
  amount_minor INTEGER NOT NULL,
  at           INTEGER NOT NULL
);
CREATE INDEX coupon_redemptions_coupon ON coupon_redemptions (coupon_id, customer_id);
CREATE INDEX coupon_redemptions_order ON coupon_redemptions (order_id);
)sql"},
    {6, "feedback: reviews, votes, rating aggregates, CSAT/NPS surveys, knowledge base", R"sql(
-- Reviews: 1-5 stars per customer and product. A later review of the same product by the same
-- customer replaces the earlier one, which stays as history (replaced_at set; the new one names
-- it in `replaces`); only the current one (replaced_at IS NULL) is shown, voted on or
-- moderated. Hidden reviews (moderation) keep their row and reason.
CREATE TABLE reviews (
  id                INTEGER PRIMARY KEY,
  product_id        INTEGER NOT NULL REFERENCES products (id),
  customer_id       INTEGER NOT NULL REFERENCES customers (id),
  rating            INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  title             TEXT,
  body              TEXT,
  channel           TEXT NOT NULL CHECK (channel IN
                      ('store','phone','email','sms','web','chat','social','visit')),
  verified_purchase INTEGER NOT NULL DEFAULT 0,
  helpful_count     INTEGER NOT NULL DEFAULT 0,
  hidden_at         INTEGER,
  hidden_reason     TEXT,
  hidden_by         INTEGER REFERENCES users (id),
  replaces          INTEGER REFERENCES reviews (id),
  replaced_at       INTEGER,
  created_by        INTEGER REFERENCES users (id),
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  version           INTEGER NOT NULL DEFAULT 1
);
-- One current review per customer and product.
CREATE UNIQUE INDEX reviews_current ON reviews (product_id, customer_id) WHERE replaced_at IS NULL;
-- A product's current reviews in each list order (newest, most helpful, by rating).
CREATE INDEX reviews_product_created ON reviews (product_id, created_at, id) WHERE replaced_at IS NULL;
CREATE INDEX reviews_product_helpful ON reviews (product_id, helpful_count, id) WHERE replaced_at IS NULL;
CREATE INDEX reviews_product_rating ON reviews (product_id, rating, id) WHERE replaced_at IS NULL;
CREATE INDEX reviews_customer ON reviews (customer_id, id);

-- "Helpful" votes: one per customer and review.
CREATE TABLE review_votes (
  review_id   INTEGER NOT NULL REFERENCES reviews (id),
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  created_by  INTEGER REFERENCES users (id),
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (review_id, customer_id)
);

-- Per product: the count of its current, visible reviews per star, written in the same
-- transaction as every review change (so mean, count and distribution are always exact).
CREATE TABLE product_ratings (
  product_id INTEGER PRIMARY KEY REFERENCES products (id),
  stars_1    INTEGER NOT NULL DEFAULT 0,
  stars_2    INTEGER NOT NULL DEFAULT 0,
  stars_3    INTEGER NOT NULL DEFAULT 0,
  stars_4    INTEGER NOT NULL DEFAULT 0,
  stars_5    INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);

-- Survey invitations: CSAT (1-5) after a resolved ticket, NPS (0-10) after an order (each rule
-- turned on by a setting), or made by hand. channel and store say where the experience
-- happened (the ticket's channel; the order's channel and location), for the reports.
CREATE TABLE survey_invitations (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('csat','nps')),
  customer_id  INTEGER NOT NULL REFERENCES customers (id),
  source       TEXT NOT NULL CHECK (source IN ('ticket_resolved','order','manual')),
  ticket_id    INTEGER REFERENCES tickets (id),
  order_id     INTEGER REFERENCES orders (id),
  channel      TEXT,
  store        TEXT,
  created_by   INTEGER REFERENCES users (id),
  created_at   INTEGER NOT NULL,
  responded_at INTEGER
);
CREATE INDEX survey_invitations_customer ON survey_invitations (customer_id, id);
CREATE INDEX survey_invitations_pending ON survey_invitations (id) WHERE responded_at IS NULL;
-- A ticket or an order is asked about once per kind (a reopened ticket resolved again is not).
CREATE UNIQUE INDEX survey_invitations_ticket ON survey_invitations (ticket_id, kind)
  WHERE ticket_id IS NOT NULL;
CREATE UNIQUE INDEX survey_invitations_order ON survey_invitations (order_id, kind)
  WHERE order_id IS NOT NULL;

-- One response per invitation (the UNIQUE constraint is the last line of that rule).
CREATE TABLE survey_responses (
  id            INTEGER PRIMARY KEY,
  invitation_id INTEGER NOT NULL UNIQUE REFERENCES survey_invitations (id),
  kind          TEXT NOT NULL CHECK (kind IN ('csat','nps')),
  customer_id   INTEGER NOT NULL REFERENCES customers (id),
  score         INTEGER NOT NULL CHECK ((kind = 'csat' AND score BETWEEN 1 AND 5) OR
                                        (kind = 'nps' AND score BETWEEN 0 AND 10)),
  comment       TEXT,
  channel       TEXT,
  store         TEXT,
  created_by    INTEGER REFERENCES users (id),
  responded_at  INTEGER NOT NULL
);
CREATE INDEX survey_responses_kind_at ON survey_responses (kind, responded_at, id);
CREATE INDEX survey_responses_customer ON survey_responses (customer_id, id);

-- The knowledge base.
CREATE TABLE kb_categories (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version    INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX kb_categories_name ON kb_categories (name);

-- Articles in Markdown (rendered safely on the way out, never stored as HTML). solved_count is
-- the number of tickets linked as solved by the article, kept with each link.
CREATE TABLE kb_articles (
  id           INTEGER PRIMARY KEY,
  category_id  INTEGER REFERENCES kb_categories (id),
  title        TEXT NOT NULL,
  body         TEXT NOT NULL,
  language     TEXT,
  status       TEXT NOT NULL CHECK (status IN ('draft','published')),
  published_at INTEGER,
  solved_count INTEGER NOT NULL DEFAULT 0,
  created_by   INTEGER REFERENCES users (id),
  updated_by   INTEGER REFERENCES users (id),
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX kb_articles_status ON kb_articles (status, id);
CREATE INDEX kb_articles_category ON kb_articles (category_id, status, id);
CREATE INDEX kb_articles_solved ON kb_articles (status, solved_count, id);
CREATE INDEX kb_articles_updated ON kb_articles (status, updated_at, id);

-- The search index: title and body as core/search_text prepares them (CJK runs as bigrams),
-- `chars` the CJK characters of both one by one (a one-character search reads one list instead
-- of merging every bigram that starts with the character), rowid = article id, written by the
-- use case in the article's own transaction. `tags` holds the article's status and category as
-- words ("published c12"), so a search filters inside the index (a term of the MATCH) instead
-- of reading each match's row. Searches aim the user's terms at title and body (or chars);
-- tags weigh nothing in the ranking.
CREATE VIRTUAL TABLE kb_articles_fts USING fts5 (
  title, body, chars, tags, tokenize = 'porter unicode61 remove_diacritics 2');

-- Tickets solved by an article.
CREATE TABLE ticket_articles (
  ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
  article_id INTEGER NOT NULL REFERENCES kb_articles (id),
  linked_by  INTEGER REFERENCES users (id),
  linked_at  INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, article_id)
);
CREATE INDEX ticket_articles_article ON ticket_articles (article_id, ticket_id);
)sql"},
    {7, "analytics: customer_scores without foreign keys and unused indexes", R"sql(
-- customer_scores is derived data that every refresh replaces whole (on 1M customers: 750k rows
-- deleted, inserted and indexed). Its two foreign keys made that write slow: a DELETE on a table
-- with foreign keys goes row by row (SQLite does not truncate it; 0.8-1.8 s against 0.15 s) and
-- every insert looked up its customer and run (a quarter to a third of the insert). The rows
-- are written only by the refresh, from customers that exist (customers are never deleted: soft
-- deletes and merges keep the row) and for the run inserted in the same transaction, so the
-- constraints guard nothing a user can reach. Three indexes that no query reads go too (a
-- refresh rebuilt each, about 0.5 s apiece).
-- Rebuilt by copy rather than ALTER TABLE ... RENAME: a rename re-parses every trigger and view of
-- the schema (the search triggers of the FTS tables too), a copy touches this table only.
CREATE TEMP TABLE customer_scores_copy AS SELECT * FROM customer_scores;
DROP TABLE customer_scores;
CREATE TABLE customer_scores (
  customer_id           INTEGER PRIMARY KEY,
  run_id                INTEGER NOT NULL,
  rfm_r                 INTEGER NOT NULL CHECK (rfm_r BETWEEN 1 AND 5),
  rfm_f                 INTEGER NOT NULL CHECK (rfm_f BETWEEN 1 AND 5),
  rfm_m                 INTEGER NOT NULL CHECK (rfm_m BETWEEN 1 AND 5),
  rfm_segment           TEXT NOT NULL,
  abc_class             TEXT NOT NULL CHECK (abc_class IN ('A','B','C')),
  value_tier            TEXT NOT NULL CHECK (value_tier IN ('platinum','gold','silver','bronze')),
  customer_type         TEXT NOT NULL,
  purchases             INTEGER NOT NULL,
  revenue_minor         INTEGER NOT NULL,
  first_purchase_at     INTEGER NOT NULL,
  last_purchase_at      INTEGER NOT NULL,
  p_alive               REAL,
  expected_transactions REAL,
  horizon_months        INTEGER NOT NULL,
  expected_spend_minor  INTEGER,
  clv_minor             INTEGER,
  currency              TEXT NOT NULL,
  computed_at           INTEGER NOT NULL
);
INSERT INTO customer_scores SELECT * FROM temp.customer_scores_copy;
DROP TABLE temp.customer_scores_copy;
CREATE INDEX customer_scores_segment ON customer_scores (rfm_segment, customer_id);
CREATE INDEX customer_scores_abc ON customer_scores (abc_class, customer_id);
CREATE INDEX customer_scores_tier ON customer_scores (value_tier, customer_id);
CREATE INDEX customer_scores_type ON customer_scores (customer_type, customer_id);
CREATE INDEX customer_scores_revenue ON customer_scores (revenue_minor, customer_id);
CREATE INDEX customer_scores_p_alive ON customer_scores (p_alive, customer_id);
CREATE INDEX customer_scores_clv ON customer_scores (clv_minor, customer_id);
)sql"},
    {8, "settings change stamp", R"sql(
-- A stamp that every change of the settings replaces (triggers, so a change by any connection or
-- process counts): what is derived from the settings (the loyalty rules parsed from them, read
-- by every order and balance) is kept per connection and read again only when the stamp
-- differs. Random rather than counted: a rolled-back change's stamp never comes back with the
-- next change.
CREATE TABLE settings_stamp (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  stamp INTEGER NOT NULL
);
INSERT INTO settings_stamp (id, stamp) VALUES (1, random());
CREATE TRIGGER settings_stamp_insert AFTER INSERT ON settings
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;
CREATE TRIGGER settings_stamp_update AFTER UPDATE ON settings
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;
CREATE TRIGGER settings_stamp_delete AFTER DELETE ON settings
BEGIN UPDATE settings_stamp SET stamp = random() WHERE id = 1; END;
)sql"},
    {9, "analytics: customer_scores without CHECKs, score indexes on the score alone", R"sql(
-- A refresh writes 750k rows on 1M customers, and the CHECKs on the RFM scores, ABC class and
-- tier were evaluated for each (measured: that insert took 2.7 s with them, 0.7 s without). The
-- values are written by the refresh only, from the analytics engine's quintiles (1-5) and enums,
-- so the constraints guard nothing a user can reach. The indexes drop their
-- trailing customer_id: an index of a rowid table ends with the rowid, which is customer_id
-- here, so (score) alone has the same order and serves the same plans with a shorter key for
-- CREATE INDEX to sort. The ABC class loses its index: each class holds a fifth or more of the
-- customers, so a filtered list page reads its rows from the table in customer order about as
-- fast (a few hundred rows per page; an empty or last page scans the table, about 90 ms on
-- 750k scores), and a refresh no longer spends 0.45 s building it. Rebuilt by copy, as in v7.
CREATE TEMP TABLE customer_scores_copy AS SELECT * FROM customer_scores;
DROP TABLE customer_scores;
CREATE TABLE customer_scores (
  customer_id           INTEGER PRIMARY KEY,
  run_id                INTEGER NOT NULL,
  rfm_r                 INTEGER NOT NULL,
  rfm_f                 INTEGER NOT NULL,
  rfm_m                 INTEGER NOT NULL,
  rfm_segment           TEXT NOT NULL,
  abc_class             TEXT NOT NULL,
  value_tier            TEXT NOT NULL,
  customer_type         TEXT NOT NULL,
  purchases             INTEGER NOT NULL,
  revenue_minor         INTEGER NOT NULL,
  first_purchase_at     INTEGER NOT NULL,
  last_purchase_at      INTEGER NOT NULL,
  p_alive               REAL,
  expected_transactions REAL,
  horizon_months        INTEGER NOT NULL,
  expected_spend_minor  INTEGER,
  clv_minor             INTEGER,
  currency              TEXT NOT NULL,
  computed_at           INTEGER NOT NULL
);
INSERT INTO customer_scores SELECT * FROM temp.customer_scores_copy;
DROP TABLE temp.customer_scores_copy;
CREATE INDEX customer_scores_segment ON customer_scores (rfm_segment);
CREATE INDEX customer_scores_tier ON customer_scores (value_tier);
CREATE INDEX customer_scores_type ON customer_scores (customer_type);
CREATE INDEX customer_scores_revenue ON customer_scores (revenue_minor);
CREATE INDEX customer_scores_p_alive ON customer_scores (p_alive);
CREATE INDEX customer_scores_clv ON customer_scores (clv_minor);
)sql"},
    {10, "loyalty: the expiry index covers the member", R"sql(
-- The daily expiry finds the members with lots due in a window of expiry times. Through an index
-- of expires_at alone each lot cost a lookup of its row for the member: on 50M ledger entries
-- the first run (every lot due: 25M lots) spent 52 s in those random reads. With the member in
-- the index the same read is a scan of the index.
DROP INDEX loyalty_ledger_expiry;
CREATE INDEX loyalty_ledger_expiry ON loyalty_ledger (expires_at, customer_id)
  WHERE expires_at IS NOT NULL;
)sql"},
    {11, "orders: no index of order lines by product", R"sql(
-- Nothing reads order lines by product: a customer's purchases of a product are found through
-- the customer's orders (orders_customer_placed, then order_lines_order), the basket analysis
-- and the analytics refresh scan the table, and "bought together" comes from the basket rules.
-- The index only served the foreign key's check when a product row is deleted, and products
-- are never deleted (they are deactivated). Its upkeep was the most expensive part of writing
-- an order line: its entries arrive in random order, each insert a walk from the root through
-- pages not in the CPU cache. Measured on an import of 1M invoice lines into an empty store:
-- 5.0 s with it, 2.9 s without.
DROP INDEX order_lines_product;
)sql"},
    {12, "coupons: index of personal coupons by customer", R"sql(
-- The coupon list filtered by customer (GET /api/v1/coupons?customer_id=, the coupons of a
-- customer's 360) scanned every coupon: with personal coupons for a large customer base that is
-- a scan of millions of rows per request. Public coupons (no customer) are not in the index.
CREATE INDEX coupons_customer ON coupons (customer_id, id) WHERE customer_id IS NOT NULL;
)sql"},
    {13, "analytics: a refresh writes its scores beside the live ones, a step at a time", R"sql(
-- A refresh wrote its scores in one write transaction (4-5 s on 1M customers: every order placed
-- meanwhile waited). It now fills this table in steps of their own (20,000 rows, then one index
-- each) while customer_scores stays readable, and puts it in place in its last step by renaming
-- the two (app/analytics_service.cpp). Same columns as customer_scores.
CREATE TABLE customer_scores_next (
  customer_id           INTEGER PRIMARY KEY,
  run_id                INTEGER NOT NULL,
  rfm_r                 INTEGER NOT NULL,
  rfm_f                 INTEGER NOT NULL,
  rfm_m                 INTEGER NOT NULL,
  rfm_segment           TEXT NOT NULL,
  abc_class             TEXT NOT NULL,
  value_tier            TEXT NOT NULL,
  customer_type         TEXT NOT NULL,
  purchases             INTEGER NOT NULL,
  revenue_minor         INTEGER NOT NULL,
  first_purchase_at     INTEGER NOT NULL,
  last_purchase_at      INTEGER NOT NULL,
  p_alive               REAL,
  expected_transactions REAL,
  horizon_months        INTEGER NOT NULL,
  expected_spend_minor  INTEGER,
  clv_minor             INTEGER,
  currency              TEXT NOT NULL,
  computed_at           INTEGER NOT NULL
);
-- Note for later migrations: customer_scores_next must keep the columns of customer_scores (a
-- change to one is a change to both), and the live table's indexes have either the names below
-- (customer_scores_segment, ...) or the same with "_b" (they alternate with each refresh): drop
-- them with DROP INDEX IF EXISTS under both names.
-- The customers merged into one (a loyalty tier by points counts what they earned).
CREATE INDEX customers_merged_into ON customers (merged_into) WHERE merged_into IS NOT NULL;
-- The fill in progress (one row at most): its token (a refresh started later takes the table
-- over, and the earlier one stops at its next step) and the id its run row will get.
CREATE TABLE analytics_refresh_fill (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  token      INTEGER NOT NULL,
  run_id     INTEGER NOT NULL,
  started_at INTEGER NOT NULL
);
)sql"},
};

void ensure_version_table(Connection& conn) {
  conn.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::span<const Migration> all_migrations() {
  return kMigrations;
}
int latest_schema_version() {
  return kMigrations[std::size(kMigrations) - 1].version;
}

int current_schema_version(Connection& conn) {
  Query exists(conn,
               "SELECT count(*) FROM sqlite_master WHERE type='table' AND "
               "name='schema_migrations'");
  exists.step();
  if (exists->get_int(0) == 0) return 0;
  Query q(conn, "SELECT coalesce(max(version), 0) FROM schema_migrations");
  q.step();
  return static_cast<int>(q->get_int(0));
}

std::vector<Migration> pending_migrations(Connection& conn) {
  return pending_migrations(conn, all_migrations());
}

std::vector<Migration> pending_migrations(Connection& conn, std::span<const Migration> migrations) {
  int current = current_schema_version(conn);
  int latest = migrations.empty() ? 0 : migrations.back().version;
  if (current > latest) {
    throw Error(ErrorCode::kConflict,
                "the database has schema version " + std::to_string(current) +
                    ", newer than this Rapport knows (" + std::to_string(latest) +
                    "); use a newer Rapport with this database",
                "db");
  }
  std::vector<Migration> out;
  for (const auto& m : migrations) {
    if (m.version > current) out.push_back(m);
  }
  return out;
}

std::vector<Migration> migrate(Connection& conn) {
  return migrate(conn, all_migrations());
}

std::vector<Migration> migrate(Connection& conn, std::span<const Migration> migrations) {
  // Under the write lock, so two processes starting at once cannot both apply a migration.
  Transaction tx(conn, true);
  auto todo = pending_migrations(conn, migrations);
  if (todo.empty()) {
    tx.commit();
    return todo;
  }
  ensure_version_table(conn);
  for (const auto& m : todo) {
    try {
      conn.exec(m.sql);
      execute(conn, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
              m.version, std::string(m.name), now_ms());
    } catch (const Error& e) {
      throw Error(ErrorCode::kInternal,
                  "migration " + std::to_string(m.version) + " (" + std::string(m.name) +
                      ") failed, nothing was changed: " + e.what(),
                  "db");
    }
  }
  tx.commit();
  return todo;
}

}  // namespace rapport::store
