// Shapes of the loyalty API (/api/v1/loyalty/*).
import { minorDigits } from "./format";
export interface LoyaltyMember {
  customer_id: number;
  customer_name: string;
  card_number: string;
  card_issued_at: string;
  joined_at: string;
  tier: string;
  tier_since: string;
  tier_review_at: string;
  benefits: { earn_multiplier_pct: number; free_delivery: boolean };
  balance: number;
  qualifying: { basis: string; amount: number };
  expiring_points: number;
  expiring_by: string | null;
  version: number;
}
export interface LedgerEntry {
  id: number;
  customer_id: number;
  at: string;
  kind: string;
  points: number;
  balance: number;
  expires_at: string | null;
  reason: string;
  ref_type: string | null;
  ref_id: number | null;
}
export interface LoyaltyTier {
  name: string;
  threshold: number;
  earn_multiplier_pct: number;
  free_delivery: boolean;
}

// Promotions and coupons (/api/v1/promotions, /api/v1/coupons).
export interface Promotion {
  id: number;
  name: string;
  scope: "product" | "category" | "basket";
  product_id: number | null;
  category_id: number | null;
  min_basket_minor: number;
  percent_off: number;
  amount_off_minor: number;
  points_multiplier_pct: number;
  stackable: boolean;
  starts_at: string;
  ends_at: string;
  active: boolean;
  created_at: string;
}
export interface Coupon {
  id: number;
  code: string;
  customer_id: number | null;
  percent_off: number;
  amount_off_minor: number;
  min_spend_minor: number;
  max_uses: number;
  max_uses_per_customer: number;
  uses: number;
  starts_at: string;
  ends_at: string;
  created_at: string;
}

// Major units as typed ("12.5") to minor units of the currency (1250 for CNY); what is not a
// number is sent as NaN's JSON (null), which the server refuses at the field.
export function toMinor(major: string, currency: string): number {
  return Math.round(Number(major) * 10 ** minorDigits(currency));
}
// <input type="datetime-local"> values are the browser's local time.
export function localInput(d: Date): string {
  const p = (x: number) => String(x).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
export function toIso(local: string): string {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}
