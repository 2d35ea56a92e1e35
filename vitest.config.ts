import { defineConfig } from "vitest/config";

// Two cores: integration files each start Chromium and embedded servers,
// so run at most two files at once and give real-browser tests room.
export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default", "./tests/support/summaryReporter.ts"],
  },
});
