import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";

// The build is served by `rapport serve --web-root web/dist` under a Content-Security-Policy
// without inline script or style: everything is in files under /assets, nothing is fetched from
// elsewhere at run time (no CDN, no web fonts).
export default defineConfig({
  plugins: [vue()],
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
