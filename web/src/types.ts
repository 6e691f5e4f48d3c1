// Wire types of the API (see /api/v1/openapi.json); only the fields the screens use.
export type Role = "admin" | "manager" | "sales" | "service" | "analyst";

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface Consent {
  granted: boolean;
  at: string | null;
  source: string | null;
}

export interface Customer {
  id: number;
  kind: string;
  name: string;
  email: string | null;
  phone: string | null;
  birth_date: string | null;
  age_group: string | null;
  gender: string | null;
  street: string | null;
  city: string | null;
  region: string | null;
  postal_code: string | null;
  country: string | null;
  organisation_id: number | null;
  owner_id: number | null;
  email_consent: Consent;
  sms_consent: Consent;
  tags: string[];
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  merged_into: number | null;
  version: number;
}

// The latest analytics scores as lists carry them (null before a refresh scored the customer).
// rfm_segment and customer_type are the keys of the segments.* and types.* labels.
export interface CustomerScoreBrief {
  value_tier: string;
  rfm_segment: string;
  customer_type: string;
  abc_class: string;
  p_alive: number | null;
  clv_minor: number | null;
  revenue_minor: number;
  currency: string;
}

export interface CustomerListItem extends Customer {
  scores: CustomerScoreBrief | null;
}

export interface TimelineEntry {
  id: number;
  customer_id: number;
  at: string;
  kind: string;
  channel: string;
  direction: string | null;
  subject: string | null;
  body: string | null;
  user_id: number | null;
  ref_type: string | null;
  ref_id: number | null;
}

export interface Figures {
  currency: string;
  orders_count: number;
  revenue_minor: number;
  average_basket_minor: number;
  orders_count_all_currencies: number;
  first_purchase_at: string | null;
  last_purchase_at: string | null;
}

export interface Customer360 {
  customer: Customer;
  figures: Figures;
  timeline: TimelineEntry[];
  orders: { id: number; kind: string; placed_at: string; currency: string; total_minor: number; lines: number }[];
}

export interface CustomerScores {
  run_id: number;
  rfm: { r: number; f: number; m: number };
  rfm_segment: string;
  abc_class: string;
  value_tier: string;
  customer_type: string;
  purchases: number;
  revenue_minor: number;
  first_purchase_at: string;
  last_purchase_at: string;
  p_alive: number | null;
  expected_transactions: number | null;
  horizon_months: number;
  expected_spend_minor: number | null;
  clv_minor: number | null;
  currency: string;
  computed_at: string;
}

export interface ProductRef {
  id: number;
  sku: string;
  name: string;
}

export interface BasketRule {
  id: number;
  antecedent: ProductRef[];
  consequent: ProductRef;
  support: number;
  coverage: number;
  confidence: number;
  lift: number;
  leverage: number;
  conviction: number | null;
  count: number;
}

export interface Recommendation {
  product: ProductRef;
  score: number;
  rule: BasketRule;
}

export interface OrderSummary {
  id: number;
  customer_id: number | null;
  kind: string;
  channel: string;
  location: string | null;
  placed_at: string;
  currency: string;
  total_minor: number;
  refunded_minor: number;
}

// A return against an order (/api/v1/customers/{id}/returns, /api/v1/returns/{id}).
export interface ReturnLine {
  id: number;
  order_line_id: number;
  product_id: number;
  sku: string;
  name: string;
  quantity: number;
  refund_minor: number;
}
export interface OrderReturn {
  id: number;
  order_id: number;
  customer_id: number | null;
  at: string;
  reason: string | null;
  currency: string;
  refund_minor: number;
  user_id: number | null;
  created_at: string;
  lines: ReturnLine[];
}

export interface SlaTarget {
  rule: string | null;
  minutes: number | null;
  due_at: string | null;
  met_at: string | null;
  breached_at: string | null;
}

export interface Ticket {
  id: number;
  type: string;
  channel: string;
  customer_id: number;
  product_id: number | null;
  order_id: number | null;
  priority: string;
  subject: string;
  description: string | null;
  status: string;
  assignee_id: number | null;
  queue_id: number | null;
  sla: { first_response: SlaTarget; resolution: SlaTarget; [k: string]: unknown };
  reopen_count: number;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface TicketMessage {
  id: number;
  ticket_id: number;
  kind: string;
  body: string;
  user_id: number | null;
  created_at: string;
}

export interface Product {
  id: number;
  sku: string;
  name: string;
  category_id: number | null;
  category_path: string | null;
  price_minor: number;
  currency: string;
  active: boolean;
  deleted_at: string | null;
  version: number;
}

export interface Setting {
  key: string;
  value: string;
  default: string;
  description: string;
}

export interface ApiToken {
  id: number;
  user_id: number;
  kind: string;
  name: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  user_id: number | null;
  request_id: string;
  action: string;
  entity: string;
  entity_id: string;
  before: unknown;
  after: unknown;
}

export interface AnalyticsRun {
  id: number;
  kind: string;
  status: string;
  as_of: string;
  customers: number;
  orders: number;
  rules: number;
  started_at: string;
  finished_at: string;
  results: Record<string, unknown>;
}
