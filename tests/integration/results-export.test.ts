/**
 * Exports through the real API handler against real dynalite: thousands of stored
 * results fetched page by page as csv and jsonl, the page bodies concatenated and read
 * back as one file.
 */
import { WEB_BASE_COLUMNS } from "../support/webColumns.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toResultItem } from "../../core/platforms/media/crawl.js";
import { noteRecord } from "../../core/platforms/xhs/items.js";
import type { ResultItem } from "../../core/platforms/types.js";
import { encodeCursor } from "../../core/pagination.js";
import { DynamoResultStore } from "../../core/results/store.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { csvObjects } from "../support/csv.js";
import { httpEvent, lambdaContext } from "../support/events.js";

let aws: TestAws;
let handler: typeof import("../../functions/api/handler.js").handler;
let store: DynamoResultStore;

type Json = { code: number; message: string; data: any };

async function call(method: string, path: string, body?: object) {
  const response = await handler(httpEvent(method, path, body === undefined ? {} : { body }), lambdaContext());
  const contentType = response.headers?.["content-type"] ?? "";
  const json = contentType.startsWith("application/json") ? (JSON.parse(response.body ?? "") as Json) : undefined;
  return { status: response.statusCode, body: json as Json, raw: response.body ?? "", headers: response.headers ?? {} };
}

async function createTask(body: object): Promise<string> {
  const created = await call("POST", "/api/v1/tasks", body);
  expect(created.status).toBe(201);
  return created.body.data.task_id as string;
}

/** Every page of an export, following x-next-cursor. */
async function fetchPages(taskId: string, query: string): Promise<string[]> {
  const bodies: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(
      "GET",
      `/api/v1/tasks/${taskId}/results?${query}${cursor === undefined ? "" : `&cursor=${cursor}`}`,
    );
    expect(page.status, page.raw.slice(0, 300)).toBe(200);
    bodies.push(page.raw);
    cursor = page.headers["x-next-cursor"];
  } while (cursor !== undefined);
  return bodies;
}

const ITEMS = 2_500;
const PAGE = 200;

/** Web page items with what makes CSV hard: quotes, commas, newlines, formulas, Chinese, nesting, missing fields. */
function webItem(i: number): ResultItem {
  const failed = i % 5 === 0;
  const titles = [
    `商品 ${i}`,
    `Item ${i}, "special" edition`,
    `line one\nline two ${i}`,
    `=HYPERLINK("http://evil/${i}")`,
    `-${i} degrees`,
    `@mention ${i}`,
    `+${i}`,
  ];
  const data: Record<string, unknown> = {
    platform: "web",
    item_type: "page",
    url: `https://shop.example/p/${i}`,
    final_url: failed ? null : `https://shop.example/p/${i}?ref=1`,
    status: failed ? 404 : 200,
    title: failed ? null : titles[i % titles.length],
    description: i % 3 === 0 ? null : `desc\r\nwith CRLF ${i}`,
    text: failed ? null : `正文 ${i} `.repeat(20),
    truncated: false,
    links: failed ? null : i % 17,
    depth: i % 3,
    fetched_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60)).toISOString(),
    content_type: failed ? null : "text/html",
    error: failed ? { code: "HTTP_404", message: `not found, "page" ${i}` } : null,
    blocked_requests: i % 11 === 0 ? [{ url: "http://10.0.0.1/x", reason: "private address" }] : [],
    // A field no column declares: jsonl keeps it, csv cannot show it.
    debug: { deep: { n: i } },
  };
  // Half the items lack the selector field altogether: the columns must not change with them.
  if (i % 2 === 0) data.price = `¥${i}.00`;
  return { item_key: `page:https://shop.example/p/${i}`, ok: !failed, data };
}

const WEB_COLUMNS = [...WEB_BASE_COLUMNS, "price"];

/** What a spreadsheet-safe cell shows for a stored text value. */
const shown = (value: unknown): string =>
  value === null || value === undefined
    ? ""
    : typeof value === "string" && /^[=+\-@\t\r]/.test(value)
      ? `'${value}`
      : typeof value === "object"
        ? JSON.stringify(value)
        : String(value);

let bigTask: string;
let smallTask: string;
const bigItems = new Map<string, ResultItem>();

