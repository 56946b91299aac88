/// <reference types="vitest/config" />
import vue from "@vitejs/plugin-vue";
import AutoImport from "unplugin-auto-import/vite";
import { ElementPlusResolver } from "unplugin-vue-components/resolvers";
import Components from "unplugin-vue-components/vite";
import { defineConfig } from "vite";

// `vite build --mode demo` adds the demo sign-in of scripts/local; a plain build has no trace of it.
export default defineConfig({
  // Relative asset paths: the same files serve at /admin/ locally and at a CloudFront root.
  base: "./",
  plugins: [
    vue(),
    // Only the UI kit's functions (ElMessage, ElMessageBox) are auto-imported; Vue's own APIs are imported explicitly.
    AutoImport({ resolvers: [ElementPlusResolver()], dts: "src/auto-imports.d.ts" }),
    Components({ resolvers: [ElementPlusResolver()], dts: "src/components.d.ts" }),
  ],
  // The dashboard chunk carries ECharts (about 200 KB gzipped) and loads on that route alone.
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 700 },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    server: { deps: { inline: ["element-plus"] } },
  },
});
