-- Tickets for the benchmark, generated in SQL (the list and the sweep do not care how rows were
-- written). Parameters come from a temp table `p` (n, now_ms, open_share, due_share, customers,
-- agents, queues) that run.sh creates first. Deterministic: every value is a function of the row
-- number. Active tickets (new/open/waiting) get an SLA in force; `due_share` of them are past due
-- (sla_next_check before now), the others due within the next five days.
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < (SELECT n FROM p)),
rows AS (
  SELECT i,
    (SELECT now_ms FROM p) - (i * 37 % 63072000) * 1000 AS created,  -- within two years
    ((i * 2654435761) % 1000) / 1000.0 < (SELECT open_share FROM p) AS active,
    ((i * 40503) % 1000) / 1000.0 < (SELECT due_share FROM p) AS late,
    (i * 7919) % 4 AS t, (i * 104729) % 4 AS pr, (i * 31) % 8 AS ch
  FROM n)
INSERT INTO tickets (type, channel, customer_id, priority, subject, status, assignee_id, queue_id,
  first_response_rule, first_response_minutes, resolution_rule, resolution_minutes,
  pause_while_waiting, first_response_due, resolution_due, sunset_due, first_response_at,
  resolved_at, closed_at, breached, sla_next_check, created_by, created_at, updated_at)
SELECT
  CASE t WHEN 0 THEN 'complaint' WHEN 1 THEN 'inquiry' WHEN 2 THEN 'repair' ELSE 'return' END,
  CASE ch WHEN 0 THEN 'phone' WHEN 1 THEN 'email' WHEN 2 THEN 'web' WHEN 3 THEN 'chat'
          WHEN 4 THEN 'store' WHEN 5 THEN 'social' WHEN 6 THEN 'sms' ELSE 'visit' END,
  1 + i % (SELECT customers FROM p),
  CASE pr WHEN 0 THEN 'low' WHEN 1 THEN 'normal' WHEN 2 THEN 'high' ELSE 'urgent' END,
  'Bench ticket ' || i,
  CASE WHEN active THEN (CASE i % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'open' ELSE 'waiting' END)
       ELSE (CASE i % 5 WHEN 0 THEN 'resolved' ELSE 'closed' END) END,
  2 + i % (SELECT agents FROM p),
  1 + i % (SELECT queues FROM p),
  'minutes', 240, 'minutes', 2400, 0,
  CASE WHEN active AND late THEN (SELECT now_ms FROM p) - 1000 - i % 86400000
       WHEN active THEN (SELECT now_ms FROM p) + 60000 + i % 432000000
       ELSE created + 14400000 END,
  CASE WHEN active THEN (SELECT now_ms FROM p) + 864000000 ELSE created + 144000000 END,
  created + 28800000,
  CASE WHEN active THEN NULL ELSE created + 3600000 END,
  CASE WHEN active THEN NULL ELSE created + 86400000 END,
  CASE WHEN active OR i % 5 = 0 THEN NULL ELSE created + 90000000 END,
  0,
  CASE WHEN active AND late THEN (SELECT now_ms FROM p) - 1000 - i % 86400000
       WHEN active THEN (SELECT now_ms FROM p) + 60000 + i % 432000000 END,
  1, created, created
FROM rows;
COMMIT;
