/**
 * layout=mediacrawler through the real API handler against real dynalite: a media task's
 * stored items (made by the platform's own mappers) exported as MediaCrawler's contents,
 * comments and creators files, in csv, jsonl and json, paged and concatenated; and the 400s
 * for what the layout cannot do.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toResultItem } from "../../core/platforms/media/crawl.js";
import type { ResultItem } from "../../core/platforms/types.js";
import { commentRecord, creatorRecord, noteRecord } from "../../core/platforms/xhs/items.js";
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

async function createTask(body: object): Promise<{ id: string; day: string }> {
  const created = await call("POST", "/api/v1/tasks", body);
  expect(created.status, created.raw).toBe(201);
  return { id: created.body.data.task_id as string, day: (created.body.data.created_at as string).slice(0, 10) };
}

/** Every page of an export, following x-next-cursor; the first page's headers. */
async function fetchPages(taskId: string, query: string) {
  const bodies: string[] = [];
  let headers: Record<string, string | number | boolean> = {};
  let cursor: string | undefined;
  do {
    const page = await call(
      "GET",
      `/api/v1/tasks/${taskId}/results?${query}${cursor === undefined ? "" : `&cursor=${cursor}`}`,
    );
    expect(page.status, page.raw.slice(0, 300)).toBe(200);
    if (bodies.length === 0) headers = page.headers;
    bodies.push(page.raw);
    cursor = page.headers["x-next-cursor"] as string | undefined;
  } while (cursor !== undefined);
  return { file: bodies.join(""), pages: bodies.length, headers };
}

const context = { wwwBase: "https://www.xiaohongshu.com", xsecSource: "pc_search", sourceKeyword: "咖啡" };
const NOTES = 5;
const COMMENTS_PER_NOTE = 3;

function searchItems(): ResultItem[] {
  const items: ResultItem[] = [];
  for (let n = 0; n < NOTES; n++) {
    const note = noteRecord(
      {
        note_id: `note${n}`,
        title: `咖啡, "手冲" ${n}`,
        type: "normal",
        image_list: [{ url_default: `https://img/${n}a.jpg` }, { url_default: `https://img/${n}b.jpg` }],
        tag_list: [
          { name: "咖啡", type: "topic" },
          { name: "手冲", type: "topic" },
        ],
        user: { user_id: `u${n}`, nickname: "咖啡师小明" },
        interact_info: { liked_count: "1.2万", comment_count: String(COMMENTS_PER_NOTE) },
      },
      { ...context, xsecToken: `tok${n}` },
    );
    items.push(toResultItem("xhs", note, false));
    for (let c = 0; c < COMMENTS_PER_NOTE; c++) {
      const comment = commentRecord(
        {
          id: `c${n}-${c}`,
          content: c === 0 ? "+1" : `好喝 ${c}`,
          create_time: 1_733_000_000_000 + c,
          like_count: String(c),
          user_info: { user_id: `v${c}`, nickname: "路人" },
        },
        `note${n}`,
      );
      items.push(toResultItem("xhs", comment, false));
    }
  }
  // A post the site no longer shows, and the probe report: MC writes neither.
  items.push({
    item_key: "xhs:content:gone",
    ok: false,
    data: {
      item_type: "content",
      platform: "xhs",
      crawled_at: new Date().toISOString(),
      note_id: "gone",
      error: { code: "NOTE_NOT_FOUND", message: "gone" },
    },
  });
  return items;
}

let search: { id: string; day: string };
let creatorTask: { id: string; day: string };
let webTask: { id: string; day: string };

beforeAll(async () => {
  aws = await startTestAws();
  ({ handler } = await import("../../functions/api/handler.js"));
  store = new DynamoResultStore(aws.clients.doc, aws.resultsTable);
  search = await createTask({ platform: "xhs", crawler_type: "search", keywords: "咖啡", enable_comments: true });
  await store.putMany(search.id, searchItems());
  creatorTask = await createTask({
    platform: "xhs",
    crawler_type: "creator",
    creator_ids: ["5f00aa00bb00cc00dd00ee00"],
    keep_user_info: true,
  });
  const profile = creatorRecord(
    "5f00aa00bb00cc00dd00ee00",
    {
      basicInfo: {
        nickname: "咖啡师小明",
        gender: 1,
        images: "https://img/avatar.jpg",
        ipLocation: "上海",
        desc: "bio",
      },
      interactions: [
        { type: "follows", count: "10" },
        { type: "fans", count: "2万" },
        { type: "interaction", count: "30" },
      ],
      tags: [{ name: "上海", tagType: "location" }],
    },
    true,
  );
  await store.putMany(creatorTask.id, [toResultItem("xhs", profile, true)]);
  webTask = await createTask({ platform: "web", crawler_type: "detail", urls: ["https://example.org/"] });
}, 120_000);

