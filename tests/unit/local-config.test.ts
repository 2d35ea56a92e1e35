import { describe, expect, it } from "vitest";
import { loadStackConfig, StackConfigError } from "../../local/config.js";

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
      tasksTable: "tasks",
      resultsTable: "results",
      queueName: "crawl-tasks",
      deadLetterQueueName: "crawl-tasks-dlq",
      maxReceiveCount: 10,
      logLevel: "WARN",
      sweepIntervalSecs: 60,
      stalePendingSecs: 120,
    });
  });

  it("derives the other ports from PORT, or free ones when PORT is 0", () => {
    expect(loadStackConfig({ PORT: "9000" })).toMatchObject({ port: 9000, dynamoPort: 9001, sqsPort: 9002 });
    expect(loadStackConfig({ PORT: "0" })).toMatchObject({ port: 0, dynamoPort: 0, sqsPort: 0 });
    expect(loadStackConfig({ PORT: "9000", SQS_PORT: "7000" })).toMatchObject({ dynamoPort: 9001, sqsPort: 7000 });
  });

  it("reads values, ignoring empty ones, and upper-cases LOG_LEVEL", () => {
    const config = loadStackConfig({ HOST: "0.0.0.0", CRAWL_CONCURRENCY: " 4 ", LOG_LEVEL: "debug", DATA_DIR: "", TASKS_TABLE: "t-1" }, "/x");
    expect(config).toMatchObject({ host: "0.0.0.0", crawlConcurrency: 4, logLevel: "DEBUG", dataDirPath: "/x/.data", tasksTable: "t-1" });
  });

  it("names the variable, the rule and the value in one line", () => {
    expect(errorOf({ PORT: "http" })).toBe('PORT must be a whole number from 0 to 65535 (got "http")');
    expect(errorOf({ PORT: "70000" })).toBe('PORT must be at most 65535 (got "70000")');
    expect(errorOf({ CRAWLER_TIMEOUT_SECS: "5" })).toBe('CRAWLER_TIMEOUT_SECS must be at least 10 (got "5")');
    expect(errorOf({ LOG_LEVEL: "loud" })).toMatch(/^LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT \(got "loud"\)$/);
    expect(errorOf({ TASKS_TABLE: "my table" })).toMatch(/^TASKS_TABLE must be 1-80 letters/);
  });

  it("refuses ports that clash or overflow", () => {
    expect(errorOf({ PORT: "9000", SQS_PORT: "9000" })).toBe("SQS_PORT 9000 is used twice; PORT, DYNAMODB_PORT and SQS_PORT must differ");
    expect(errorOf({ PORT: "65535" })).toBe("PORT 65535 leaves no room for DYNAMODB_PORT and SQS_PORT; set them too");
  });
});
