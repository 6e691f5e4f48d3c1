// Small composables shared by the screens.
import { onUnmounted, ref, shallowRef, type Ref } from "vue";
import { ApiError, type Page } from "./api";

// Runs `fn` and keeps its result, loading flag and error; `run` again to reload. A newer run
// wins over an older one still in flight (so fast typing never shows stale results).
export function useLoader<T>(fn: (signal: AbortSignal) => Promise<T>) {
  const data = shallowRef<T | null>(null) as Ref<T | null>;
  const loading = ref(false);
  const error = ref<Error | null>(null);
  let controller: AbortController | null = null;
  async function run(): Promise<T | null> {
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    loading.value = true;
    error.value = null;
    try {
      const v = await fn(mine.signal);
      if (controller === mine) data.value = v;
      return v;
    } catch (e) {
      if (e instanceof DOMException && e.name === "AbortError") return null;
      if (controller === mine) error.value = e as Error;
      return null;
    } finally {
      if (controller === mine) loading.value = false;
    }
  }
  onUnmounted(() => controller?.abort());
  return { data, loading, error, run };
}

// Field errors of a form from an ApiError: { field: message }; other errors under "_".
export function useFieldErrors() {
  const errors = ref<Record<string, string>>({});
  function set(e: unknown) {
    if (e instanceof ApiError) {
      const field = (e.field ?? "_").replace(/^body\./, "").replace(/^\$\./, "");
      errors.value = { [field]: e.message };
    } else {
      errors.value = { _: String(e) };
    }
  }
  function clear() {
    errors.value = {};
  }
  return { errors, set, clear };
}

// One shared clock ticking every second, for live countdowns.
const now = ref(Date.now());
let users = 0;
let timer: number | undefined;
export function useNow() {
  if (users++ === 0) timer = window.setInterval(() => (now.value = Date.now()), 1000);
  onUnmounted(() => {
    if (--users === 0) window.clearInterval(timer);
  });
  return now;
}

export function debounce<A extends unknown[]>(fn: (...a: A) => void, ms: number) {
  let t: number | undefined;
  return (...a: A) => {
    window.clearTimeout(t);
    t = window.setTimeout(() => fn(...a), ms);
  };
}

// Cursor pages of a list: the cursor of each page seen, for "previous".
function usePages() {
  const cursors = ref<(string | null)[]>([null]);
  const index = ref(0);
  return {
    index,
    cursor: () => cursors.value[index.value] ?? undefined,
    reset() {
      cursors.value = [null];
      index.value = 0;
    },
    next(c: string | null | undefined) {
      if (!c) return false;
      cursors.value = [...cursors.value.slice(0, index.value + 1), c];
      index.value++;
      return true;
    },
    previous() {
      if (index.value === 0) return false;
      index.value--;
      return true;
    },
  };
}

// What Pager.vue needs of a paged list.
export interface PagedList {
  page: Ref<number>;
  data: Ref<{ next_cursor?: string | null } | null>;
  previous(): void;
  next(): void;
}

// A list read in cursor pages (useLoader + usePages): `fetch` gets the cursor of the page to show
// (undefined: the first). `page` is the index of the page shown; `restart` goes back to the first
// page and loads it (after a change of search, filter or sort); `next` and `previous` step through
// the pages and load (nothing happens past either end). Show the pager with Pager.vue.
export function usePagedList<T>(fetch: (cursor: string | undefined, signal: AbortSignal) => Promise<Page<T> | null>) {
  const pages = usePages();
  const list = useLoader((signal) => fetch(pages.cursor(), signal));
  function restart() {
    pages.reset();
    void list.run();
  }
  function next() {
    if (pages.next(list.data.value?.next_cursor)) void list.run();
  }
  function previous() {
    if (pages.previous()) void list.run();
  }
  return { ...list, page: pages.index, restart, next, previous };
}
