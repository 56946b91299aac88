/// <reference types="vitest/config" />
import { VantResolver } from "@vant/auto-import-resolver";
import vue from "@vitejs/plugin-vue";
import AutoImport from "unplugin-auto-import/vite";
import Components from "unplugin-vue-components/vite";
import { defineConfig } from "vite";

// One build for every deployment and province: config.json and /v1/meta say the rest.
export default defineConfig({
  // Relative asset paths: the same files serve at /h5/ locally and at any path of the host's domain.
  base: "./",
  plugins: [
    vue(),
    // Only Vant's functions (showToast, showDialog) are auto-imported; Vue's own APIs are imported explicitly.
    AutoImport({ resolvers: [VantResolver()], dts: "src/auto-imports.d.ts" }),
    Components({ resolvers: [VantResolver()], dts: "src/components.d.ts" }),
  ],
  build: { outDir: "dist", emptyOutDir: true },
  // The workspace (hoisted packages), docs/ (whose mini-program snippets the tests run) and the
  // provinces' regions files (whose seats the tests use).
  server: { fs: { allow: ["..", "../../docs", "../../shared/data", "../../provinces"] } },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    server: { deps: { inline: ["vant"] } },
  },
});
