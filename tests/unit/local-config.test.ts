import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../core/auth/index.js";
import { isLoopbackHost, loadStackConfig, StackConfigError } from "../../local/config.js";

const KEY = "local-key-0123456789";

function errorOf(env: NodeJS.ProcessEnv): string {
  try {
    loadStackConfig(env, "/srv/app");
  } catch (error) {
    expect(error).toBeInstanceOf(StackConfigError);
    return (error as Error).message;
  }
  throw new Error("no error");
}

describe("loadStackConfig", () => {
  it("has the documented defaults", () => {
    expect(loadStackConfig({}, "/srv/app")).toEqual({
      host: "127.0.0.1",
      port: 8888,
      dynamoPort: 8889,
      sqsPort: 8890,
      dataDir: "./.data",
      dataDirPath: "/srv/app/.data",
      crawlConcurrency: 2,
      crawlerTimeoutSecs: 300,
      workerWatchdogSecs: 30,
      tasksTable: "tasks",
      resultsTable: "results",
      queueName: "crawl-tasks",
      deadLetterQueueName: "crawl-tasks-dlq",
      maxReceiveCount: 10,
      logLevel: "WARN",
      sweepIntervalSecs: 60,
      stalePendingSecs: 120,
      resultRetentionDays: 0,
      allowPrivateTargets: true,
      allowedHosts: [],
    });
  });

  it("derives the other ports from PORT, or free ones when PORT is 0", () => {
    expect(loadStackConfig({ PORT: "9000" })).toMatchObject({ port: 9000, dynamoPort: 9001, sqsPort: 9002 });
    expect(loadStackConfig({ PORT: "0" })).toMatchObject({ port: 0, dynamoPort: 0, sqsPort: 0 });
    expect(loadStackConfig({ PORT: "9000", SQS_PORT: "7000" })).toMatchObject({ dynamoPort: 9001, sqsPort: 7000 });
  });

  it("reads values, ignoring empty ones, and upper-cases LOG_LEVEL", () => {
    const config = loadStackConfig(
      { HOST: "0.0.0.0", API_KEY: KEY, CRAWL_CONCURRENCY: " 4 ", LOG_LEVEL: "debug", DATA_DIR: "", TASKS_TABLE: "t-1" },
      "/x",
    );
    expect(config).toMatchObject({
      host: "0.0.0.0",
      crawlConcurrency: 4,
      logLevel: "DEBUG",
      dataDirPath: "/x/.data",
      tasksTable: "t-1",
    });
  });

  it("reads ALLOWED_HOSTS as lower-case names with optional ports, and refuses anything else", () => {
    expect(loadStackConfig({ ALLOWED_HOSTS: "Crawler.LAN, 192.168.1.20:9000,[fe80::1]" }, "/w").allowedHosts).toEqual([
      "crawler.lan",
      "192.168.1.20:9000",
      "[fe80::1]",
    ]);
    expect(loadStackConfig({}, "/w").allowedHosts).toEqual([]);
    expect(() => loadStackConfig({ ALLOWED_HOSTS: "evil.example/x" }, "/w")).toThrow(
      /ALLOWED_HOSTS must be comma-separated host names/,
    );
  });

  it("names the variable, the rule and the value in one line", () => {
    expect(errorOf({ PORT: "http" })).toBe('PORT must be a whole number from 0 to 65535 (got "http")');
    expect(errorOf({ PORT: "70000" })).toBe('PORT must be at most 65535 (got "70000")');
    expect(errorOf({ CRAWLER_TIMEOUT_SECS: "5" })).toBe('CRAWLER_TIMEOUT_SECS must be at least 10 (got "5")');
    expect(errorOf({ WORKER_WATCHDOG_SECS: "60" })).toBe('WORKER_WATCHDOG_SECS must be at most 40 (got "60")');
    expect(errorOf({ LOG_LEVEL: "loud" })).toMatch(
      /^LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT \(got "loud"\)$/,
    );
    expect(errorOf({ TASKS_TABLE: "my table" })).toMatch(/^TASKS_TABLE must be 1-80 letters/);
  });

  it("refuses ports that clash or overflow", () => {
    expect(errorOf({ PORT: "9000", SQS_PORT: "9000" })).toBe(
      "SQS_PORT 9000 is used twice; PORT, DYNAMODB_PORT and SQS_PORT must differ",
    );
    expect(errorOf({ PORT: "65535" })).toBe("PORT 65535 leaves no room for DYNAMODB_PORT and SQS_PORT; set them too");
  });

  it("keeps only the digests of API_KEY, never the key", () => {
    const config = loadStackConfig({ API_KEY: ` ${KEY} ` });
    expect(config.apiKeySha256).toBe(sha256Hex(KEY));
    expect(JSON.stringify(config)).not.toContain(KEY);
    expect(loadStackConfig({ API_KEY: `${KEY},${KEY}2` }).apiKeySha256).toBe(
      `${sha256Hex(KEY)},${sha256Hex(`${KEY}2`)}`,
    );
    expect(loadStackConfig({ API_KEY: "" }).apiKeySha256).toBeUndefined();
    expect(errorOf({ API_KEY: "," })).toBe("API_KEY: no key given (keys are comma-separated) (value not shown)");
    const message = errorOf({ API_KEY: "too-short" });
    expect(message).toBe(
      'API_KEY: key 1 of 1 must be 16–512 visible ASCII characters other than "," (value not shown)',
    );
    expect(message).not.toContain("too-short");
  });

  it("refuses a non-loopback HOST without API_KEY", () => {
    expect(errorOf({ HOST: "0.0.0.0" })).toBe(
      "HOST 0.0.0.0 is not a loopback address and API_KEY is not set: set API_KEY so the API requires a key, or use HOST=127.0.0.1",
    );
    expect(errorOf({ HOST: "::" })).toMatch(/^HOST :: is not a loopback address/);
    expect(errorOf({ HOST: "my-laptop.lan" })).toMatch(/^HOST my-laptop.lan is not a loopback address/);
    for (const host of ["127.0.0.1", "127.8.9.10", "::1", "localhost"])
      expect(loadStackConfig({ HOST: host }).host).toBe(host);
  });

  it("knows loopback addresses", () => {
    for (const host of ["127.0.0.1", "127.255.255.254", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "LOCALHOST"])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of ["0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "192.168.1.2", "::2", "localhost.example.com"])
      expect(isLoopbackHost(host)).toBe(false);
  });

  it("allows private crawl targets by default on loopback only", () => {
    expect(loadStackConfig({}).allowPrivateTargets).toBe(true);
    expect(loadStackConfig({ HOST: "0.0.0.0", API_KEY: KEY }).allowPrivateTargets).toBe(false);
    expect(loadStackConfig({ ALLOW_PRIVATE_TARGETS: "0" }).allowPrivateTargets).toBe(false);
    expect(loadStackConfig({ HOST: "0.0.0.0", API_KEY: KEY, ALLOW_PRIVATE_TARGETS: "1" }).allowPrivateTargets).toBe(
      true,
    );
    expect(errorOf({ ALLOW_PRIVATE_TARGETS: "yes" })).toBe('ALLOW_PRIVATE_TARGETS must be "0" or "1" (got "yes")');
  });
});
