#!/usr/bin/env python3
"""Fills a migrated Rapport database with N customers (default 1M; names half Chinese, half
Latin, emails, E.164 phones, cities, birth dates, tags), optionally orders with lines, and
prints EXPLAIN QUERY PLAN and timings of the list/search and 360 queries that
app/customer_service.cpp runs.

Usage: bench/customers/gen.py DB [N] [ORDERS_PER_CUSTOMER]
The database must exist and be migrated (`rapport migrate --db DB`)."""
import random
import sqlite3
import sys
import time

db, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
orders_per = float(sys.argv[3]) if len(sys.argv) > 3 else 0
rnd = random.Random(42)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "芳伟娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲兰凤梅琳丹云飞鹏斌宇浩凯健俊帆帅旭宁婷雪荣欣晨阳佳"
FIRST = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William",
         "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
         "Charles", "Karen", "Wanda", "Anna", "Élodie", "Zoë", "Lukas", "Sofia", "Mateo", "Emma",
         "Noah", "Olivia", "Liam", "Ava", "Lucas", "Mia", "Hugo", "Chloé", "Léa", "Jonas", "Nina"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
        "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
        "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
        "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
        "Müller", "Schmidt", "Dubois", "Lefèvre", "Rossi", "Wang", "Nguyen", "Kowalski", "Novak"]
CITIES = ["Shanghai", "Beijing", "Shenzhen", "London", "Paris", "Lyon", "Berlin", "New York",
          "上海", "北京", "广州", "成都", "Zürich", "Madrid"]

