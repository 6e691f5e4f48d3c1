// The customer list's search, filters and sort as one plain state: what the URL carries (so a
// filtered list can be bookmarked and shared), what a saved filter stores, and what
// GET /api/v1/customers is asked. Saved filters live in this browser's localStorage, per user.
import type { LocationQuery } from "vue-router";

export const FILTER_KEYS = [
  "kind",
  "city",
  "tag",
  "value_tier",
  "rfm_segment",
  "customer_type",
  "abc_class",
  "owner",
  "country",
  "created_from",
  "created_to",
  "age_group",
  "has_email_consent",
  "has_sms_consent",
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Record<FilterKey, string>;

export interface ListState {
  q: string;
  sort: string;
  filters: Filters;
}

export const CUSTOMER_TYPES = ["one_time", "transactional", "relationship", "key_account"];
export const ABC_CLASSES = ["A", "B", "C"];
export const AGE_GROUPS = ["0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"];
// Filters and sorts on the latest analytics scores: they find nothing before a refresh.
export const SCORE_FILTERS: FilterKey[] = ["value_tier", "rfm_segment", "customer_type", "abc_class"];
export const SCORE_SORTS = ["clv", "p_alive", "revenue"];
export const SORTS = ["id", "name", "created_at", "updated_at", ...SCORE_SORTS];

export function emptyFilters(): Filters {
  return Object.fromEntries(FILTER_KEYS.map((k) => [k, ""])) as Filters;
}

function first(v: LocationQuery[string] | undefined): string {
  if (Array.isArray(v)) return typeof v[0] === "string" ? v[0] : "";
  return typeof v === "string" ? v : "";
}

// The state a URL's query describes (unknown parameters ignored; unknown values kept, so the
// server's 400 names them).
export function fromQuery(query: LocationQuery): ListState {
  const filters = emptyFilters();
  for (const k of FILTER_KEYS) filters[k] = first(query[k]);
  return { q: first(query.q), sort: first(query.sort), filters };
}

// The URL query of a state: only what is set.
export function toQuery(state: ListState): Record<string, string> {
  const out: Record<string, string> = {};
  if (state.q) out.q = state.q;
  for (const k of FILTER_KEYS) if (state.filters[k]) out[k] = state.filters[k];
  if (state.sort) out.sort = state.sort;
  return out;
}

export function sameQuery(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a).filter((k) => a[k] !== undefined && a[k] !== "");
  const kb = Object.keys(b).filter((k) => b[k] !== undefined && b[k] !== "");
  return ka.length === kb.length && ka.every((k) => String(a[k]) === String(b[k]));
}

// The created-date range is two calendar days in the URL (YYYY-MM-DD, both inclusive), read in
// the browser's time zone, the one the list shows the creation times in. The API takes instants
// (created_from inclusive, created_to exclusive): the start of the first day and the start of the
// day after the last. Anything else (a hand-edited URL) is sent as it is, so the server's 400
// names the parameter.
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
export function dayStart(day: string, plusDays = 0): string {
  const m = DAY.exec(day.trim());
  if (!m) return day.trim();
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (d.getFullYear() !== Number(m[1]) || d.getMonth() !== Number(m[2]) - 1 || d.getDate() !== Number(m[3])) return day.trim();
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
}

// The query of GET /api/v1/customers for a state, a page cursor and a page size.
export function apiQuery(state: ListState, cursor: string | null | undefined, limit: number) {
  const f = state.filters;
  return {
    q: state.q.trim() || undefined,
    kind: f.kind || undefined,
    city: f.city.trim() || undefined,
    tag: f.tag.trim() || undefined,
    value_tier: f.value_tier || undefined,
    rfm_segment: f.rfm_segment || undefined,
    customer_type: f.customer_type || undefined,
    abc_class: f.abc_class || undefined,
    owner: f.owner || undefined,
    country: f.country.trim() || undefined,
    created_from: f.created_from ? dayStart(f.created_from) : undefined,
    created_to: f.created_to ? dayStart(f.created_to, 1) : undefined,
    age_group: f.age_group || undefined,
    has_email_consent: f.has_email_consent || undefined,
    has_sms_consent: f.has_sms_consent || undefined,
    sort: state.sort || undefined,
    cursor: cursor ?? undefined,
    limit,
  };
}

// Whether the list depends on the analytics scores (and so is empty before any refresh).
export function usesScores(state: ListState): boolean {
  const sortKey = state.sort.replace(/^-/, "");
  return SCORE_FILTERS.some((k) => state.filters[k] !== "") || SCORE_SORTS.includes(sortKey);
}

export interface SavedFilter {
  name: string;
  query: Record<string, string>;
  saved_at: string;
}

const storageKey = (userId: number) => `rapport.customerFilters.user${userId}`;

// The user's saved filters in this browser; anything unreadable in the storage is skipped.
export function loadSavedFilters(userId: number): SavedFilter[] {
  let raw: unknown;
  try {
    raw = JSON.parse(localStorage.getItem(storageKey(userId)) ?? "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const out: SavedFilter[] = [];
  for (const x of raw) {
    if (!x || typeof x !== "object" || typeof x.name !== "string" || !x.query || typeof x.query !== "object") continue;
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(x.query as Record<string, unknown>)) if (typeof v === "string") query[k] = v;
    out.push({ name: x.name, query, saved_at: typeof x.saved_at === "string" ? x.saved_at : "" });
  }
  return out;
}

// Throws when the browser refuses (storage full or disabled): the caller shows it.
export function storeSavedFilters(userId: number, list: SavedFilter[]) {
  localStorage.setItem(storageKey(userId), JSON.stringify(list));
}