beforeAll(async () => {
  aws = await startTestAws();
  ({ handler } = await import("../../functions/api/handler.js"));
  store = new DynamoResultStore(aws.clients.doc, aws.resultsTable);
  const webTask = {
    platform: "web",
    crawler_type: "crawl",
    urls: ["https://shop.example/"],
    selectors: { price: ".price" },
  };
  bigTask = await createTask(webTask);
  smallTask = await createTask(webTask);
  const items = Array.from({ length: ITEMS }, (_, i) => webItem(i));
  for (const item of items) bigItems.set(item.item_key, item);
  // putMany writes in BatchWriteItem batches of 25.
  await store.putMany(bigTask, items);
  await store.putMany(
    smallTask,
    Array.from({ length: 30 }, (_, i) => ({ ...webItem(100_000 + i) })),
  );
}, 300_000);

afterAll(async () => {
  await aws?.close();
});

describe("csv export", () => {
  it(`pages of ${PAGE} concatenate into one CSV with every item once, fixed columns, BOM and header once`, async () => {
    const bodies = await fetchPages(bigTask, `format=csv&limit=${PAGE}&bom=1`);
    expect(bodies.length).toBeGreaterThanOrEqual(Math.ceil(ITEMS / PAGE));
    const header = `${WEB_COLUMNS.join(",")}\r\n`;
    expect(bodies[0]!.startsWith(`\uFEFF${header}`)).toBe(true);
    for (const body of bodies.slice(1)) {
      expect(body.includes("\uFEFF")).toBe(false);
      expect(body.startsWith(header)).toBe(false);
    }
    const file = bodies.join("");
    expect(file.endsWith("\r\n")).toBe(true);

    const { header: columns, rows } = csvObjects(file.slice(1));
    expect(columns).toEqual(WEB_COLUMNS);
    expect(rows).toHaveLength(ITEMS);
    const seen = new Set<string>();
    for (const row of rows) {
      const item = bigItems.get(row.item_key!);
      expect(item, row.item_key).toBeDefined();
      expect(seen.has(row.item_key!), `${row.item_key} twice`).toBe(false);
      seen.add(row.item_key!);
      const data = item!.data;
      const error = data.error as { code: string; message: string } | null;
      expect(row).toEqual({
        task_id: bigTask,
        item_key: item!.item_key,
        ok: String(item!.ok),
        url: data.url,
        final_url: shown(data.final_url),
        status: String(data.status),
        title: shown(data.title),
        description: shown(data.description),
        text: shown(data.text),
        truncated: "false",
        truncated_fields: shown(data.truncated_fields),
        links: shown(data.links),
        depth: String(data.depth),
        fetched_at: data.fetched_at,
        content_type: shown(data.content_type),
        rendered: shown(data.rendered),
        settle_ms: shown(data.settle_ms),
        settle_capped: shown(data.settle_capped),
        "error.code": shown(error?.code),
        "error.message": shown(error?.message),
        blocked_requests: JSON.stringify(data.blocked_requests),
        price: shown(data.price),
      });
    }
    expect(seen.size).toBe(ITEMS);
  }, 300_000);

  it("a task without results is the header alone; json pages keep their envelope", async () => {
    const empty = await createTask({ platform: "web", crawler_type: "detail", urls: ["https://empty.example/"] });
    const csv = await call("GET", `/api/v1/tasks/${empty}/results?format=csv&bom=true`);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.headers["content-disposition"]).toBe(`attachment; filename="${empty}.csv"`);
    expect(csv.raw).toBe(`\uFEFF${WEB_COLUMNS.slice(0, -1).join(",")}\r\n`);
    const json = await call("GET", `/api/v1/tasks/${bigTask}/results?limit=${PAGE}`);
    expect(json.status).toBe(200);
    expect(json.body.code).toBe(0);
    expect(json.body.data.items).toHaveLength(PAGE);
    expect(json.body.data.next_cursor).toEqual(expect.any(String));
  });

  it("a media task's columns come from its platform and fields, not from its items", async () => {
    const task = await createTask({ platform: "xhs", crawler_type: "search", keywords: "咖啡" });
    const record = noteRecord(
      {
        note_id: "66aa",
        title: '咖啡, "手冲"',
        tag_list: [{ name: "咖啡", type: "topic" }],
        user: { user_id: "u1", nickname: "小明" },
        interact_info: { liked_count: "12" },
      },
      { wwwBase: "https://www.xiaohongshu.com", xsecSource: "pc_search", sourceKeyword: "咖啡" },
    );
    await store.putMany(task, [toResultItem("xhs", record, false)]);
    const { header, rows } = csvObjects((await call("GET", `/api/v1/tasks/${task}/results?format=csv`)).raw);
    expect(header.slice(0, 7)).toEqual(["task_id", "item_key", "ok", "item_type", "platform", "crawled_at", "note_id"]);
    expect(header).toContain("creator_hash");
    expect(header).not.toContain("comment_id");
    expect(header).not.toContain("nickname");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      item_type: "content",
      note_id: "66aa",
      title: '咖啡, "手冲"',
      tag_list: '["咖啡"]',
      liked_count: "12",
      creator_nickname: "小***",
    });
    expect(rows[0]!.creator_hash).toMatch(/^[0-9a-f]{16,}$/);
  });
});