conn = sqlite3.connect(db)
conn.execute("PRAGMA synchronous=OFF")
conn.execute("PRAGMA journal_mode=WAL")
have = conn.execute("SELECT count(*) FROM customers").fetchone()[0]
if have < n:
    t0 = time.time()
    now = int(time.time() * 1000)
    rows = []
    for i in range(have, n):
        if i % 2 == 0:
            name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))
        else:
            name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
        email = f"user{i}@example.com" if rnd.random() < 0.8 else None
        phone = f"+86138{i:08d}" if rnd.random() < 0.7 else None
        bd = f"{rnd.randint(1940, 2008)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        created = now - rnd.randint(0, 3 * 365 * 86400 * 1000)
        rows.append(("person", name, email, email, phone, bd, rnd.choice(CITIES), "CN",
                     int(rnd.random() < 0.4), int(rnd.random() < 0.3), created, created))
        if len(rows) == 50_000:
            conn.executemany(
                "INSERT INTO customers (kind, name, email, email_norm, phone, birth_date, city, "
                "country, email_consent, sms_consent, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            conn.commit()
            rows = []
            print(f"  {i + 1} customers, {time.time() - t0:.0f} s", file=sys.stderr)
    if rows:
        conn.executemany(
            "INSERT INTO customers (kind, name, email, email_norm, phone, birth_date, city, "
            "country, email_consent, sms_consent, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        conn.commit()
    conn.executemany("INSERT OR IGNORE INTO customer_tags (customer_id, tag) VALUES (?, ?)",
                     ((cid, "vip") for cid in range(1, n + 1, 10)))
    conn.commit()
    print(f"customers: {n} in {time.time() - t0:.0f} s", file=sys.stderr)

if orders_per > 0 and conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 0:
    t0 = time.time()
    conn.execute("INSERT INTO products (sku, name, price_minor, currency, created_at, updated_at) "
                 "VALUES ('SKU1', 'Thing', 1000, 'USD', 0, 0)")
    now = int(time.time() * 1000)
    oid = 0
    orders, lines = [], []
    for cid in range(1, n + 1):
        for _ in range(int(orders_per) + (1 if rnd.random() < orders_per % 1 else 0)):
            oid += 1
            k = rnd.randint(1, 6)
            at = now - rnd.randint(0, 2 * 365 * 86400 * 1000)
            orders.append((oid, cid, at, 1000 * k, 1000 * k, at))
            lines.extend((oid, j + 1, 1000, 1000) for j in range(k))
        if len(lines) > 200_000:
            conn.executemany("INSERT INTO orders (id, customer_id, kind, channel, placed_at, currency, "
                             "subtotal_minor, total_minor, created_at) VALUES (?,?,'sale','store',?,'USD',?,?,?)", orders)
            conn.executemany("INSERT INTO order_lines (order_id, line_no, product_id, quantity, "
                             "unit_price_minor, total_minor) VALUES (?,?,1,1,?,?)", lines)
            conn.commit()
            orders, lines = [], []
    conn.executemany("INSERT INTO orders (id, customer_id, kind, channel, placed_at, currency, "
                     "subtotal_minor, total_minor, created_at) VALUES (?,?,'sale','store',?,'USD',?,?,?)", orders)
    conn.executemany("INSERT INTO order_lines (order_id, line_no, product_id, quantity, "
                     "unit_price_minor, total_minor) VALUES (?,?,1,1,?,?)", lines)
    conn.commit()
    print(f"orders: {oid}, lines: {conn.execute('SELECT count(*) FROM order_lines').fetchone()[0]} "
          f"in {time.time() - t0:.0f} s", file=sys.stderr)

COLS = "c.id, c.name, c.email, c.phone"
LIVE = "c.deleted_at IS NULL AND c.merged_into IS NULL"
FTS = "customers_fts f CROSS JOIN customers c ON c.id = f.rowid"
queries = {
    "trigram 'wan' by id": (f"SELECT {COLS} FROM {FTS} WHERE customers_fts MATCH ? AND {LIVE} ORDER BY f.rowid LIMIT 51", ('"wan"',)),
    "trigram 'smi' by id desc": (f"SELECT {COLS} FROM {FTS} WHERE customers_fts MATCH ? AND {LIVE} ORDER BY f.rowid DESC LIMIT 51", ('"smi"',)),
    "trigram '王小芳' by id": (f"SELECT {COLS} FROM {FTS} WHERE customers_fts MATCH ? AND {LIVE} ORDER BY f.rowid LIMIT 51", ('"王小芳"',)),
    "trigram '李芳' 3 chars '李芳芳'": (f"SELECT {COLS} FROM {FTS} WHERE customers_fts MATCH ? AND {LIVE} ORDER BY f.rowid LIMIT 51", ('"李芳芳"',)),
    "trigram 'wan' next page": (f"SELECT {COLS} FROM {FTS} WHERE customers_fts MATCH ? AND {LIVE} AND f.rowid > ? ORDER BY f.rowid LIMIT 51", ('"wan"', 500000)),
    "trigram phone '1380012'": (f"SELECT {COLS} FROM {FTS} WHERE customers_fts MATCH ? AND {LIVE} ORDER BY f.rowid LIMIT 51", ('"1380012"',)),
    "trigram 'wan' by name (all matches sorted)": (f"SELECT {COLS} FROM {FTS} WHERE customers_fts MATCH ? AND {LIVE} ORDER BY lower(c.name), c.id LIMIT 51", ('"wan"',)),
    "prefix '王' (1 char) by name": (f"SELECT {COLS} FROM customers c WHERE lower(c.name) >= ? AND lower(c.name) < ? AND {LIVE} ORDER BY lower(c.name), c.id LIMIT 51", ("王", "王"[:-1] + chr(ord("王") + 1))),
    "prefix '王芳' (2 chars) by name": (f"SELECT {COLS} FROM customers c WHERE lower(c.name) >= ? AND lower(c.name) < ? AND {LIVE} ORDER BY lower(c.name), c.id LIMIT 51", ("王芳", "王" + chr(ord("芳") + 1))),
    "prefix 'wa' (2 chars) by name": (f"SELECT {COLS} FROM customers c WHERE lower(c.name) >= ? AND lower(c.name) < ? AND {LIVE} ORDER BY lower(c.name), c.id LIMIT 51", ("wa", "wb")),
    "list by name, page after a key": (f"SELECT {COLS} FROM customers c WHERE {LIVE} AND lower(c.name) >= ? AND (lower(c.name) > ? OR c.id > ?) ORDER BY lower(c.name), c.id LIMIT 51", ("m", "m", 0)),
    "list by updated_at desc": (f"SELECT {COLS} FROM customers c WHERE {LIVE} ORDER BY c.updated_at DESC, c.id DESC LIMIT 51", ()),
    "list city=Lyon by id": (f"SELECT {COLS} FROM customers c WHERE {LIVE} AND c.city = ? ORDER BY c.id LIMIT 51", ("Lyon",)),
    "list tag=vip by id": (f"SELECT {COLS} FROM customers c WHERE {LIVE} AND EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = c.id AND t.tag = ?) ORDER BY c.id LIMIT 51", ("vip",)),
    "list age 25-34 by id": (f"SELECT {COLS} FROM customers c WHERE {LIVE} AND c.birth_date > ? AND c.birth_date <= ? ORDER BY c.id LIMIT 51", ("1991-11-23", "2001-11-23")),
    "duplicate check email": ("SELECT id FROM customers WHERE email_norm = ? AND deleted_at IS NULL AND merged_into IS NULL AND id <> ?", ("user77@example.com", 0)),
    "360 figures": ("SELECT currency, count(*), sum(total_minor), min(placed_at), max(placed_at) FROM orders WHERE customer_id = ? AND kind = 'sale' GROUP BY currency ORDER BY currency", (4242,)),
    "360 latest orders": ("SELECT o.id, o.kind, o.placed_at, o.currency, o.total_minor, (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) FROM orders o WHERE o.customer_id = ? ORDER BY o.placed_at DESC, o.id DESC LIMIT 5", (4242,)),
    "360 timeline": ("SELECT id, at FROM interactions WHERE customer_id = ? ORDER BY at DESC, id DESC LIMIT 10", (4242,)),
}
for label, (sql, args) in queries.items():
    plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, args)]
    times = []
    for _ in range(50):
        t = time.perf_counter()
        rows = conn.execute(sql, args).fetchall()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"{label}: rows={len(rows)} median={times[25]:.2f} ms p98={times[48]:.2f} ms max={times[-1]:.2f} ms")
    for p in plan:
        print(f"    {p}")
