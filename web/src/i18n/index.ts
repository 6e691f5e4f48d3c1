// English and Simplified Chinese. Every label of the UI is a key here; dates, numbers and money
// go through Intl with the same locale (format.ts). The choice is remembered in localStorage and
// defaults to the browser's language.
import { createI18n } from "vue-i18n";
import { ref, watch } from "vue";
import en from "./en";
import zh from "./zh";

export type Locale = "en" | "zh-CN";
export const LOCALES: { code: Locale; label: string }[] = [
  { code: "en", label: "English" },
  { code: "zh-CN", label: "简体中文" },
];

function initial(): Locale {
  const saved = localStorage.getItem("rapport.locale");
  if (saved === "en" || saved === "zh-CN") return saved;
  return navigator.language.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

export const locale = ref<Locale>(initial());

export const i18n = createI18n({
  legacy: false,
  locale: locale.value,
  fallbackLocale: "en",
  messages: { en, "zh-CN": zh },
  missingWarn: false,
  fallbackWarn: false,
});

watch(locale, (l) => {
  i18n.global.locale.value = l;
  localStorage.setItem("rapport.locale", l);
  document.documentElement.lang = l;
}, { immediate: true });

// The label of a value that comes from data (a timeline kind, a channel): its translation when
// there is one, else the value itself, so a kind added on the server later still shows.
export function label(prefix: string, key: string): string {
  const path = `${prefix}.${key}`;
  return i18n.global.te(path) ? i18n.global.t(path) : key;
}
