#!/usr/bin/env bash
# Writes tests/fixtures/schema/vNNNN.sql: the current schema with sample rows, dumped as SQL.
# Run it when a schema version is released (the last migration will not change any more).
# Usage: scripts/schema-fixture.sh path/to/rapport
set -euo pipefail
bin=$(realpath "$1")
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
db=$tmp/f.db
"$bin" migrate --db "$db" >/dev/null
"$bin" user add --db "$db" --email fixture.admin@example.com --name "Fixture Admin" --role admin >/dev/null
"$bin" user add --db "$db" --email fixture.sales@example.com --name "Fixture Sales" --role sales >/dev/null
v=$(sqlite3 "$db" "SELECT max(version) FROM schema_migrations")
# Sample rows in every table that exists in this version (the INSERTs of later versions fail
# harmlessly on older ones).
sqlite3 "$db" <<'SQL' 2>/dev/null || true
INSERT INTO customers (id, name, email, email_norm, phone, city, country, created_at, updated_at)
  VALUES (1, '王小明', 'Wang@Example.cn', 'wang@example.cn', '+8613800138000', '上海', 'CN', 1, 1),
         (2, 'Ann Smith', 'ann@example.com', 'ann@example.com', '+14155550100', 'Austin', 'US', 1, 1);
INSERT INTO customer_tags VALUES (1, 'vip');
INSERT INTO categories (id, name) VALUES (1, 'Tea');
INSERT INTO products (id, sku, name, category_id, price_minor, currency, created_at, updated_at)
  VALUES (1, 'TEA-1', 'Green tea', 1, 1250, 'CNY', 1, 1);
INSERT INTO orders (id, customer_id, channel, placed_at, currency, subtotal_minor, total_minor, created_at)
  VALUES (1, 1, 'store', 1, 'CNY', 2500, 2500, 1);
INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_minor, total_minor)
  VALUES (1, 1, 1, 2, 1250, 2500);
INSERT INTO interactions (customer_id, at, kind, channel, created_at) VALUES (1, 1, 'order_placed', 'system', 1);
INSERT INTO analytics_runs (id, kind, status, as_of, parameters, results, customers, orders, rules, started_at, finished_at)
  VALUES (1, 'refresh', 'done', 86400000, '{"currency":"CNY"}', '{}', 1, 1, 1, 1, 2);
INSERT INTO customer_scores (customer_id, run_id, rfm_r, rfm_f, rfm_m, rfm_segment, abc_class, value_tier, customer_type,
    purchases, revenue_minor, first_purchase_at, last_purchase_at, p_alive, expected_transactions, horizon_months,
    expected_spend_minor, clv_minor, currency, computed_at)
  VALUES (1, 1, 5, 1, 5, 'new', 'A', 'platinum', 'one_time', 1, 2500, 0, 0, 1.0, 0.4, 12, 2400, 960, 'CNY', 2);
INSERT INTO basket_rules (id, run_id, antecedent, antecedent_size, consequent_product_id, support, coverage, confidence,
    lift, leverage, conviction, count, antecedent_count, consequent_count)
  VALUES (4294967297, 1, '1', 1, 1, 0.5, 0.5, 1.0, 1.0, 0.0, 9e999, 1, 1, 1);
INSERT INTO basket_rule_antecedents (product_id, rule_id) VALUES (1, 4294967297);
INSERT INTO ticket_queues (id, name, description, manager_id, created_at, updated_at)
  VALUES (1, '投诉', 'Complaints', 1, 1, 1);
INSERT INTO tickets (id, type, channel, customer_id, product_id, order_id, priority, subject, description,
    status, assignee_id, queue_id, first_response_rule, resolution_rule, resolution_minutes,
    pause_while_waiting, first_response_due, resolution_due, sunset_due, first_response_at,
    breached, sla_next_check, created_by, created_at, updated_at)
  VALUES (1, 'complaint', 'phone', 1, 1, 1, 'normal', '茶叶受潮', 'Damp tea', 'open', 2, 1, 'sunset',
    'minutes', 1440, 1, 36000000, 97200000, 36000000, 3600000, 0, 97200000, 2, 1000, 3600000);
INSERT INTO ticket_messages (ticket_id, kind, body, user_id, created_at)
  VALUES (1, 'reply', '抱歉，我们马上处理。', 2, 3600000), (1, 'note', 'Check the batch', 2, 3600001);
