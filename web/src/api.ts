// The one way the UI talks to the server: same-origin fetch with the session cookie, the CSRF
// token on anything that may change state, and errors as ApiError carrying the server's
// `{"error":{"code","message","field"}}` so forms can show them at the field.

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public field: string | null,
  ) {
    super(message);
  }
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

let unauthenticatedHandler: (() => void) | null = null;
// Called when the server answers 401 to a signed-in request (session expired or revoked).
export function onUnauthenticated(handler: () => void) {
  unauthenticatedHandler = handler;
}

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return null;
}

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}
function csrf(): string | null {
  return csrfToken ?? readCookie("rapport_csrf");
}

type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === "") continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export interface RequestOptions {
  query?: Query;
  json?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  // A 401 is only thrown, not reported to the onUnauthenticated handler (requests sent before
  // the session check, which handles it).
  quietUnauthenticated?: boolean;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
  if (method !== "GET" && method !== "HEAD") {
    const token = csrf();
    if (token) headers["X-CSRF-Token"] = token;
  }
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.json);
  }
  let r: Response;
  try {
    r = await fetch(withQuery(path, opts.query), {
      method,
      headers,
      body,
      credentials: "same-origin",
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, "network", String(e), null);
  }
  if (r.status === 204) return undefined as T;
  const type = r.headers.get("content-type") ?? "";
  const data = type.startsWith("application/json") ? await r.json() : await r.text();
  if (!r.ok) {
    const err = typeof data === "object" && data?.error ? data.error : null;
    // A session that ended while in use sends the user to sign in; the sign-in itself and the
    // session check at start-up (the router's guard) handle their own 401.
    if (r.status === 401 && path !== "/api/v1/sessions" && path !== "/api/v1/me" && !opts.quietUnauthenticated && unauthenticatedHandler) {
      unauthenticatedHandler();
    }
    throw new ApiError(r.status, err?.code ?? "http_" + r.status, err?.message ?? String(data), err?.field ?? null);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal, quietUnauthenticated = false) =>
    request<T>("GET", path, { query, signal, quietUnauthenticated }),
  post: <T>(path: string, json?: unknown, query?: Query) => request<T>("POST", path, { json, query }),
  patch: <T>(path: string, json: unknown, headers?: Record<string, string>) => request<T>("PATCH", path, { json, headers }),
  put: <T>(path: string, json: unknown) => request<T>("PUT", path, { json }),
  del: <T>(path: string, headers?: Record<string, string>) => request<T>("DELETE", path, { headers }),
};
