// Who may call what: the route x role table, held here so that a change of access shows as a
// diff in review. The table must match `rapport routes` (a new or changed route fails this test
// until the table is updated), and all of it is exercised against a running server: a forbidden
// call gets 403 and writes nothing; an allowed call is not refused.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, routes, sqlite } from "./lib.mjs";

const ROLES = ["admin", "manager", "sales", "service", "analyst"];
const ALL = ROLES;
const PUBLIC = "public";
// Every department changes the customer database except analysts.
const WRITERS = ["admin", "manager", "sales", "service"];
// Customer service: service agents, managers and admins work tickets, sales see them, analysts
// read the reports; managers and admins set up queues and SLA policies.
const TICKET_READERS = ["admin", "manager", "sales", "service"];
const TICKET_WRITERS = ["admin", "manager", "service"];
const SERVICE_SETUP = ["admin", "manager"];
// Customer feedback: everyone reads reviews, survey results and published articles; whoever
// deals with customers records reviews, votes and survey answers for them (not analysts);
// service, managers and admins moderate reviews and write the knowledge base (and see drafts).
const FEEDBACK_STAFF = ["admin", "manager", "service"];

// route key -> roles allowed, or PUBLIC (no token needed).
const TABLE = {
  "GET /healthz": PUBLIC,
  "GET /metrics": PUBLIC,
  "GET /api/v1/openapi.json": PUBLIC,
  "POST /api/v1/sessions": PUBLIC,
  "DELETE /api/v1/sessions/current": ALL,
  "GET /api/v1/me": ALL,
  "GET /api/v1/users": ["admin", "manager"],
  "POST /api/v1/users": ["admin"],
  "GET /api/v1/users/{id}": ["admin", "manager"],
  "PATCH /api/v1/users/{id}": ["admin"],
  "POST /api/v1/users/{id}/password": ["admin"],
  "GET /api/v1/tokens": ["admin"],
  "POST /api/v1/tokens": ["admin"],
  "DELETE /api/v1/tokens/{id}": ["admin"],
  "GET /api/v1/audit": ["admin", "manager"],
  "POST /api/v1/analytics/refresh": ["admin", "manager", "analyst"],
  "GET /api/v1/dashboard": ALL,
  "GET /api/v1/analytics/runs/latest": ALL,
  "GET /api/v1/analytics/clv": ALL,
  "GET /api/v1/analytics/clv/top": ALL,
  "GET /api/v1/analytics/rfm": ALL,
  "GET /api/v1/analytics/pareto": ALL,
  "GET /api/v1/analytics/types": ALL,
  "GET /api/v1/analytics/basket/rules": ALL,
  "GET /api/v1/products/{sku}/bought-together": ALL,
  "GET /api/v1/customers/{id}/recommendations": ALL,
  "GET /api/v1/customers/{id}/scores": ALL,
  "GET /api/v1/categories": ALL,
  "POST /api/v1/categories": ["admin", "manager"],
  "GET /api/v1/categories/{id}": ALL,
  "PATCH /api/v1/categories/{id}": ["admin", "manager"],
  "GET /api/v1/products": ALL,
  "POST /api/v1/products": ["admin", "manager"],
  "POST /api/v1/products/bulk": ["admin", "manager"],
  "GET /api/v1/products/by-sku/{sku}": ALL,
  "GET /api/v1/products/{id}": ALL,
  "PATCH /api/v1/products/{id}": ["admin", "manager"],
  "DELETE /api/v1/products/{id}": ["admin", "manager"],
  "POST /api/v1/products/{id}/restore": ["admin", "manager"],
  "GET /api/v1/orders": ALL,
  "POST /api/v1/orders": ["admin", "manager", "sales", "service"],
  "POST /api/v1/orders/bulk": ["admin", "manager"],
  "GET /api/v1/orders/{id}": ALL,
  "GET /api/v1/orders/{id}/returns": ALL,
  "POST /api/v1/orders/{id}/returns": ["admin", "manager", "sales", "service"],
  "GET /api/v1/returns/{id}": ALL,
  "GET /api/v1/customers/{id}/orders": ALL,
  "GET /api/v1/customers/{id}/returns": ALL,
  "GET /api/v1/settings": ALL,
  "PUT /api/v1/settings/{key}": ["admin"],
  "GET /api/v1/customers": ALL,
  "POST /api/v1/customers": WRITERS,
  "POST /api/v1/customers/bulk": ["admin", "manager"],
  "GET /api/v1/customers/{id}": ALL,
  "PATCH /api/v1/customers/{id}": WRITERS,
  "DELETE /api/v1/customers/{id}": ["admin", "manager"],
  "POST /api/v1/customers/{id}/restore": ["admin", "manager"],
  "POST /api/v1/customers/{id}/merge": ["admin", "manager"],
  "GET /api/v1/customers/{id}/360": ALL,
  "GET /api/v1/customers/{id}/timeline": ALL,
  "POST /api/v1/customers/{id}/interactions": WRITERS,
  "GET /api/v1/customers/{id}/contacts": ALL,
  "POST /api/v1/imports/{kind}": ["admin", "manager"],
  "GET /api/v1/imports/{id}": ["admin", "manager"],
  "GET /api/v1/exports/customers.csv": ["admin", "manager", "analyst"],
  "GET /api/v1/notifications": ALL,
  "POST /api/v1/tickets": TICKET_WRITERS,
  "GET /api/v1/tickets": TICKET_READERS,
  "GET /api/v1/tickets/reports": ["admin", "manager", "service", "analyst"],
  "GET /api/v1/tickets/{id}": TICKET_READERS,
  "PATCH /api/v1/tickets/{id}": TICKET_WRITERS,
  "POST /api/v1/tickets/{id}/status": TICKET_WRITERS,
  "GET /api/v1/tickets/{id}/messages": TICKET_READERS,
  "POST /api/v1/tickets/{id}/messages": TICKET_WRITERS,
  "GET /api/v1/queues": TICKET_READERS,
  "POST /api/v1/queues": SERVICE_SETUP,
  "GET /api/v1/queues/{id}": TICKET_READERS,
  "PATCH /api/v1/queues/{id}": SERVICE_SETUP,
  "DELETE /api/v1/queues/{id}": SERVICE_SETUP,
  "GET /api/v1/sla-policies": TICKET_READERS,
  "POST /api/v1/sla-policies": SERVICE_SETUP,
  "GET /api/v1/sla-policies/{id}": TICKET_READERS,
  "PATCH /api/v1/sla-policies/{id}": SERVICE_SETUP,
  "DELETE /api/v1/sla-policies/{id}": SERVICE_SETUP,
  "POST /api/v1/loyalty/members": WRITERS,
  "GET /api/v1/loyalty/members/{id}": ALL,
  "GET /api/v1/loyalty/members/{id}/ledger": ALL,
  "POST /api/v1/loyalty/members/{id}/card": WRITERS,
  "POST /api/v1/loyalty/members/{id}/adjustments": ["admin", "manager"],
  "GET /api/v1/loyalty/cards/{number}": ALL,
  "GET /api/v1/loyalty/tiers": ALL,
  "POST /api/v1/promotions": ["admin", "manager"],
  "GET /api/v1/promotions": ALL,
  "GET /api/v1/promotions/{id}": ALL,
  "DELETE /api/v1/promotions/{id}": ["admin", "manager"],
  "POST /api/v1/coupons": ["admin", "manager"],
  "GET /api/v1/coupons": ALL,
  "GET /api/v1/coupons/{code}": ALL,
  "POST /api/v1/reviews": WRITERS,
  "GET /api/v1/reviews/{id}": ALL,
  "POST /api/v1/reviews/{id}/hide": FEEDBACK_STAFF,
  "POST /api/v1/reviews/{id}/unhide": FEEDBACK_STAFF,
  "POST /api/v1/reviews/{id}/votes": WRITERS,
  "GET /api/v1/products/{id}/reviews": ALL,
  "GET /api/v1/products/{id}/rating": ALL,
  "GET /api/v1/customers/{id}/reviews": ALL,
  "POST /api/v1/surveys/invitations": WRITERS,
  "GET /api/v1/surveys/invitations": ALL,
  "GET /api/v1/surveys/invitations/{id}": ALL,
  "POST /api/v1/surveys/invitations/{id}/response": WRITERS,
  "GET /api/v1/surveys/responses": ALL,
  "GET /api/v1/surveys/reports": ALL,
  "GET /api/v1/kb/categories": ALL,
  "POST /api/v1/kb/categories": FEEDBACK_STAFF,
  "PATCH /api/v1/kb/categories/{id}": FEEDBACK_STAFF,
  "GET /api/v1/kb/articles": ALL,
  "POST /api/v1/kb/articles": FEEDBACK_STAFF,
  "GET /api/v1/kb/articles/{id}": ALL,
  "PATCH /api/v1/kb/articles/{id}": FEEDBACK_STAFF,
  "GET /api/v1/tickets/{id}/articles": TICKET_READERS,
  "POST /api/v1/tickets/{id}/articles": TICKET_WRITERS,
  "DELETE /api/v1/tickets/{id}/articles/{article_id}": TICKET_WRITERS,
};

