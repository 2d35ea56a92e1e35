import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const dashboardDir = fileURLToPath(new URL(".", import.meta.url));

/**
 * The dashboard: plain TypeScript and DOM, built into dashboard/dist. The one-machine stack
 * serves that folder at `/` (local/dashboard.ts); SST uploads it as a static site
 * (infra/dashboard.ts) built with VITE_API_URL pointing at the API.
 */
export default defineConfig({
  root: dashboardDir,
  // Relative asset URLs: the same build works at a bucket's root or under any path.
  base: "./",
  // The stack serves the API on the same origin; `vite dev` forwards to a running `npm start`.
  server: { proxy: { "/api": process.env.DASHBOARD_API_PROXY ?? "http://127.0.0.1:8888" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // The zod schemas shared with the API are most of the bundle; one chunk is fine for a tool page.
    chunkSizeWarningLimit: 600,
  },
});
