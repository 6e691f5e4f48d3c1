import { defineConfig, type HtmlTagDescriptor, type Plugin } from "vite";
import vue from "@vitejs/plugin-vue";

// The first screen after signing in is the dashboard: its chunk (with the chunks it imports) and
// the chart library are fetched and compiled in parallel with the app's own chunk, announced in
// index.html as <link rel="modulepreload">, instead of one after the other (app, then the session
// check, then the screen, then its charts). A preload is only fetched and compiled: the chart
// library still runs when the first chart is drawn, after the figures are on screen.
const PRELOADED_CHUNKS = ["Dashboard", "charts"];
function preloadFirstScreen(): Plugin {
  return {
    name: "rapport-preload-first-screen",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return [];
        const files = new Set<string>();
        const add = (fileName: string) => {
          const c = bundle[fileName];
          if (!c || c.type !== "chunk" || c.isEntry || files.has(fileName)) return;
          files.add(fileName);
          c.imports.forEach(add);
        };
        for (const name of PRELOADED_CHUNKS) {
          const chunk = Object.values(bundle).find((c) => c.type === "chunk" && c.name === name);
          if (!chunk) throw new Error(`preloadFirstScreen: no chunk named ${name}`);
          add(chunk.fileName);
        }
        return [...files].map<HtmlTagDescriptor>((f) => ({
          tag: "link",
          attrs: { rel: "modulepreload", crossorigin: true, href: `/${f}` },
          injectTo: "head",
        }));
      },
    },
  };
}

// The build is served by `rapport serve --web-root web/dist` under a Content-Security-Policy
// without inline script or style: everything is in files under /assets, nothing is fetched from
// elsewhere at run time (no CDN, no web fonts).
export default defineConfig({
  plugins: [vue(), preloadFirstScreen()],
  define: {
    __VUE_OPTIONS_API__: "false",
    __VUE_PROD_DEVTOOLS__: "false",
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: "false",
    __VUE_I18N_FULL_INSTALL__: "false",
    __VUE_I18N_LEGACY_API__: "false",
    __INTLIFY_PROD_DEVTOOLS__: "false",
  },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    // No inlined assets as data: URLs beyond small images (img-src allows data:).
    assetsInlineLimit: 2048,
    chunkSizeWarningLimit: 700,
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev` next to a running `rapport serve` on :8080.
    proxy: { "/api": "http://127.0.0.1:8080" },
  },
});
