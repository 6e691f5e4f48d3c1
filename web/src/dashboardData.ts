// The dashboard's requests. On the first load of the page onto the dashboard, with a session
// cookie present, the router sends them alongside the session check (see router.ts), instead of
// after it, the screen's chunk and its mount: on a busy machine that is a few hundred
// milliseconds of the first load. The screen takes each early answer once; any later load
// (retry, another visit) asks again. Early answers not taken within a few seconds are dropped.
import { api, ApiError, readCookie } from "./api";
import type { DashboardFigures, ParetoPage, RfmPage } from "./analytics";
import type { SurveyReport } from "./feedback";

// No refresh yet: the analytics pages answer 404, shown as "not computed yet", not as an error.
function orNull<T>(p: Promise<T>): Promise<T | null> {
  return p.catch((e) => {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  });
}

export interface NpsFigures {
  last: SurveyReport["total"];
  previous: SurveyReport["total"];
}

// `quiet`: a 401 is left to the session check (no jump to the sign-in page from here).
const fetchers = {
  figures: (signal?: AbortSignal, quiet = false) => api.get<DashboardFigures>("/api/v1/dashboard", undefined, signal, quiet),
  rfm: (signal?: AbortSignal, quiet = false) => orNull(api.get<RfmPage>("/api/v1/analytics/rfm", undefined, signal, quiet)),
  pareto: (signal?: AbortSignal, quiet = false) => orNull(api.get<ParetoPage>("/api/v1/analytics/pareto", undefined, signal, quiet)),
  // NPS of the last 30 days against the 30 before, from the survey reports (surveys.read: every
  // role), read apart from the dashboard figures so that either may fail alone.
  nps: async (signal?: AbortSignal, quiet = false): Promise<NpsFigures> => {
    const day = 86400000;
    const now = Date.now();
    const at = (ms: number) => new Date(ms).toISOString();
    const read = (from: number, to: number) =>
      api.get<SurveyReport>("/api/v1/surveys/reports", { kind: "nps", from: at(from), to: at(to) }, signal, quiet).then((r) => r.total);
    const [last, previous] = await Promise.all([read(now - 30 * day, now), read(now - 60 * day, now - 30 * day)]);
    return { last, previous };
  },
};
type Key = keyof typeof fetchers;
type Answer<K extends Key> = Awaited<ReturnType<(typeof fetchers)[K]>>;

const MAX_AGE_MS = 5000;
const early = new Map<Key, { at: number; answer: Promise<unknown> }>();

export function prefetchDashboard() {
  if (!readCookie("rapport_csrf")) return; // not signed in with a cookie: nothing to ask
  const at = Date.now();
  for (const key of Object.keys(fetchers) as Key[]) {
    const answer = fetchers[key](undefined, true);
    answer.catch(() => undefined); // an early answer nobody takes is not an unhandled rejection
    early.set(key, { at, answer });
  }
}

// The early answer for `key` when there is a fresh one (once), else a new request.
export function dashboardData<K extends Key>(key: K, signal: AbortSignal): Promise<Answer<K>> {
  const e = early.get(key);
  early.delete(key);
  if (e && Date.now() - e.at < MAX_AGE_MS) return e.answer as Promise<Answer<K>>;
  return fetchers[key](signal) as Promise<Answer<K>>;
}
