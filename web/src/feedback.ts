// Wire types of customer feedback (reviews, surveys, knowledge base; see
// src/http/feedback_codecs.cpp and /api/v1/openapi.json) and small shared helpers.
import { api } from "./api";

export interface Review {
  id: number;
  product_id: number;
  customer_id: number;
  rating: number;
  title: string | null;
  body: string | null;
  channel: string;
  verified_purchase: boolean;
  helpful_count: number;
  hidden: boolean;
  hidden_at: string | null;
  hidden_reason: string | null;
  hidden_by: number | null;
  current: boolean;
  replaces: number | null;
  replaced_at: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface ProductRating {
  product_id: number;
  count: number;
  mean: number | null;
  distribution: Record<"1" | "2" | "3" | "4" | "5", number>;
}

export type SurveyKind = "nps" | "csat";

export interface SurveyResponse {
  id: number;
  invitation_id: number;
  kind: SurveyKind;
  customer_id: number;
  score: number;
  comment: string | null;
  channel: string | null;
  store: string | null;
  created_by: number | null;
  responded_at: string;
}

export interface SurveyInvitation {
  id: number;
  kind: SurveyKind;
  customer_id: number;
  source: string;
  ticket_id: number | null;
  order_id: number | null;
  channel: string | null;
  store: string | null;
  created_by: number | null;
  created_at: string;
  responded_at: string | null;
  response: SurveyResponse | null;
}

export interface SurveyGroup {
  key: string | null;
  responses: number;
  scores: Record<string, number>;
  // NPS
  promoters?: number;
  passives?: number;
  detractors?: number;
  nps?: number | null;
  // CSAT
  satisfied?: number;
  csat?: number | null;
  mean?: number | null;
}

export interface SurveyReport {
  kind: SurveyKind;
  group_by: string;
  from: string;
  to: string;
  groups: SurveyGroup[];
  total: SurveyGroup;
}

export interface KbCategory {
  id: number;
  name: string;
  published_articles: number;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface KbArticle {
  id: number;
  category_id: number | null;
  title: string;
  language: string | null;
  status: "draft" | "published";
  published_at: string | null;
  solved_count: number;
  created_by: number | null;
  updated_by: number | null;
  created_at: string;
  updated_at: string;
  version: number;
  score?: number;
  excerpt?: string; // lists
}

// One article as GET /kb/articles/{id} answers: the Markdown as written and `html`, the server's
// rendering with cmark in safe mode (raw HTML and javascript: links removed).
export interface KbArticleFull extends KbArticle {
  body: string;
  html: string;
}

export interface TicketArticleLink {
  ticket_id: number;
  article_id: number;
  title: string;
  status: string;
  linked_by: number | null;
  linked_at: string;
}

// A customer chosen for an action on their behalf (components/CustomerPicker).
export interface PickedCustomer {
  id: number;
  name: string;
}

export const CHANNELS = ["web", "store", "phone", "email", "sms", "chat", "social", "visit"] as const;

// "★★★★☆" for a rating (the number is given to assistive technology by the caller).
export function stars(rating: number): string {
  const n = Math.max(0, Math.min(5, Math.round(rating)));
  return "★".repeat(n) + "☆".repeat(5 - n);
}

// Names of customers and products shown beside feedback, fetched once per id and shared by the
// screens (lists carry only ids; a page holds at most a few dozen). A failed lookup is
// forgotten so that a later screen tries again.
const names = new Map<string, Promise<string | null>>();
function lookup(kind: "customers" | "products", id: number): Promise<string | null> {
  const key = `${kind}:${id}`;
  let p = names.get(key);
  if (!p) {
    p = api
      .get<{ name: string }>(`/api/v1/${kind}/${id}`)
      .then((x) => x.name)
      .catch(() => {
        names.delete(key);
        return null;
      });
    names.set(key, p);
  }
  return p;
}
export const customerName = (id: number) => lookup("customers", id);
export const productName = (id: number) => lookup("products", id);

// Resolves the names of `ids` into `into` (a reactive map), without waiting for one another.
export function fillNames(kind: "customers" | "products", ids: number[], into: Map<number, string>) {
  for (const id of new Set(ids)) {
    if (into.has(id)) continue;
    void lookup(kind, id).then((n) => {
      if (n !== null) into.set(id, n);
    });
  }
}