let s;
let adminToken;
let users;   // role -> {id, email, password, token}
let victim;  // a user the write routes act on
let apiTokenId;
let importId;
let table;
// A customer and a product the analytics routes read (written with SQL: no route is needed).
const analyticsCustomer = 900001;
let shop;  // catalogue and order fixtures: {category, product, order, ret, customer, doomed, deleted}
let seq = 0;
let customer;   // the customer the write routes act on
let perRole;    // role -> {del, restore, other}: fresh customers for delete, restore and merge
let loyal;      // loyalty fixtures: {member, card, cardMember}
let fb;         // feedback fixtures: {review, invitation, category, article, perRole: role -> {...}}
let desk;       // service fixtures: {ticket, queue, policy, perRole: role -> {ticket, queue, pair, doomedPolicy}}

// A plausible request for each route, and the status it gets when allowed.
function plausible(key, role) {
  seq += 1;
  switch (key) {
    case "GET /healthz":
    case "GET /metrics":
    case "GET /api/v1/openapi.json":
    case "GET /api/v1/me":
    case "GET /api/v1/users":
    case "GET /api/v1/tokens":
    case "GET /api/v1/audit":
    case "GET /api/v1/dashboard":
    case "GET /api/v1/analytics/runs/latest":
    case "GET /api/v1/analytics/clv":
    case "GET /api/v1/analytics/clv/top":
    case "GET /api/v1/analytics/rfm":
    case "GET /api/v1/analytics/pareto":
    case "GET /api/v1/analytics/types":
    case "GET /api/v1/analytics/basket/rules":
      return { method: key.split(" ")[0], path: key.split(" ")[1], ok: 200 };
    case "POST /api/v1/analytics/refresh":
      return { method: "POST", path: "/api/v1/analytics/refresh", ok: 200, json: {} };
    case "GET /api/v1/products/{sku}/bought-together":
      return { method: "GET", path: "/api/v1/products/PERM-1/bought-together", ok: 200 };
    case "GET /api/v1/customers/{id}/recommendations":
      return { method: "GET", path: `/api/v1/customers/${analyticsCustomer}/recommendations`, ok: 200 };
    case "GET /api/v1/customers/{id}/scores":
      return { method: "GET", path: `/api/v1/customers/${analyticsCustomer}/scores`, ok: 200 };
    case "POST /api/v1/sessions":
      return { method: "POST", path: "/api/v1/sessions", ok: 201,
        json: { email: users[role].email, password: users[role].password } };
    case "DELETE /api/v1/sessions/current":
      return { method: "DELETE", path: "/api/v1/sessions/current", ok: 204 };
    case "POST /api/v1/users":
      return { method: "POST", path: "/api/v1/users", ok: 201,
        json: { email: `new-${role}-${seq}@example.com`, name: "New User", role: "sales",
          password: "a long enough password" } };
    case "GET /api/v1/users/{id}":
      return { method: "GET", path: `/api/v1/users/${victim.id}`, ok: 200 };
    case "PATCH /api/v1/users/{id}":
      return { method: "PATCH", path: `/api/v1/users/${victim.id}`, ok: 200,
        json: { name: `Renamed by ${role}` } };
    case "POST /api/v1/users/{id}/password":
      return { method: "POST", path: `/api/v1/users/${victim.id}/password`, ok: 200,
        json: { password: "another long password" } };
    case "POST /api/v1/tokens":
      return { method: "POST", path: "/api/v1/tokens", ok: 201,
        json: { name: `integration ${seq}`, user_id: victim.id } };
    case "POST /api/v1/imports/{kind}":
      return { method: "POST", path: "/api/v1/imports/transactions", ok: 201,
        body: `customer_id,date,amount\nP${seq},2024-01-02,10.00\n`,
        headers: { "Content-Type": "text/csv" } };
    case "GET /api/v1/imports/{id}":
      return { method: "GET", path: `/api/v1/imports/${importId}`, ok: 200 };
    case "GET /api/v1/exports/customers.csv":
      return { method: "GET", path: "/api/v1/exports/customers.csv", ok: 200 };
    case "DELETE /api/v1/tokens/{id}":
      return { method: "DELETE", path: `/api/v1/tokens/${apiTokenId}`, ok: 200 };
    case "GET /api/v1/categories":
    case "GET /api/v1/products":
    case "GET /api/v1/orders":
    case "GET /api/v1/settings":
      return { method: "GET", path: key.split(" ")[1], ok: 200 };
    case "POST /api/v1/categories":
      return { method: "POST", path: "/api/v1/categories", ok: 201,
        json: { name: `Category ${role} ${seq}`, parent_id: shop.category.id } };
    case "GET /api/v1/categories/{id}":
      return { method: "GET", path: `/api/v1/categories/${shop.category.id}`, ok: 200 };
    case "PATCH /api/v1/categories/{id}":
      return { method: "PATCH", path: `/api/v1/categories/${shop.category.id}`, ok: 200,
        json: { name: `Renamed ${role} ${seq}` } };
    case "POST /api/v1/products":
      return { method: "POST", path: "/api/v1/products", ok: 201,
        json: { sku: `PERM-${role}-${seq}`, name: "Permission test", price_minor: 100,
          currency: "USD" } };
    case "POST /api/v1/products/bulk":
      return { method: "POST", path: "/api/v1/products/bulk", ok: 200,
        json: { items: [{ sku: `BULK-${role}-${seq}`, name: "Bulk", price_minor: 1,
          currency: "USD" }] } };
    case "GET /api/v1/products/by-sku/{sku}":
      return { method: "GET", path: `/api/v1/products/by-sku/${shop.product.sku}`, ok: 200 };
    case "GET /api/v1/products/{id}":
      return { method: "GET", path: `/api/v1/products/${shop.product.id}`, ok: 200 };
    case "PATCH /api/v1/products/{id}":
      return { method: "PATCH", path: `/api/v1/products/${shop.product.id}`, ok: 200,
        json: { name: `Renamed by ${role}` } };
    case "DELETE /api/v1/products/{id}":
      return { method: "DELETE", path: `/api/v1/products/${shop.doomed[role].id}`, ok: 200 };
    case "POST /api/v1/products/{id}/restore":
      return { method: "POST", path: `/api/v1/products/${shop.deleted[role].id}/restore`, ok: 200 };
    case "POST /api/v1/orders":
      return { method: "POST", path: "/api/v1/orders", ok: 201,
        json: { customer_id: shop.customer, lines: [{ product_id: shop.product.id, quantity: 1 }] } };
    case "POST /api/v1/orders/bulk":
      return { method: "POST", path: "/api/v1/orders/bulk", ok: 201,
        json: { items: [{ lines: [{ sku: shop.product.sku, quantity: 2 }] }] } };
    case "GET /api/v1/orders/{id}":
      return { method: "GET", path: `/api/v1/orders/${shop.order.id}`, ok: 200 };
    case "GET /api/v1/orders/{id}/returns":
      return { method: "GET", path: `/api/v1/orders/${shop.order.id}/returns`, ok: 200 };
    case "POST /api/v1/orders/{id}/returns":
      return { method: "POST", path: `/api/v1/orders/${shop.order.id}/returns`, ok: 201,
        json: { reason: `by ${role}`, lines: [{ order_line_id: shop.order.lines[0].id, quantity: 1 }] } };
    case "GET /api/v1/returns/{id}":
      return { method: "GET", path: `/api/v1/returns/${shop.ret.id}`, ok: 200 };
    case "GET /api/v1/customers/{id}/orders":
      return { method: "GET", path: `/api/v1/customers/${shop.customer}/orders`, ok: 200 };
    case "GET /api/v1/customers/{id}/returns":
      return { method: "GET", path: `/api/v1/customers/${shop.customer}/returns`, ok: 200 };
    case "PUT /api/v1/settings/{key}":
      return { method: "PUT", path: "/api/v1/settings/return_window_days", ok: 200,
        json: { value: 30 } };
    case "GET /api/v1/customers":
      return { method: "GET", path: "/api/v1/customers?q=Permission&sort=-name", ok: 200 };
    case "POST /api/v1/customers":
      return { method: "POST", path: "/api/v1/customers", ok: 201,
        json: { name: `Created by ${role} ${seq}`, email: `c-${role}-${seq}@example.com` } };
    case "POST /api/v1/customers/bulk":
      return { method: "POST", path: "/api/v1/customers/bulk", ok: 200,
        json: { mode: "upsert", customers: [{ name: `Bulk ${role} ${seq}` }] } };
    case "GET /api/v1/customers/{id}":
    case "GET /api/v1/customers/{id}/360":
    case "GET /api/v1/customers/{id}/timeline":
    case "GET /api/v1/customers/{id}/contacts":
      return { method: "GET", path: key.split(" ")[1].replace("{id}", customer.id), ok: 200 };
    case "PATCH /api/v1/customers/{id}":
      return { method: "PATCH", path: `/api/v1/customers/${customer.id}`, ok: 200,
        json: { city: `City of ${role}` } };
    case "DELETE /api/v1/customers/{id}":
      return { method: "DELETE", path: `/api/v1/customers/${perRole[role].del}`, ok: 200 };
    case "POST /api/v1/customers/{id}/restore":
      return { method: "POST", path: `/api/v1/customers/${perRole[role].restore}/restore`,
        ok: 200 };
    case "POST /api/v1/customers/{id}/merge":
      return { method: "POST", path: `/api/v1/customers/${customer.id}/merge`, ok: 200,
        json: { other_id: perRole[role].other } };
    case "POST /api/v1/customers/{id}/interactions":
      return { method: "POST", path: `/api/v1/customers/${customer.id}/interactions`, ok: 201,
        json: { channel: "phone", direction: "outbound", subject: `Call by ${role}` } };
    case "POST /api/v1/tickets":
      return { method: "POST", path: "/api/v1/tickets", ok: 201,
        json: { type: "inquiry", channel: "phone", customer_id: customer.id, subject: `By ${role}` } };
    case "GET /api/v1/tickets":
      return { method: "GET", path: "/api/v1/tickets?mine=true&status=new", ok: 200 };
    case "GET /api/v1/tickets/reports":
      return { method: "GET", path: "/api/v1/tickets/reports?group_by=agent", ok: 200 };
    case "GET /api/v1/tickets/{id}":
    case "GET /api/v1/tickets/{id}/messages":
      return { method: "GET", path: key.split(" ")[1].replace("{id}", desk.ticket.id), ok: 200 };
    case "PATCH /api/v1/tickets/{id}":
      return { method: "PATCH", path: `/api/v1/tickets/${desk.ticket.id}`, ok: 200,
        json: { subject: `Edited by ${role}` } };
    case "POST /api/v1/tickets/{id}/status":
      return { method: "POST", path: `/api/v1/tickets/${desk.perRole[role].ticket.id}/status`,
        ok: 200, json: { status: "open" } };
    case "POST /api/v1/tickets/{id}/messages":
      return { method: "POST", path: `/api/v1/tickets/${desk.ticket.id}/messages`, ok: 201,
        json: { kind: "note", body: `Note by ${role}` } };
    case "GET /api/v1/queues":
    case "GET /api/v1/sla-policies":
    case "GET /api/v1/notifications":
      return { method: "GET", path: key.split(" ")[1], ok: 200 };
    case "POST /api/v1/queues":
      return { method: "POST", path: "/api/v1/queues", ok: 201,
        json: { name: `Queue of ${role} ${seq}`, manager_id: users.manager.id } };
    case "GET /api/v1/queues/{id}":
      return { method: "GET", path: `/api/v1/queues/${desk.queue.id}`, ok: 200 };
    case "PATCH /api/v1/queues/{id}":
      return { method: "PATCH", path: `/api/v1/queues/${desk.queue.id}`, ok: 200,
        json: { description: `Changed by ${role}` } };
    case "DELETE /api/v1/queues/{id}":
      return { method: "DELETE", path: `/api/v1/queues/${desk.perRole[role].queue.id}`, ok: 204 };
    case "POST /api/v1/sla-policies":
      return { method: "POST", path: "/api/v1/sla-policies", ok: 201,
        json: { ...desk.perRole[role].pair, first_response: { rule: "sunset", minutes: null },
          resolution: { rule: "minutes", minutes: 600 } } };
    case "GET /api/v1/sla-policies/{id}":
      return { method: "GET", path: `/api/v1/sla-policies/${desk.policy}`, ok: 200 };
    case "PATCH /api/v1/sla-policies/{id}":
      return { method: "PATCH", path: `/api/v1/sla-policies/${desk.policy}`, ok: 200,
        json: { pause_while_waiting: role !== "admin" } };
    case "DELETE /api/v1/sla-policies/{id}":
      return { method: "DELETE", path: `/api/v1/sla-policies/${desk.perRole[role].doomedPolicy}`,
        ok: 204 };
    case "POST /api/v1/loyalty/members":
      return { method: "POST", path: "/api/v1/loyalty/members", ok: 201,
        json: { customer_id: perRole[role].enrolee } };
    case "GET /api/v1/loyalty/members/{id}":
    case "GET /api/v1/loyalty/members/{id}/ledger":
      return { method: "GET", path: key.split(" ")[1].replace("{id}", loyal.member), ok: 200 };
    case "POST /api/v1/loyalty/members/{id}/card":
      return { method: "POST", path: `/api/v1/loyalty/members/${loyal.cardMember}/card`, ok: 200,
        json: { reason: `lost, told ${role}` } };
    case "POST /api/v1/loyalty/members/{id}/adjustments":
      return { method: "POST", path: `/api/v1/loyalty/members/${loyal.member}/adjustments`,
        ok: 201, json: { points: 5, reason: `goodwill by ${role}` } };
    case "GET /api/v1/loyalty/cards/{number}":
      return { method: "GET", path: `/api/v1/loyalty/cards/${loyal.card}`, ok: 200 };
    case "GET /api/v1/loyalty/tiers":
      return { method: "GET", path: "/api/v1/loyalty/tiers", ok: 200 };
    case "POST /api/v1/promotions":
      return { method: "POST", path: "/api/v1/promotions", ok: 201,
        json: { name: `By ${role}`, scope: "basket", percent_off: 1,
          starts_at: "2030-01-01T00:00:00Z", ends_at: "2030-01-02T00:00:00Z" } };
    case "GET /api/v1/promotions":
      return { method: "GET", path: "/api/v1/promotions?limit=5", ok: 200 };
    case "GET /api/v1/promotions/{id}":
      return { method: "GET", path: `/api/v1/promotions/${loyal.promotion}`, ok: 200 };
    case "DELETE /api/v1/promotions/{id}":
      return { method: "DELETE", path: `/api/v1/promotions/${loyal.promotion}`, ok: 200 };
    case "POST /api/v1/coupons":
      return { method: "POST", path: "/api/v1/coupons", ok: 201,
        json: { count: 1, percent_off: 5, starts_at: "2030-01-01T00:00:00Z",
          ends_at: "2030-01-02T00:00:00Z" } };
    case "GET /api/v1/coupons":
      return { method: "GET", path: "/api/v1/coupons?q=perm&limit=5", ok: 200 };
    case "GET /api/v1/coupons/{code}":
      return { method: "GET", path: "/api/v1/coupons/PERM-COUPON", ok: 200 };
    case "POST /api/v1/reviews":
      return { method: "POST", path: "/api/v1/reviews", ok: 201,
        json: { product_id: shop.product.id, customer_id: customer.id, rating: 1 + (seq % 5) } };
    case "GET /api/v1/reviews/{id}":
      return { method: "GET", path: `/api/v1/reviews/${fb.review}`, ok: 200 };
    case "POST /api/v1/reviews/{id}/hide":
      return { method: "POST", path: `/api/v1/reviews/${fb.perRole[role].review}/hide`, ok: 200,
        json: { reason: `Hidden by ${role}` } };
    case "POST /api/v1/reviews/{id}/unhide":
      return { method: "POST", path: `/api/v1/reviews/${fb.perRole[role].hidden}/unhide`, ok: 200 };
    case "POST /api/v1/reviews/{id}/votes":
      return { method: "POST", path: `/api/v1/reviews/${fb.review}/votes`, ok: 201,
        json: { customer_id: fb.perRole[role].voter } };
    case "GET /api/v1/products/{id}/reviews":
      return { method: "GET", path: `/api/v1/products/${shop.product.id}/reviews?sort=-helpful`, ok: 200 };
    case "GET /api/v1/products/{id}/rating":
      return { method: "GET", path: `/api/v1/products/${shop.product.id}/rating`, ok: 200 };
    case "GET /api/v1/customers/{id}/reviews":
      return { method: "GET", path: `/api/v1/customers/${customer.id}/reviews`, ok: 200 };
    case "POST /api/v1/surveys/invitations":
      return { method: "POST", path: "/api/v1/surveys/invitations", ok: 201,
        json: { kind: "nps", customer_id: customer.id, channel: "web" } };
    case "GET /api/v1/surveys/invitations":
      return { method: "GET", path: "/api/v1/surveys/invitations?pending=true", ok: 200 };
    case "GET /api/v1/surveys/invitations/{id}":
      return { method: "GET", path: `/api/v1/surveys/invitations/${fb.invitation}`, ok: 200 };
    case "POST /api/v1/surveys/invitations/{id}/response":
      return { method: "POST", path: `/api/v1/surveys/invitations/${fb.perRole[role].invitation}/response`,
        ok: 201, json: { score: 8 } };
    case "GET /api/v1/surveys/responses":
      return { method: "GET", path: "/api/v1/surveys/responses?kind=nps", ok: 200 };
    case "GET /api/v1/surveys/reports":
      return { method: "GET", path: "/api/v1/surveys/reports?kind=nps&group_by=channel", ok: 200 };
    case "GET /api/v1/kb/categories":
      return { method: "GET", path: "/api/v1/kb/categories", ok: 200 };
    case "POST /api/v1/kb/categories":
      return { method: "POST", path: "/api/v1/kb/categories", ok: 201, json: { name: `Category ${seq}` } };
    case "PATCH /api/v1/kb/categories/{id}":
      return { method: "PATCH", path: `/api/v1/kb/categories/${fb.category}`, ok: 200,
        json: { name: `Renamed ${seq}` } };
    case "GET /api/v1/kb/articles":
      return { method: "GET", path: "/api/v1/kb/articles?q=kettle", ok: 200 };
    case "POST /api/v1/kb/articles":
      return { method: "POST", path: "/api/v1/kb/articles", ok: 201,
        json: { title: `Written by ${role}`, body: "Text" } };
    case "GET /api/v1/kb/articles/{id}":
      return { method: "GET", path: `/api/v1/kb/articles/${fb.article}`, ok: 200 };
    case "PATCH /api/v1/kb/articles/{id}":
      return { method: "PATCH", path: `/api/v1/kb/articles/${fb.article}`, ok: 200,
        json: { body: `Edited by ${role}` } };
    case "GET /api/v1/tickets/{id}/articles":
      return { method: "GET", path: `/api/v1/tickets/${desk.ticket.id}/articles`, ok: 200 };
    case "POST /api/v1/tickets/{id}/articles":
      return { method: "POST", path: `/api/v1/tickets/${desk.ticket.id}/articles`, ok: 201,
        json: { article_id: fb.perRole[role].article } };
    case "DELETE /api/v1/tickets/{id}/articles/{article_id}":
      return { method: "DELETE",
        path: `/api/v1/tickets/${desk.ticket.id}/articles/${fb.perRole[role].linked}`, ok: 204 };
    default:
      throw new Error(`no plausible request for ${key}: add one to permissions.test.mjs`);
  }
}

