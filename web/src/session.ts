// The signed-in user (cookie session) and what their role may do. The role checks only decide
// what the UI offers; the server checks every request itself.
import { computed, ref } from "vue";
import { api, ApiError, setCsrfToken } from "./api";
import type { Role, User } from "./types";

export const user = ref<User | null>(null);
export const sessionChecked = ref(false);

export async function loadSession(): Promise<void> {
  try {
    user.value = await api.get<User>("/api/v1/me");
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    user.value = null;
  } finally {
    sessionChecked.value = true;
  }
}

export async function signIn(email: string, password: string): Promise<void> {
  const r = await api.post<{ user: User; csrf_token: string }>("/api/v1/sessions", { email, password, cookie: true });
  setCsrfToken(r.csrf_token);
  user.value = r.user;
}

export async function signOut(): Promise<void> {
  try {
    await api.del("/api/v1/sessions/current");
  } finally {
    setCsrfToken(null);
    user.value = null;
  }
}

export function forgetSession() {
  setCsrfToken(null);
  user.value = null;
}

type Capability =
  | "customers.write"
  | "customers.delete"
  | "export"
  | "tickets.read"
  | "tickets.write"
  | "analytics.refresh"
  | "users.read"
  | "users.write"
  | "tokens.manage"
  | "audit.read"
  | "settings.write"
  | "loyalty.write"
  | "loyalty.adjust"
  | "orders.write"
  | "promotions.write"
  | "reviews.write"
  | "reviews.moderate"
  | "surveys.write"
  | "kb.write"
  | "admin";

const rules: Record<Capability, (r: Role) => boolean> = {
  "customers.write": (r) => r !== "analyst",
  "customers.delete": (r) => r === "admin" || r === "manager",
  export: (r) => r === "admin" || r === "manager" || r === "analyst",
  "tickets.read": (r) => r !== "analyst",
  "tickets.write": (r) => r === "admin" || r === "manager" || r === "service",
  "analytics.refresh": (r) => r === "admin" || r === "manager" || r === "analyst",
  "users.read": (r) => r === "admin" || r === "manager",
  "users.write": (r) => r === "admin",
  "tokens.manage": (r) => r === "admin",
  "audit.read": (r) => r === "admin" || r === "manager",
  "settings.write": (r) => r === "admin",
  "loyalty.write": (r) => r !== "analyst",
  "loyalty.adjust": (r) => r === "admin" || r === "manager",
  "orders.write": (r) => r !== "analyst",
  "promotions.write": (r) => r === "admin" || r === "manager",
  "reviews.write": (r) => r !== "analyst",
  "reviews.moderate": (r) => r === "admin" || r === "manager" || r === "service",
  "surveys.write": (r) => r !== "analyst",
  "kb.write": (r) => r === "admin" || r === "manager" || r === "service",
  admin: (r) => r === "admin" || r === "manager",
};

export function can(c: Capability): boolean {
  return !!user.value && rules[c](user.value.role);
}

export const role = computed(() => user.value?.role ?? null);
