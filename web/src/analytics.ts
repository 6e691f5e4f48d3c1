// Shapes of the /api/v1/analytics/* pages and the dashboard, and the segment vocabulary.
export interface Group {
  customers: number;
  revenue_minor: number;
}
export interface RunHeader {
  run_id: number;
  as_of: string;
  computed_at: string;
  currency: string;
}
export interface RfmPage extends RunHeader {
  segments: { segment: string; label: string; customers: number; revenue_minor: number }[];
}
export interface ParetoPage extends RunHeader {
  total_revenue_minor: number;
  top_fraction: number;
  top_share: number;
  gini: number;
  lorenz: [number, number][];
  classes: Record<string, Group>;
  tiers: Record<string, Group>;
}
export interface TypesPage extends RunHeader {
  types: Record<string, Group>;
  rules: Record<string, number>;
}
export interface ClvPage extends RunHeader {
  clv: {
    horizon_months: number;
    distribution?: {
      customers: number;
      total_minor: number;
      mean_minor: number;
      min_minor: number;
      max_minor: number;
      quantiles_minor: Record<string, number>;
      top_decile_share: number;
    };
  };
}
export interface RfmGrid extends RunHeader {
  cells: { r: number; f: number; customers: number; revenue_minor: number }[];
}
export interface DashboardFigures {
  as_of: string;
  currency: string;
  customers: number;
  members: { total: number; active_30_days: number };
  revenue: {
    last_30_days_minor: number;
    previous_30_days_minor: number;
    orders_last_30_days: number;
    orders_previous_30_days: number;
  };
  revenue_by_month: { month: string; revenue_minor: number; orders: number }[];
  tickets: { open: number; breached: number } | null;
}

export const SEGMENTS = [
  "champions",
  "loyal",
  "potential_loyalist",
  "new",
  "promising",
  "need_attention",
  "about_to_sleep",
  "at_risk",
  "cannot_lose_them",
  "hibernating",
  "lost",
];
export const TIERS = ["platinum", "gold", "silver", "bronze"];
export const PALETTE = ["#2f6fde", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#6c5ce7", "#00b894", "#fd79a8", "#636e72", "#a29bfe", "#b2bec3"];
