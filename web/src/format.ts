// Dates, numbers and money formatted for the UI's locale with Intl (nothing hand-rolled).
import { computed } from "vue";
import { locale } from "./i18n";

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  key: string,
  make: () => T,
): T {
  let f = cache.get(key) as T | undefined;
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f;
}

function numberFormat(opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  return cached(`n:${locale.value}:${JSON.stringify(opts)}`, () => new Intl.NumberFormat(locale.value, opts));
}

// The number of minor units in one major unit of an ISO 4217 currency (JPY 0, USD 2, ...).
export function minorDigits(currency: string): number {
  try {
    return numberFormat({ style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function money(minor: number | null | undefined, currency: string | null | undefined, compact = false): string {
  if (minor === null || minor === undefined || !currency) return "—";
  const major = minor / 10 ** minorDigits(currency);
  try {
    return numberFormat(
      compact
        ? { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 }
        : { style: "currency", currency },
    ).format(major);
  } catch {
    return `${major.toFixed(2)} ${currency}`;
  }
}

export function num(n: number | null | undefined, digits?: number): string {
  if (n === null || n === undefined || Number.isNaN(n)) return "—";
  return numberFormat(digits === undefined ? {} : { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
}

export function percent(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "—";
  return numberFormat({ style: "percent", maximumFractionDigits: digits, minimumFractionDigits: digits }).format(x);
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return cached(`dt:${locale.value}`, () => new Intl.DateTimeFormat(locale.value, { dateStyle: "medium", timeStyle: "short" })).format(d);
}

export function date(iso: string | null | undefined): string {
  if (!iso) return "—";
  // Plain dates (YYYY-MM-DD) are calendar days: format them in UTC so no time zone shifts them.
  const plain = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const d = new Date(plain ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return cached(`d:${locale.value}:${plain}`, () =>
    new Intl.DateTimeFormat(locale.value, { dateStyle: "medium", ...(plain ? { timeZone: "UTC" } : {}) }),
  ).format(d);
}

export function month(yyyyMm: string): string {
  const d = new Date(`${yyyyMm}-01T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return yyyyMm;
  return cached(`m:${locale.value}`, () => new Intl.DateTimeFormat(locale.value, { year: "numeric", month: "short", timeZone: "UTC" })).format(d);
}

// "in 3 hours", "5 minutes ago": the largest unit that fits.
export function relative(ms: number): string {
  const f = cached(`r:${locale.value}`, () => new Intl.RelativeTimeFormat(locale.value, { numeric: "auto" }));
  const abs = Math.abs(ms);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["day", 86400000],
    ["hour", 3600000],
    ["minute", 60000],
  ];
  for (const [unit, size] of units) {
    if (abs >= size) return f.format(Math.trunc(ms / size), unit);
  }
  return f.format(Math.trunc(ms / 1000), "second");
}

// A countdown "2:05:09" (or "3 d 04:05") with its sign handled by the caller.
export function countdown(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (x: number) => String(x).padStart(2, "0");
  const hms = `${h}:${pad(m)}:${pad(sec)}`;
  return d > 0 ? `${num(d)}d ${hms}` : hms;
}

export const localeTag = computed(() => locale.value);