before(async () => {
  s = await startServer();
  table = routes();
  adminToken = await s.signIn(s.adminEmail, s.adminPassword);
  users = {};
  for (const role of ROLES) users[role] = await s.userWithRole(adminToken, role);
  const v = await s.userWithRole(adminToken, "sales");
  victim = v;
  const t = await s.request("POST", "/api/v1/tokens",
    { token: adminToken, json: { name: "to revoke", user_id: victim.id } });
  assert.equal(t.status, 201);
  apiTokenId = t.body.id;
  const seeded = sqlite(s.db, `INSERT INTO customers (id, name, created_at, updated_at)
      VALUES (${analyticsCustomer}, 'Analytics Customer', 0, 0);
    INSERT INTO products (sku, name, price_minor, currency, created_at, updated_at)
      VALUES ('PERM-1', 'Permission product', 100, 'USD', 0, 0);`);
  assert.equal(seeded.status, 0, seeded.stderr);
  // The analytics pages read the latest refresh: have one.
  const refreshed = await s.request("POST", "/api/v1/analytics/refresh",
    { token: adminToken, json: {} });
  assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
  shop = await makeShop();
  const newCustomer = async (name) => {
    const r = await s.request("POST", "/api/v1/customers", { token: adminToken, json: { name } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id;
  };
  customer = { id: await newCustomer("Permission Target") };
  perRole = {};
  for (const role of ROLES) {
    perRole[role] = { enrolee: await newCustomer(`To enrol ${role}`),
      del: await newCustomer(`To delete ${role}`),
      restore: await newCustomer(`To restore ${role}`), other: await newCustomer(`To merge ${role}`) };
    const d = await s.request("DELETE", `/api/v1/customers/${perRole[role].restore}`,
      { token: adminToken });
    assert.equal(d.status, 200);
  }
  const imp = await s.request("POST", "/api/v1/imports/transactions", { token: adminToken,
    body: "customer_id,date,amount\nT1,2024-01-02,10.00\n", headers: { "Content-Type": "text/csv" } });
  assert.equal(imp.status, 201);
  importId = imp.body.id;
  desk = await makeServiceDesk();
  const enrol = async (id) => {
    const r = await s.request("POST", "/api/v1/loyalty/members",
      { token: adminToken, json: { customer_id: id } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  const member = await enrol(customer.id);
  const promo = await s.request("POST", "/api/v1/promotions", { token: adminToken,
    json: { name: "Permission promo", scope: "basket", percent_off: 1,
      starts_at: "2030-01-01T00:00:00Z", ends_at: "2030-01-02T00:00:00Z" } });
  assert.equal(promo.status, 201, JSON.stringify(promo.body));
  const coupon = await s.request("POST", "/api/v1/coupons", { token: adminToken,
    json: { code: "PERM-COUPON", percent_off: 5, starts_at: "2030-01-01T00:00:00Z",
      ends_at: "2030-01-02T00:00:00Z" } });
  assert.equal(coupon.status, 201, JSON.stringify(coupon.body));
  loyal = { member: customer.id, card: member.card_number, promotion: promo.body.id,
    cardMember: (await enrol(await newCustomer("Loses cards"))).customer_id };
  fb = await makeFeedback();
});

// Reviews, invitations, categories and articles for the feedback routes: per role a review to
// hide, a hidden one to show, a customer to vote, an invitation to answer, an article to link
// to the desk's ticket and a linked one to unlink.
async function makeFeedback() {
  const post = async (path, json) => {
    const r = await s.request("POST", path, { token: adminToken, json });
    assert.equal(r.status, 201, `${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const person = (name) => {
    const r = sqlite(s.db,
      `INSERT INTO customers (name, created_at, updated_at) VALUES ('${name}', 0, 0) RETURNING id`,
      { json: true });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout)[0].id;
  };
  const out = { perRole: {} };
  out.review = (await post("/api/v1/reviews",
    { product_id: shop.product.id, customer_id: person("Reviewer"), rating: 4 })).id;
  out.invitation = (await post("/api/v1/surveys/invitations",
    { kind: "csat", customer_id: customer.id })).id;
  out.category = (await post("/api/v1/kb/categories", { name: "Permissions" })).id;
  out.article = (await post("/api/v1/kb/articles",
    { title: "Kettle care", body: "Descale monthly.", status: "published" })).id;
  for (const role of ROLES) {
    const mine = {};
    mine.review = (await post("/api/v1/reviews",
      { product_id: shop.product.id, customer_id: person(`To hide ${role}`), rating: 2 })).id;
    mine.hidden = (await post("/api/v1/reviews",
      { product_id: shop.product.id, customer_id: person(`Hidden ${role}`), rating: 3 })).id;
    const h = await s.request("POST", `/api/v1/reviews/${mine.hidden}/hide`,
      { token: adminToken, json: { reason: "Fixture" } });
    assert.equal(h.status, 200, JSON.stringify(h.body));
    mine.voter = person(`Voter ${role}`);
    mine.invitation = (await post("/api/v1/surveys/invitations",
      { kind: "nps", customer_id: customer.id })).id;
    mine.article = (await post("/api/v1/kb/articles",
      { title: `To link ${role}`, body: "x", status: "published" })).id;
    mine.linked = (await post("/api/v1/kb/articles",
      { title: `Linked ${role}`, body: "x", status: "published" })).id;
    await post(`/api/v1/tickets/${desk.ticket.id}/articles`, { article_id: mine.linked });
    out.perRole[role] = mine;
  }
  return out;
}

// Tickets, queues and SLA policies for the service routes: per role a new ticket to open, an
// empty queue to delete, a free type x priority to create a policy for and a policy to delete.
async function makeServiceDesk() {
  const post = async (path, json) => {
    const r = await s.request("POST", path, { token: adminToken, json });
    assert.equal(r.status, 201, `${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const policy = (type, priority) => s.sql(
    `SELECT id FROM sla_policies WHERE ticket_type = '${type}' AND priority = '${priority}'`)[0].id;
  const out = { perRole: {} };
  out.queue = await post("/api/v1/queues", { name: "Permission desk", manager_id: users.manager.id });
  out.ticket = await post("/api/v1/tickets",
    { type: "complaint", channel: "email", customer_id: customer.id, subject: "Permissions" });
  out.policy = policy("complaint", "urgent");
  const free = [["return", "low"], ["repair", "low"]];
  const doomed = [["inquiry", "low"], ["repair", "high"]];
  for (const role of ROLES) {
    const mine = {};
    mine.ticket = await post("/api/v1/tickets",
      { type: "inquiry", channel: "email", customer_id: customer.id, subject: `For ${role}` });
    mine.queue = await post("/api/v1/queues", { name: `Empty ${role}`, manager_id: users.manager.id });
    if (SERVICE_SETUP.includes(role)) {
      const [type, priority] = free.pop();
      const r = await s.request("DELETE", `/api/v1/sla-policies/${policy(type, priority)}`,
        { token: adminToken });
      assert.equal(r.status, 204);
      mine.pair = { ticket_type: type, priority };
      mine.doomedPolicy = policy(...doomed.pop());
    } else {
      mine.pair = { ticket_type: "complaint", priority: "low" };
      mine.doomedPolicy = out.policy;
    }
    out.perRole[role] = mine;
  }
  return out;
}

// Catalogue and order fixtures for the routes of products, orders and returns.
async function makeShop() {
  const post = async (path, json, want = 201) => {
    const r = await s.request("POST", path, { token: adminToken, json });
    assert.equal(r.status, want, `${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const out = { doomed: {}, deleted: {} };
  out.category = await post("/api/v1/categories", { name: "Permissions" });
  out.product = await post("/api/v1/products",
    { sku: "SHOP-1", name: "Fixture", price_minor: 250, currency: "USD", category_id: out.category.id });
  for (const role of ROLES) {
    out.doomed[role] = await post("/api/v1/products",
      { sku: `DOOMED-${role}`, name: "To delete", price_minor: 1, currency: "USD" });
    const d = await post("/api/v1/products",
      { sku: `DELETED-${role}`, name: "To restore", price_minor: 1, currency: "USD" });
    const r = await s.request("DELETE", `/api/v1/products/${d.id}`, { token: adminToken });
    assert.equal(r.status, 200);
    out.deleted[role] = d;
  }
  const ins = sqlite(s.db,
    "INSERT INTO customers (name, created_at, updated_at) VALUES ('Permission Customer', 0, 0)");
  assert.equal(ins.status, 0, ins.stderr);
  out.customer = s.sql("SELECT max(id) AS id FROM customers")[0].id;
  out.order = await post("/api/v1/orders",
    { customer_id: out.customer, lines: [{ product_id: out.product.id, quantity: 100 }] });
  out.ret = await post(`/api/v1/orders/${out.order.id}/returns`,
    { lines: [{ order_line_id: out.order.lines[0].id, quantity: 1 }] });
  return out;
}
after(async () => { await s.stop(); });

test("the table holds exactly the routes of `rapport routes`", () => {
  const actual = table.map((r) => `${r.method} ${r.path}`).sort();
  assert.deepEqual(actual, Object.keys(TABLE).sort());
});

test("public routes in the table are exactly those without a permission", () => {
  for (const r of table) {
    const key = `${r.method} ${r.path}`;
    assert.equal(TABLE[key] === PUBLIC, r.permission === null, key);
  }
});

test("routes guarded by the same permission allow the same roles", () => {
  const byPermission = new Map();
  for (const r of table) {
    if (r.permission === null) continue;
    const roles = JSON.stringify([...TABLE[`${r.method} ${r.path}`]].sort());
    if (!byPermission.has(r.permission)) byPermission.set(r.permission, roles);
    assert.equal(roles, byPermission.get(r.permission), `${r.method} ${r.path} (${r.permission})`);
  }
});

test("every role on every route: forbidden -> 403 and nothing written, allowed -> served",
  async () => {
    const permissionOf = new Map(table.map((r) => [`${r.method} ${r.path}`, r.permission]));
    let forbidden = 0;
    let allowedCalls = 0;
    for (const key of Object.keys(TABLE)) {
      for (const role of ROLES) {
        const req = plausible(key, role);
        // Signing out revokes the token used: give it a fresh session.
        const token = key === "DELETE /api/v1/sessions/current"
          ? await s.signIn(users[role].email, users[role].password)
          : users[role].token;
        const isAllowed = TABLE[key] === PUBLIC || TABLE[key].includes(role);
        const beforeState = isAllowed ? null : s.state();
        const r = await s.request(req.method, req.path,
          { token, json: req.json, body: req.body, headers: req.headers });
        const what = `${role} ${key} -> ${r.status} ${JSON.stringify(r.body)}`;
        if (isAllowed) {
          allowedCalls += 1;
          assert.notEqual(r.status, 403, what);
          assert.notEqual(r.status, 401, what);
          assert.equal(r.status, req.ok, what);
        } else {
          forbidden += 1;
          assert.equal(r.status, 403, what);
          assert.equal(r.body.error.code, "forbidden", what);
          assert.equal(r.body.error.field, null, what);
          assert.match(r.body.error.message, new RegExp(`'${role}'`), what);
          assert.ok(r.body.error.message.includes(`'${permissionOf.get(key)}'`), what);
          assert.deepEqual(s.state(), beforeState, `${what}: the database changed`);
        }
      }
    }
    // Every cell of the table was exercised.
    assert.equal(forbidden + allowedCalls, Object.keys(TABLE).length * ROLES.length);
    assert.ok(forbidden >= 20, `only ${forbidden} forbidden calls`);
  });

test("the role users still work after the run (no allowed call revoked their tokens)",
  async () => {
    for (const role of ROLES) {
      const r = await s.request("GET", "/api/v1/me", { token: users[role].token });
      assert.equal(r.status, 200, role);
      assert.equal(r.body.role, role);
    }
  });

test("no token -> 401 with WWW-Authenticate on every non-public route", async () => {
  for (const r of table) {
    if (r.permission === null) continue;
    const key = `${r.method} ${r.path}`;
    const req = plausible(key, "admin");
    const beforeState = s.state();
    const res = await s.request(req.method, req.path, { json: req.json });
    const what = `${key} -> ${res.status} ${JSON.stringify(res.body)}`;
    assert.equal(res.status, 401, what);
    assert.equal(res.headers.get("www-authenticate"), "Bearer", what);
    assert.equal(res.body.error.code, "unauthenticated", what);
    assert.deepEqual(s.state(), beforeState, `${what}: the database changed`);
  }
});

test("a malformed or unknown token -> 401 on every non-public route", async () => {
  const bad = [
    { Authorization: "Bearer rp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
    { Authorization: "Bearer " },
    { Authorization: `Basic ${Buffer.from("a:b").toString("base64")}` },
    { Authorization: `bearer ${users.admin.token}x` },
  ];
  for (const r of table) {
    if (r.permission === null) continue;
    const req = plausible(`${r.method} ${r.path}`, "admin");
    for (const headers of bad) {
      const res = await s.request(req.method, req.path, { json: req.json, headers });
      const what = `${r.method} ${r.path} with ${headers.Authorization} -> ${res.status}`;
      assert.equal(res.status, 401, what);
      assert.equal(res.headers.get("www-authenticate"), "Bearer", what);
      assert.equal(res.body.error.code, "unauthenticated", what);
    }
  }
});

test("public routes answer without a token", async () => {
  for (const r of table) {
    if (r.permission !== null) continue;
    const req = plausible(`${r.method} ${r.path}`, "analyst");
    const res = await s.request(req.method, req.path, { json: req.json });
    assert.equal(res.status, req.ok, `${r.method} ${r.path} -> ${res.status}`);
  }
});