INSERT INTO notifications (user_id, kind, subject, ref_type, ref_id, created_at)
  VALUES (1, 'sla_breach', 'Ticket #1 breached its resolution target', 'ticket', 1, 97200000);
INSERT INTO loyalty_members (customer_id, joined_at, tier, tier_since, tier_review_at, created_at, updated_at)
  VALUES (1, 1, 'member', 1, 31536000000, 1, 1);
INSERT INTO loyalty_cards (customer_id, number, status, issued_at) VALUES (1, '8000123456789018', 'active', 1);
INSERT INTO loyalty_ledger (customer_id, at, kind, points, balance, credits_total, debits_total, expires_at, reason, ref_type, ref_id, created_at)
  VALUES (1, 1, 'earn', 25, 25, 25, 0, 63072000000, 'Order #1', 'order', 1, 1),
         (1, 2, 'redeem', -5, 20, 25, 5, NULL, '兑换积分', 'order', 1, 2);
INSERT INTO loyalty_order_lines (order_line_id, order_id, earned_points, redeemed_points, redeemed_minor)
  VALUES (1, 1, 25, 5, 5);
INSERT INTO order_requests (idempotency_key, order_id, created_at) VALUES ('till-1-0001', 1, 1);
INSERT INTO order_discounts (order_id, kind, amount_minor, points, reason) VALUES (1, 'points', 5, 5, 'Redeemed 5 loyalty points');
INSERT INTO customer_notices (customer_id, kind, subject, points, due_at, created_at)
  VALUES (1, 'points_expiring', '20 loyalty points expire by 1972-01-01', 20, 63072000000, 3);
INSERT INTO job_state (name, value) VALUES ('loyalty_expiry_until', 3);
INSERT INTO promotions (id, name, scope, category_id, percent_off, points_multiplier_pct, stackable, starts_at, ends_at, created_at, updated_at)
  VALUES (1, '茶叶周', 'category', 1, 15, 200, 0, 0, 86400000, 0, 0);
INSERT INTO coupons (id, code, customer_id, amount_off_minor, min_spend_minor, max_uses, max_uses_per_customer, uses, starts_at, ends_at, created_at)
  VALUES (1, 'WELCOME-1', 1, 500, 2000, 1, 1, 1, 0, 86400000, 0);
INSERT INTO coupon_redemptions (coupon_id, order_id, customer_id, amount_minor, at) VALUES (1, 1, 1, 500, 1);
INSERT INTO reviews (id, product_id, customer_id, rating, title, body, channel, verified_purchase,
    helpful_count, created_by, created_at, updated_at)
  VALUES (1, 1, 1, 5, '好茶', '<script>alert(1)</script> stored as text', 'web', 1, 1, 2, 1000, 1000);
INSERT INTO review_votes (review_id, customer_id, created_by, created_at) VALUES (1, 2, 2, 2000);
INSERT INTO product_ratings (product_id, stars_5, updated_at) VALUES (1, 1, 1000);
INSERT INTO survey_invitations (id, kind, customer_id, source, ticket_id, channel, created_at, responded_at)
  VALUES (1, 'csat', 1, 'ticket_resolved', 1, 'phone', 1000, 2000);
INSERT INTO survey_responses (invitation_id, kind, customer_id, score, comment, channel, responded_at)
  VALUES (1, 'csat', 1, 4, '很满意', 'phone', 2000);
INSERT INTO kb_categories (id, name, created_at, updated_at) VALUES (1, '退货 Returns', 1, 1);
INSERT INTO kb_articles (id, category_id, title, body, language, status, published_at, solved_count,
    created_by, created_at, updated_at)
  VALUES (1, 1, '退货政策', '收到商品七天内可以**无理由退货**。', 'zh', 'published', 1, 1, 1, 1, 1);
INSERT INTO kb_articles_fts (rowid, title, body, chars, tags)
  VALUES (1, ' 退货 货政 政策 策 ', ' 收到 到商 商品 品七 七天 天内 内可 可以 以 ',
    '退 货 政 策 收 到 商 品 七 天 内 可 以', 'published c1');
INSERT INTO ticket_articles (ticket_id, article_id, linked_by, linked_at) VALUES (1, 1, 2, 3000);
SQL
out=tests/fixtures/schema/$(printf 'v%04d.sql' "$v")
{
  echo "-- Schema version $v with sample rows. Released schemas are never edited."
  sqlite3 "$db" .dump
} > "$out"
echo "wrote $out"
