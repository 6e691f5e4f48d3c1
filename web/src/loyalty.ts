// Shapes of the loyalty API (/api/v1/loyalty/*).
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
