-- A loyalty store for bench/loyalty: p.members members (customers 1..members) with a card each
-- and p.entries ledger entries each (alternately earn 100 and redeem 50 points, one a week),
-- with the running credits, debits and balance every entry carries. The first lots were earned
-- p.age_days ago; with 24-month (730-day) expiry, age_days = 730 + 7 x entries puts every lot
-- past due (the worst case for the daily expiry job). Expects a TEMP table p (members, entries, now_ms,
-- age_days) and a demo database with an admin. Generated without a journal and without fsync
-- (a bench fixture), then back to WAL as the server runs.
PRAGMA journal_mode = DELETE;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1000000;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n, p WHERE i < p.members)
INSERT INTO customers (id, name, created_at, updated_at)
  SELECT i, 'Member ' || i, 0, 0 FROM n;
INSERT INTO loyalty_members (customer_id, joined_at, tier, tier_since, tier_review_at, created_at, updated_at)
  SELECT id, p.now_ms - p.age_days * 86400000, 'member', p.now_ms - p.age_days * 86400000,
         p.now_ms + (id % 365) * 86400000, 0, 0
  FROM customers, p;
-- Card numbers: 8, the member id in 14 digits, and the Luhn check digit.
INSERT INTO loyalty_cards (customer_id, number, status, issued_at)
  SELECT id, payload || ((10 - (
      (SELECT sum(CASE WHEN (15 - k) % 2 = 0
                       THEN (2 * substr(payload, k, 1)) / 10 + (2 * substr(payload, k, 1)) % 10
                       ELSE substr(payload, k, 1) + 0 END)
       FROM (WITH RECURSIVE d(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM d WHERE k < 15) SELECT k FROM d))
    % 10)) % 10), 'active', 0
  FROM (SELECT id, '8' || printf('%014d', id) AS payload FROM customers);
COMMIT;
BEGIN;
WITH RECURSIVE e(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM e, p WHERE j + 1 < p.entries)
INSERT INTO loyalty_ledger (customer_id, at, kind, points, balance, credits_total, debits_total,
                            expires_at, reason, ref_type, created_at)
  SELECT c.id, p.now_ms - (p.age_days - 7 * e.j) * 86400000,
         CASE WHEN e.j % 2 = 0 THEN 'earn' ELSE 'redeem' END,
         CASE WHEN e.j % 2 = 0 THEN 100 ELSE -50 END,
         100 * (e.j / 2 + 1) - 50 * ((e.j + 1) / 2),
         100 * (e.j / 2 + 1), 50 * ((e.j + 1) / 2),
         CASE WHEN e.j % 2 = 0 THEN p.now_ms - (p.age_days - 7 * e.j - 730) * 86400000 END,
         'bench', 'order', 0
  FROM customers c, e, p ORDER BY c.id, e.j;
COMMIT;
ANALYZE;
PRAGMA journal_mode = WAL;