afterAll(async () => {
  await aws?.close();
});

const CONTENT_COLUMNS =
  "note_id,type,title,desc,video_url,time,last_update_time,creator_hash,nickname,liked_count,collected_count,comment_count,share_count,image_list,tag_list,last_modify_ts,note_url,source_keyword,xsec_token";

describe("layout=mediacrawler csv", () => {
  it("contents: MC's file name, BOM, columns and values, over filtered pages", async () => {
    const { file, pages, headers } = await fetchPages(
      search.id,
      "format=csv&layout=mediacrawler&item_type=contents&limit=4",
    );
    expect(pages).toBeGreaterThan(3);
    expect(headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(headers["content-disposition"]).toBe(`attachment; filename="search_contents_${search.day}.csv"`);
    expect(file.startsWith(`\uFEFF${CONTENT_COLUMNS}\r\n`)).toBe(true);
    const { header, rows } = csvObjects(file.slice(1));
    expect(header.join(",")).toBe(CONTENT_COLUMNS);
    expect(rows.map((row) => row.note_id).sort()).toEqual(["note0", "note1", "note2", "note3", "note4"]);
    const row = rows.find((r) => r.note_id === "note1")!;
    expect(row).toMatchObject({
      title: '咖啡, "手冲" 1',
      liked_count: "1.2万",
      comment_count: "3",
      image_list: "https://img/1a.jpg,https://img/1b.jpg",
      tag_list: "咖啡,手冲",
      nickname: "咖***",
      source_keyword: "咖啡",
      xsec_token: "tok1",
      last_update_time: "0",
    });
    expect(row.creator_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Number(row.last_modify_ts)).toBeGreaterThan(Date.parse("2026-01-01"));
  });

  it("comments: only comments, MC's columns; bom=0 leaves the BOM out", async () => {
    const { file, headers } = await fetchPages(
      search.id,
      "format=csv&layout=mediacrawler&item_type=comments&bom=0&limit=7",
    );
    expect(headers["content-disposition"]).toBe(`attachment; filename="search_comments_${search.day}.csv"`);
    const { header, rows } = csvObjects(file);
    expect(header).toEqual([
      "comment_id",
      "create_time",
      "note_id",
      "content",
      "creator_hash",
      "nickname",
      "sub_comment_count",
      "pictures",
      "parent_comment_id",
      "last_modify_ts",
      "like_count",
    ]);
    expect(rows).toHaveLength(NOTES * COMMENTS_PER_NOTE);
    // A cell that a spreadsheet would run as a formula is still defused, as in our layout.
    expect(rows.find((r) => r.comment_id === "c0-0")).toMatchObject({
      content: "'+1",
      parent_comment_id: "",
      sub_comment_count: "0",
      nickname: "路***",
    });
  });

  it("creators: the profile of a creator task, with the kept identity", async () => {
    const { file, headers } = await fetchPages(creatorTask.id, "format=csv&layout=mediacrawler&item_type=creators");
    expect(headers["content-disposition"]).toBe(`attachment; filename="creator_creators_${creatorTask.day}.csv"`);
    const { header, rows } = csvObjects(file.slice(1));
    expect(header).toEqual([
      "user_id",
      "nickname",
      "gender",
      "avatar",
      "desc",
      "ip_location",
      "follows",
      "fans",
      "interaction",
      "tag_list",
      "last_modify_ts",
    ]);
    expect(rows).toEqual([
      {
        user_id: "5f00aa00bb00cc00dd00ee00",
        nickname: "咖啡师小明",
        gender: "Female",
        avatar: "https://img/avatar.jpg",
        desc: "bio",
        ip_location: "上海",
        follows: "10",
        fans: "2万",
        interaction: "30",
        tag_list: "",
        last_modify_ts: expect.stringMatching(/^\d{13}$/),
      },
    ]);
  });

  it("a file with no records is MC's header alone", async () => {
    const { file } = await fetchPages(search.id, "format=csv&layout=mediacrawler&item_type=creators");
    expect(file).toBe(
      "\uFEFFuser_id,nickname,gender,avatar,desc,ip_location,follows,fans,interaction,tag_list,last_modify_ts\r\n",
    );
  });
});

describe("layout=mediacrawler jsonl and json", () => {
  it("jsonl: one record a line, as Python's json.dumps writes it, no BOM", async () => {
    const { file, headers } = await fetchPages(
      search.id,
      "format=jsonl&layout=mediacrawler&item_type=comments&limit=5",
    );
    expect(headers["content-disposition"]).toBe(`attachment; filename="search_comments_${search.day}.jsonl"`);
    expect(file.startsWith('{"comment_id": "c0-0", "create_time": 1733000000000, ')).toBe(true);
    const lines = file.split("\n");
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(NOTES * COMMENTS_PER_NOTE);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual([
      "comment_id",
      "create_time",
      "note_id",
      "content",
      "creator_hash",
      "nickname",
      "sub_comment_count",
      "pictures",
      "parent_comment_id",
      "last_modify_ts",
      "like_count",
    ]);
    expect(first).toMatchObject({ content: "+1", like_count: "0", pictures: "" });
  });

  it("json: the envelope with MC's records", async () => {
    const page = await call(
      "GET",
      `/api/v1/tasks/${search.id}/results?format=json&layout=mediacrawler&item_type=contents&limit=100`,
    );
    expect(page.status).toBe(200);
    expect(page.body.data.next_cursor).toBeNull();
    expect(page.body.data.items).toHaveLength(NOTES);
    expect(Object.keys(page.body.data.items[0]).join(",")).toBe(CONTENT_COLUMNS);
    const creators = await call(
      "GET",
      `/api/v1/tasks/${creatorTask.id}/results?layout=mediacrawler&item_type=creators`,
    );
    expect(creators.body.data.items).toEqual([
      expect.objectContaining({ user_id: "5f00aa00bb00cc00dd00ee00", gender: "Female", fans: "2万" }),
    ]);
  });
});

describe("every format for every MediaCrawler file", () => {
  const expected = { contents: NOTES, comments: NOTES * COMMENTS_PER_NOTE, creators: 0 } as const;
  for (const format of ["csv", "jsonl", "json"] as const) {
    for (const itemType of ["contents", "comments", "creators"] as const) {
      it(`${format} ${itemType}: ${expected[itemType]} records over pages of 3`, async () => {
        if (format === "json") {
          const records: Record<string, unknown>[] = [];
          let cursor: string | undefined;
          do {
            const page = await call(
              "GET",
              `/api/v1/tasks/${search.id}/results?format=json&layout=mediacrawler&item_type=${itemType}&limit=3${cursor ? `&cursor=${cursor}` : ""}`,
            );
            expect(page.status).toBe(200);
            records.push(...page.body.data.items);
            cursor = page.body.data.next_cursor ?? undefined;
          } while (cursor !== undefined);
          expect(records).toHaveLength(expected[itemType]);
          expect(records.every((record) => !("item_key" in record) && "last_modify_ts" in record)).toBe(true);
          return;
        }
        const { file, headers } = await fetchPages(
          search.id,
          `format=${format}&layout=mediacrawler&item_type=${itemType}&limit=3`,
        );
        expect(headers["content-disposition"]).toBe(
          `attachment; filename="search_${itemType}_${search.day}.${format}"`,
        );
        const records =
          format === "csv" ? csvObjects(file.slice(1)).rows : file.split("\n").filter((line) => line !== "");
        expect(records).toHaveLength(expected[itemType]);
      });
    }
  }
});

describe("layout query checks", () => {
  it("a web task answers a 400 naming layout (MediaCrawler has no web crawl)", async () => {
    for (const format of ["csv", "jsonl", "json"]) {
      const response = await call(
        "GET",
        `/api/v1/tasks/${webTask.id}/results?format=${format}&layout=mediacrawler&item_type=contents`,
      );
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 400, data: { field: "layout" } });
      expect(response.body.message).toMatch(/^layout: "mediacrawler" is only for the media platforms/);
    }
  });

  it.each([
    ["layout=mediacrawler", /^item_type: is required with layout=mediacrawler/],
    ["format=csv&layout=mediacrawler&item_type=notes", /^item_type: must be "contents", "comments" or "creators"/],
    ["format=csv&item_type=contents", /^item_type: only with layout=mediacrawler/],
    ["format=csv&layout=mc", /^layout: must be "ours" or "mediacrawler"/],
  ])("%s → 400 naming the field", async (query, message) => {
    const response = await call("GET", `/api/v1/tasks/${search.id}/results?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(message);
  });

  it("layout=ours is what the route did before", async () => {
    const ours = await call("GET", `/api/v1/tasks/${search.id}/results?format=csv&layout=ours`);
    const plain = await call("GET", `/api/v1/tasks/${search.id}/results?format=csv`);
    expect(ours.raw).toBe(plain.raw);
    expect(ours.headers["content-disposition"]).toBe(`attachment; filename="${search.id}.csv"`);
  });
});