describe("jsonl export", () => {
  it("pages concatenate into one JSON Lines file of every item once, whole", async () => {
    const bodies = await fetchPages(bigTask, `format=jsonl&limit=${PAGE}&bom=true`);
    expect(bodies[0]!.startsWith("\uFEFF{")).toBe(true);
    expect(bodies.slice(1).some((body) => body.includes("\uFEFF"))).toBe(false);
    const lines = bodies.join("").slice(1).split("\n");
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(ITEMS);
    const seen = new Set<string>();
    for (const line of lines) {
      const item = JSON.parse(line) as Record<string, unknown>;
      const source = bigItems.get(item.item_key as string)!;
      expect(seen.has(source.item_key)).toBe(false);
      seen.add(source.item_key);
      expect(item).toEqual({ ...source.data, task_id: bigTask, item_key: source.item_key, ok: source.ok });
    }
    expect(seen.size).toBe(ITEMS);
  }, 300_000);
});

describe("results query checks", () => {
  it.each([
    ["format=json&bom=1", /^bom: only for csv and jsonl/],
    ["bom=true", /^bom: only for csv and jsonl/],
    ["format=csv&bom=yes", /^bom: must be 1, true, 0 or false/],
    ["format=xml", /^format: must be "json", "jsonl" or "csv"/],
    ["limit=1001", /^limit: must be at most 1000/],
    ["limit=0", /^limit: must be at least 1/],
    ["format=csv&cursor=%25%25", /^cursor: /],
  ])("%s → 400 naming the field", async (query, message) => {
    const response = await call("GET", `/api/v1/tasks/${bigTask}/results?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(message);
  });

  it("bom=0 is accepted with json", async () => {
    expect((await call("GET", `/api/v1/tasks/${smallTask}/results?format=json&bom=0`)).status).toBe(200);
  });

  it("a cursor of one task never reads another task's results", async () => {
    const first = await call("GET", `/api/v1/tasks/${bigTask}/results?format=csv&limit=5`);
    const foreign = first.headers["x-next-cursor"]!;
    expect(foreign).toEqual(expect.any(String));
    const forged = [
      foreign,
      encodeCursor({ task_id: bigTask, item_key: "page:https://shop.example/p/1" })!,
      // Keys of the right task but not a whole table key: a 400, not a failed query.
      encodeCursor({ task_id: smallTask })!,
      encodeCursor({ item_key: "page:https://shop.example/p/1" })!,
      encodeCursor({ task_id: smallTask, item_key: "x", list_pk: "task" })!,
    ];
    for (const cursor of forged) {
      for (const format of ["csv", "jsonl", "json"]) {
        const response = await call("GET", `/api/v1/tasks/${smallTask}/results?format=${format}&cursor=${cursor}`);
        expect(response.status, `${format} ${Buffer.from(cursor, "base64url").toString()}`).toBe(400);
        expect(response.body.message).toMatch(/^cursor: /);
      }
    }
    // The small task's own export holds its 30 items and nothing of the big one.
    const { rows } = csvObjects((await fetchPages(smallTask, "format=csv&limit=7")).join(""));
    expect(rows).toHaveLength(30);
    expect(rows.every((row) => row.task_id === smallTask && !bigItems.has(row.item_key!))).toBe(true);
  });
});
