import { createRouter, createWebHistory } from "vue-router";
import { user, sessionChecked, loadSession } from "./session";
import { prefetchDashboard } from "./dashboardData";

// Screens are separate chunks, fetched when first opened.
export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: "/sign-in", name: "sign-in", component: () => import("./views/SignIn.vue"), meta: { public: true } },
    { path: "/", name: "dashboard", component: () => import("./views/Dashboard.vue") },
    { path: "/customers", name: "customers", component: () => import("./views/Customers.vue") },
    { path: "/customers/:id(\\d+)", name: "customer", component: () => import("./views/Customer360.vue"), props: true },
    { path: "/service", name: "service", component: () => import("./views/Service.vue") },
    { path: "/tickets/:id(\\d+)", name: "ticket", component: () => import("./views/TicketPage.vue"), props: true },
    { path: "/products", name: "products", component: () => import("./views/Products.vue") },
    { path: "/products/:id(\\d+)", name: "product", component: () => import("./views/ProductPage.vue"), props: true },
    { path: "/kb", name: "kb", component: () => import("./views/KnowledgeBase.vue") },
    { path: "/kb/new", name: "kb-new", component: () => import("./views/KbArticlePage.vue") },
    { path: "/kb/articles/:id(\\d+)", name: "kb-article", component: () => import("./views/KbArticlePage.vue"), props: true },
    { path: "/surveys", name: "surveys", component: () => import("./views/Surveys.vue") },
    { path: "/loyalty", name: "loyalty", component: () => import("./views/Loyalty.vue") },
    { path: "/analytics", name: "analytics", component: () => import("./views/Analytics.vue") },
    { path: "/admin/:tab(users|tokens|settings|audit)?", name: "admin", component: () => import("./views/Admin.vue"), props: true },
    { path: "/:rest(.*)*", name: "not-found", component: () => import("./views/NotFound.vue") },
  ],
});

// The screen's chunk is asked for at once, alongside the session check, rather than after it
// (the router resolves lazy screens only once the guards are done; the second call is served by
// the module map). The chart library is not loaded here: index.html preloads it (see
// vite.config.ts) and the first chart mounted runs it, after the screen's figures are shown.
router.beforeEach(async (to) => {
  for (const record of to.matched) {
    const screen = record.components?.default;
    if (typeof screen === "function") void (screen as () => Promise<unknown>)();
  }
  if (!sessionChecked.value) {
    if (to.name === "dashboard") prefetchDashboard();
    try {
      await loadSession();
    } catch {
      // The server is unreachable: the sign-in page says so when used.
    }
  }
  if (!to.meta.public && !user.value) return { name: "sign-in", query: to.fullPath !== "/" ? { next: to.fullPath } : {} };
  if (to.name === "sign-in" && user.value) return { name: "dashboard" };
  return true;
});
