/** The CLI's command line: flags → values, values → the create-task body, and usage errors. */
import { describe, expect, it } from "vitest";
import { commandWords, durationOption, GLOBAL_OPTIONS, jsonOrText, parseCommandLine } from "../../cli/args.js";
import { UsageError } from "../../cli/errors.js";
import { buildTaskBody, CREATE_OPTIONS, parseBodyText, parseUrlLines } from "../../cli/taskBody.js";

const createFlags = { ...GLOBAL_OPTIONS, ...CREATE_OPTIONS };

function body(...argv: string[]) {
  return buildTaskBody(parseCommandLine(["tasks", "create", ...argv], createFlags).values);
}

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected a UsageError");
}

describe("command words", () => {
  it("are the first two positionals, wherever the global flags are", () => {
    expect(commandWords(["--api-url", "http://x", "tasks", "--json", "list"]).words).toEqual(["tasks", "list"]);
    expect(commandWords(["tasks", "get", "ID", "--help"])).toEqual({ words: ["tasks", "get"], help: true });
    expect(commandWords(["-h"])).toEqual({ words: [], help: true });
  });
});

describe("parseCommandLine", () => {
  it("keeps repeated flags in order and positionals after the command words", () => {
    const { values, positionals } = parseCommandLine(
      ["tasks", "create", "--url", "http://a/", "--url=http://b/", "--json"],
      createFlags,
    );
    expect(values.url).toEqual(["http://a/", "http://b/"]);
    expect(values.json).toBe(true);
    expect(positionals).toEqual(["tasks", "create"]);
  });

  it("refuses unknown flags, missing values and values on switches in one line naming the flag", () => {
    expect(usageMessage(() => parseCommandLine(["tasks", "create", "--urll", "x"], createFlags))).toBe(
      "unknown option --urll",
    );
    expect(usageMessage(() => parseCommandLine(["tasks", "create", "--max-pages"], createFlags))).toBe(
      "--max-pages: needs a value",
    );
    expect(usageMessage(() => parseCommandLine(["tasks", "create", "--url", "--json"], createFlags))).toMatch(
      /^--url: needs a value \(/,
    );
    expect(usageMessage(() => parseCommandLine(["tasks", "create", "--json=yes"], createFlags))).toBe(
      "--json: takes no value",
    );
    for (const argv of [["--urll"], ["--max-pages"], ["--url", "--json"]]) {
      expect(usageMessage(() => parseCommandLine(argv, createFlags))).not.toContain("\n");
    }
  });
});

describe("buildTaskBody", () => {
  it("maps the web flags to the API's fields", () => {
    expect(
      body(
        "--platform",
        "web",
        "--type",
        "crawl",
        "--url",
        "http://a/",
        "--url",
        "http://b/",
        "--max-pages",
        "0",
        "--max-depth",
        "3",
        "--include",
        "^/docs",
        "--exclude",
        "\\.pdf$",
        "--any-origin",
        "--selector",
        "title=h1",
        "--selector",
        "price=.p span",
        "--wait-for",
        "#done",
        "--wait-until",
        "networkidle",
        "--page-timeout",
        "20",
        "--block",
        "none",
        "--max-attempts",
        "2",
        "--max-duration",
        "5m",
        "--webhook-url",
        "https://hooks.example/x",
        "--webhook-event",
        "task.started,task.page",
        "--webhook-event",
        "task.completed",
      ),
    ).toEqual({
      platform: "web",
      crawler_type: "crawl",
      urls: ["http://a/", "http://b/"],
      // Range checks are the API's: 0 is sent, so its field-named 400 is what users see.
      max_pages: 0,
      max_depth: 3,
      include: ["^/docs"],
      exclude: ["\\.pdf$"],
      same_origin: false,
      selectors: { title: "h1", price: ".p span" },
      wait_for: "#done",
      wait_until: "networkidle",
      page_timeout_secs: 20,
      block_resources: [],
      max_attempts: 2,
      max_duration_secs: 300,
      webhook_url: "https://hooks.example/x",
      webhook_events: ["task.started", "task.page", "task.completed"],
    });
  });

  it("maps the web reading flags: render, formats, main content, robots.txt, sitemaps, settle", () => {
    expect(
      body(
        "--platform",
        "web",
        "--type",
        "crawl",
        "--url",
        "http://a/",
        "--render",
        "never",
        "--format",
        "markdown,links",
        "--format",
        "text",
        "--main-content",
        "--ignore-robots",
        "--sitemap",
        "include",
        "--settle-max",
        "8",
      ),
    ).toEqual({
      platform: "web",
      crawler_type: "crawl",
      urls: ["http://a/"],
      render: "never",
      formats: ["markdown", "links", "text"],
      only_main_content: true,
      respect_robots_txt: false,
      sitemap: "include",
      settle_max_secs: 8,
    });
  });

  it("reads a --urls-file one URL a line, without blanks and # comments", () => {
    expect(parseUrlLines("# batch\nhttps://a.example/1\r\n\n  https://b.example/2  \n#https://skipped\n")).toEqual([
      "https://a.example/1",
      "https://b.example/2",
    ]);
  });

  it("maps the media flags, splitting comma lists as the API does", () => {
    expect(
      body(
        "--platform",
        "dy",
        "--type",
        "search",
        "--keyword",
        "咖啡,tea",
        "--keyword",
        "milk，juice",
        "--id",
        "1,2",
        "--creator",
        "c1",
        "--start-page",
        "2",
        "--sort",
        "latest",
        "--comments",
        "--sub-comments",
        "--max-notes",
        "5",
        "--max-comments",
        "0",
        "--account",
        "01ACCOUNT",
        "--proxy",
        "http://u:p@proxy:8080",
        "--keep-user-info",
        "--download-media",
        "--publish-time",
        "7",
        "--time-interval",
        "a_week",
        "--vertical",
        "answer",
        "--note-type",
        "video",
        "--tieba-name",
        "原神,显卡",
        "--start-day",
        "2024-01-05",
        "--end-day",
        "2024-01-07",
        "--max-per-day",
        "10",
      ),
    ).toEqual({
      platform: "dy",
      crawler_type: "search",
      keywords: ["咖啡", "tea", "milk", "juice"],
      specified_ids: ["1", "2"],
      creator_ids: ["c1"],
      start_page: 2,
      sort: "latest",
      enable_comments: true,
      enable_sub_comments: true,
      max_notes_count: 5,
      max_comments_count: 0,
      account: "01ACCOUNT",
      proxy: "http://u:p@proxy:8080",
      keep_user_info: true,
      download_media: true,
      publish_time: 7,
      time_interval: "a_week",
      vertical: "answer",
      note_type: "video",
      tieba_names: ["原神", "显卡"],
      start_day: "2024-01-05",
      end_day: "2024-01-07",
      max_notes_per_day: 10,
    });
  });

  it("lets --param override named flags and --body, with JSON values when they parse", () => {
    const values = parseCommandLine(
      [
        "tasks",
        "create",
        "--max-pages",
        "5",
        "--param",
        "max_pages=7",
        "--param",
        "same_origin=false",
        "--param",
        "sort=latest",
        "--param",
        'selectors={"a":"h1"}',
        "--param",
        "note=a=b",
      ],
      createFlags,
    ).values;
    expect(
      buildTaskBody(values, { platform: "web", crawler_type: "detail", urls: ["http://x/"], max_pages: 1 }),
    ).toEqual({
      platform: "web",
      crawler_type: "detail",
      urls: ["http://x/"],
      max_pages: 7,
      same_origin: false,
      sort: "latest",
      selectors: { a: "h1" },
      note: "a=b",
    });
  });

  it("refuses malformed values before anything is sent", () => {
    expect(usageMessage(() => body("--platform", "web", "--max-pages", "ten"))).toBe(
      '--max-pages: must be a whole number (got "ten")',
    );
    expect(usageMessage(() => body("--platform", "web", "--max-pages", "1.5"))).toBe(
      '--max-pages: must be a whole number (got "1.5")',
    );
    expect(usageMessage(() => body("--platform", "web", "--param", "novalue"))).toBe(
      '--param: must be key=value (got "novalue")',
    );
    expect(usageMessage(() => body("--platform", "web", "--selector", "=h1"))).toBe(
      '--selector: must be key=value (got "=h1")',
    );
    expect(usageMessage(() => body("--type", "crawl"))).toMatch(/^--platform: is required/);
    expect(usageMessage(() => body("--platform", "web", "--max-duration", "soon"))).toMatch(
      /^--max-duration: must be a duration/,
    );
  });

  it("takes the platform from --body alone", () => {
    expect(buildTaskBody({}, parseBodyText('{"platform":"web","urls":["http://x/"]}', "task.json"))).toEqual({
      platform: "web",
      urls: ["http://x/"],
    });
    expect(usageMessage(() => parseBodyText("[1]", "task.json"))).toBe("--body: task.json must hold a JSON object");
    expect(usageMessage(() => parseBodyText("{nope", "stdin"))).toMatch(/^--body: stdin is not valid JSON \(/);
  });
});

describe("small parsers", () => {
  it("reads durations in seconds, minutes and hours", () => {
    expect(durationOption({ timeout: "90" }, "timeout")).toBe(90);
    expect(durationOption({ timeout: "90s" }, "timeout")).toBe(90);
    expect(durationOption({ timeout: "5m" }, "timeout")).toBe(300);
    expect(durationOption({ timeout: "2h" }, "timeout")).toBe(7200);
    expect(durationOption({}, "timeout")).toBeUndefined();
    expect(usageMessage(() => durationOption({ timeout: "0" }, "timeout"))).toMatch(/^--timeout: must be a duration/);
    expect(usageMessage(() => durationOption({ timeout: "-5" }, "timeout"))).toMatch(/^--timeout: must be a duration/);
  });

  it("treats --param values as JSON when they parse, text otherwise", () => {
    expect(jsonOrText("5")).toBe(5);
    expect(jsonOrText("true")).toBe(true);
    expect(jsonOrText('["a"]')).toEqual(["a"]);
    expect(jsonOrText('"123"')).toBe("123");
    expect(jsonOrText("latest")).toBe("latest");
    expect(jsonOrText("")).toBe("");
  });
});
