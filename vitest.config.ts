import { defineConfig } from "vitest/config";

// Two cores: integration files each start Chromium and embedded servers,
// so run at most two files at once and give real-browser tests room.
export default defineConfig({
  test: {
    // The load test (minutes long, faults injected) runs only through `npm run test:load`.
    include: process.env.VITEST_LOAD
      ? ["tests/load/**/*.test.ts"]
      : ["tests/{unit,integration,e2e,artifacts}/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default", "./tests/support/summaryReporter.ts"],
    // Test sites live on 127.0.0.1, which the crawler's egress policy refuses by default;
    // tests/integration/ssrf.test.ts passes an explicit strict policy instead.
    // Media crawls hash creator ids with CREATOR_HASH_SECRET (core/platforms/media/privacy.ts)
    // and refuse to run without it; MEDIA_DELAY_SCALE=0 drops their human-like pauses.
    // ACCOUNTS_ENCRYPTION_KEY: stored cookies and a task's credentialed proxy are sealed with it
    // (core/tasks/proxySecret.ts), on AWS and on one machine alike.
    env: {
      ALLOW_PRIVATE_TARGETS: "1",
      CREATOR_HASH_SECRET: "test-creator-hash-secret-0123456789",
      MEDIA_DELAY_SCALE: "0",
      ACCOUNTS_ENCRYPTION_KEY: "dGVzdC1hY2NvdW50cy1rZXktMzItYnl0ZXMtbG9uZyE=",
    },
  },
});
