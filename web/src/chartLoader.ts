// The chart library (charts.ts, the largest chunk), loaded once. Screens with charts call
// loadCharts() right after sending their API requests, so that the library runs while the
// answers are on their way instead of after they have arrived; EChart.vue awaits the same
// promise before drawing.
import type * as Charts from "./charts";

let loading: Promise<typeof Charts> | null = null;
export function loadCharts(): Promise<typeof Charts> {
  loading ??= import("./charts").catch((e) => {
    loading = null; // a failed fetch is tried again by the next chart
    throw e;
  });
  return loading;
}
