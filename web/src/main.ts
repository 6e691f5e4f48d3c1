import { createApp } from "vue";
import App from "./App.vue";
import { i18n } from "./i18n";
import { router } from "./router";
import { onUnauthenticated } from "./api";
import { forgetSession } from "./session";
import "./style.css";

onUnauthenticated(() => {
  forgetSession();
  if (router.currentRoute.value.name !== "sign-in") {
    void router.push({ name: "sign-in", query: { next: router.currentRoute.value.fullPath } });
  }
});

createApp(App).use(i18n).use(router).mount("#app");
