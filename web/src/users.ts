// Names of users (owners, token holders, audit authors) looked up by id once and shared by the
// screens: lists carry only user ids, and the user list may be far too long to load whole. A
// failed lookup is forgotten so that a later screen tries again; an unknown id stays unnamed.
import { reactive } from "vue";
import { api, ApiError, type Page } from "./api";
import type { User } from "./types";

export const userNames = reactive(new Map<number, string>());
const pending = new Map<number, Promise<string | null>>();

export function rememberUsers(users: { id: number; name: string }[]) {
  for (const u of users) userNames.set(u.id, u.name);
}

export function lookupUser(id: number): Promise<string | null> {
  const known = userNames.get(id);
  if (known !== undefined) return Promise.resolve(known);
  let p = pending.get(id);
  if (!p) {
    p = api
      .get<User>(`/api/v1/users/${id}`)
      .then((u) => {
        userNames.set(u.id, u.name);
        return u.name;
      })
      .catch((e) => {
        pending.delete(id);
        if (e instanceof ApiError && e.status === 404) return null;
        return null;
      });
    pending.set(id, p);
  }
  return p;
}

// Users whose name or email contains `q` (the server's search), a few at a time.
export async function searchUsers(q: string, limit: number, signal?: AbortSignal): Promise<User[]> {
  const page = await api.get<Page<User>>("/api/v1/users", { q: q.trim() || undefined, limit }, signal);
  rememberUsers(page.items);
  return page.items;
}
