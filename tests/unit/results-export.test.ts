import { WEB_BASE_COLUMNS } from "../support/webColumns.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { biliCommentRecord, biliCreatorRecord, biliVideoRecord } from "../../core/platforms/bili/items.js";
import { dyCommentRecord, dyContentRecord, dyCreatorRecord } from "../../core/platforms/dy/items.js";
import { ksCommentRecord, ksContentRecord, ksCreatorRecord } from "../../core/platforms/ks/items.js";
import { toResultItem } from "../../core/platforms/media/crawl.js";
import type { MediaPlatformName, MediaRecord } from "../../core/platforms/media/types.js";
import { mapFloors, mapThread, tiebaCreatorRecord } from "../../core/platforms/tieba/items.js";
import { wbCommentRecord, wbCreatorRecord, wbNoteRecord } from "../../core/platforms/wb/items.js";
import { buildPageItem } from "../../core/platforms/web/items.js";
import { commentRecord, creatorRecord, noteRecord } from "../../core/platforms/xhs/items.js";
import { mapComment, mapContent, mapCreator } from "../../core/platforms/zhihu/items.js";
import { exportResults, formatPage, resultColumns } from "../../core/results/export.js";
import { csvObjects, parseCsv } from "../support/csv.js";

/** Every dot path down to a non-object value: what a CSV of this item needs as columns. */
function leafPaths(value: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(value).flatMap(([key, inner]) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? leafPaths(inner as Record<string, unknown>, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

/** Records from each platform's real mappers, fed the least input they accept. */
const tiebaContext = { baseUrl: "https://tieba.baidu.com", keepUserInfo: true };
const zhihuContext = {
  baseUrls: { www: "https://www.zhihu.com", zhuanlan: "https://zhuanlan.zhihu.com" },
  keepUserInfo: true,
};
const RECORDS: Record<MediaPlatformName, MediaRecord[]> = {
  xhs: [
    noteRecord(
      { note_id: "n1", user: { user_id: "u1", nickname: "nick" } },
      { wwwBase: "https://www.xiaohongshu.com", xsecSource: "pc_search" },
    ),
    commentRecord({ id: "c1" }, "n1"),
    commentRecord({ id: "c2" }, "n1", "c1"),
    creatorRecord("u1", {}, true),
  ],
  dy: [
    dyContentRecord({ aweme_id: "a1" }, { wwwBase: "https://www.douyin.com" })!,
    dyCommentRecord({ cid: "c1" }, "a1")!,
    dyCreatorRecord({} as never, "sec1")!,
  ],
  ks: [
    ksContentRecord({ photo: { id: "v1" } }, { wwwBase: "https://www.kuaishou.com" })!,
    ksCommentRecord({ comment_id: "c1" }, "v1")!,
    ksCreatorRecord({} as never, "u1")!,
  ],
  bili: [
    biliVideoRecord(
      {
        aid: 1,
        bvid: "BV1",
        title: "",
        desc: "",
        pubdate: 0,
        duration: 0,
        pic: "//p",
        stat: { like: 0, view: 0, danmaku: 0, reply: 0, favorite: 0, coin: 0, share: 0 },
        owner: { mid: 2, name: "n", face: "//f" },
      } as never,
      undefined,
    ),
    biliCommentRecord(
      {
        rpid: 3,
        content: { message: "m" },
        ctime: 0,
        rcount: 0,
        parent: 0,
        root: 0,
        like: 0,
        member: { mid: 2, uname: "n", avatar: "//a" },
      } as never,
      "1",
    ),
    biliCreatorRecord({ mid: 2, name: "n", face: "//f" } as never, 0, true),
  ],
  wb: [
    wbNoteRecord({ id: "m1", text: "", created_at: "", user: { id: 1, screen_name: "s" } } as never, undefined),
    wbCommentRecord({ id: 2, text: "", created_at: "" } as never, "m1"),
    wbCreatorRecord({ id: 1 } as never, true),
  ],
  tieba: [
    mapThread({ thread: { id: 1 } } as never, null, tiebaContext)!,
    ...mapFloors(
      { post_list: [{ id: 2, floor: 2, sub_post_list: { sub_post_list: [{ id: 3 }] } }] } as never,
      "1",
      true,
      tiebaContext,
    ),
    tiebaCreatorRecord({ id: 1, name_show: "n" } as never, "tb.1.x")!,
  ],
  zhihu: [
    mapContent({ type: "answer", id: "1" } as never, null, zhihuContext)!,
    mapComment({ id: "c1" } as never, { id: "1", type: "answer" }, null, zhihuContext)!,
    mapCreator({ id: "u1" } as never, zhihuContext)!,
  ],
};

function storedMediaItem(
  platform: MediaPlatformName,
  record: MediaRecord,
  keepUserInfo: boolean,
): Record<string, unknown> {
  const item = toResultItem(platform, record, keepUserInfo);
  return { ...item.data, task_id: "T", item_key: item.item_key, ok: item.ok };
}

describe("export columns", () => {
  it.each(Object.keys(RECORDS) as MediaPlatformName[])(
    "%s: every field its mappers store has a column, and no column is one they never fill",
    (platform) => {
      for (const keepUserInfo of [false, true]) {
        const produced = new Set<string>();
        for (const record of RECORDS[platform]) {
          const mode = record.item_type === "creator" ? "creator" : "search";
          const columns = resultColumns({
            platform,
            crawler_type: mode,
            params: { enable_comments: true, keep_user_info: keepUserInfo },
          });
          for (const variant of [record, { ...record, error: { code: "NOT_FOUND", message: "gone" } }]) {
            const paths = leafPaths(storedMediaItem(platform, variant, keepUserInfo));
            expect(columns, `${platform} ${record.item_type}`).toEqual(expect.arrayContaining(paths));
            for (const path of paths) produced.add(path);
          }
        }
        // `truncated` is added by the item-size cap (itemSize.ts), not by mappers.
        produced.add("truncated");
        const widest = resultColumns({
          platform,
          crawler_type: "creator",
          params: { enable_comments: true, keep_user_info: keepUserInfo },
        });
        expect([...produced]).toEqual(expect.arrayContaining(widest));
      }
    },
  );

  it("leaves out columns no item of the task can have", () => {
    const search = resultColumns({
      platform: "xhs",
      crawler_type: "search",
      params: { enable_comments: false, keep_user_info: false },
    });
    expect(search.slice(0, 6)).toEqual(["task_id", "item_key", "ok", "item_type", "platform", "crawled_at"]);
    expect(search).toContain("note_id");
    expect(search).toContain("creator_hash");
    expect(search).not.toContain("comment_id");
    expect(search).not.toContain("user_id");
    expect(search).not.toContain("gender");
    const creatorMode = resultColumns({
      platform: "xhs",
      crawler_type: "creator",
      params: { enable_comments: true, keep_user_info: true },
    });
    expect(creatorMode).toEqual(
      expect.arrayContaining(["comment_id", "gender", "fans", "user_id", "nickname", "avatar", "ip_location"]),
    );
    expect(creatorMode).not.toContain("creator_hash");
    expect(new Set(creatorMode).size).toBe(creatorMode.length);
  });

  it("web: the page fields, the error split in two, the task's other formats, then its selectors sorted by name", () => {
    const columns = resultColumns({
      platform: "web",
      crawler_type: "crawl",
      params: { selectors: { price: ".p", author: ".a" }, formats: ["links", "text", "markdown"] },
    });
    expect(columns).toEqual([...WEB_BASE_COLUMNS, "markdown", "link_list", "author", "price"]);
    const specs = [
      { name: "price", css: ".p", attr: null },
      { name: "author", css: ".a", attr: null },
    ];
    const failed = buildPageItem(
      { url: "https://a.example/", depth: 0 },
      {
        finalUrl: null,
        status: 500,
        contentType: null,
        fetchedAt: "2026-01-01T00:00:00.000Z",
        extract: null,
        error: { code: "HTTP_500", message: "x" },
        blockedRequests: [],
        settle: null,
        rendered: false,
        html: null,
      },
      { specs, formats: ["links", "text", "markdown"] },
    ).item;
    // platform and item_type are "web" and "page" on every row: not columns (media CSVs have them, web CSVs never did).
    const { platform: _platform, item_type: _itemType, ...data } = failed.data;
    const paths = leafPaths({ ...data, task_id: "T", item_key: failed.item_key, ok: failed.ok });
    expect(columns).toEqual(expect.arrayContaining(paths));
    expect(resultColumns({ platform: "web", crawler_type: "detail", params: {} })).not.toContain("price");
  });
});

const COLUMNS = ["task_id", "item_key", "ok", "title", "author.nickname", "tags", "error.code"];

describe("formatPage", () => {
  it("writes the same columns on every page, whatever the page's items have", () => {
    const first = formatPage([{ item_key: "a", title: "one" }], {
      format: "csv",
      columns: COLUMNS,
      first: true,
      bom: false,
    });
    const second = formatPage(
      [
        {
          item_key: "b",
          author: { nickname: "小红", id: 7 },
          tags: ["x", "y"],
          error: { code: "E1", message: "m" },
          unknown_field: "not a column",
        },
      ],
      { format: "csv", columns: COLUMNS, first: false, bom: false },
    );
    expect(first.split("\r\n")[0]).toBe(COLUMNS.join(","));
    expect(second).not.toContain("task_id");
    const { header, rows } = csvObjects(first + second);
    expect(header).toEqual(COLUMNS);
    expect(rows).toEqual([
      { task_id: "", item_key: "a", ok: "", title: "one", "author.nickname": "", tags: "", "error.code": "" },
      {
        task_id: "",
        item_key: "b",
        ok: "",
        title: "",
        "author.nickname": "小红",
        tags: '["x","y"]',
        "error.code": "E1",
      },
    ]);
  });

  it("puts the BOM and the CSV header on the first page only", () => {
    const items = [{ item_key: "a" }];
    expect(
      formatPage(items, { format: "csv", columns: COLUMNS, first: true, bom: true }).startsWith(
        `\uFEFF${COLUMNS.join(",")}\r\n`,
      ),
    ).toBe(true);
    expect(formatPage(items, { format: "csv", columns: COLUMNS, first: false, bom: true })).toBe(",a,,,,,\r\n");
    expect(formatPage(items, { format: "csv", columns: COLUMNS, first: true, bom: false }).startsWith("task_id,")).toBe(
      true,
    );
    expect(formatPage(items, { format: "jsonl", columns: [], first: true, bom: true })).toBe(
      '\uFEFF{"item_key":"a"}\n',
    );
    expect(formatPage(items, { format: "jsonl", columns: [], first: false, bom: true })).toBe('{"item_key":"a"}\n');
    expect(formatPage([], { format: "jsonl", columns: [], first: false, bom: true })).toBe("");
    expect(formatPage([], { format: "csv", columns: COLUMNS, first: false, bom: true })).toBe("");
  });

  it("writes jsonl items whole: nested objects stay nested", () => {
    const item = { item_key: "a", author: { nickname: "n" }, tags: [1] };
    expect(JSON.parse(formatPage([item], { format: "jsonl", columns: COLUMNS, first: false, bom: false }))).toEqual(
      item,
    );
  });
});

/** Splits `items` into pages at the given cut points (empty pages included). */
function paged<T>(items: T[], cuts: number[]): T[][] {
  const points = [0, ...cuts.map((cut) => cut % (items.length + 1)).sort((a, b) => a - b), items.length];
  return points.slice(1).map((end, index) => items.slice(points[index], end));
}

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const chunk of chunks) text += chunk;
  return text;
}

const cellValue = fc.oneof(
  fc.string({ unit: "grapheme" }),
  fc.constantFrom('"', ",", "\r\n", "\n", "=1+1", "-", "@x", "+", "\t"),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const row = fc.record({
  item_key: fc.string(),
  title: cellValue,
  author: fc.record({ nickname: cellValue }),
  tags: fc.array(cellValue, { maxLength: 3 }),
});

describe("exportResults", () => {
  it("gives one valid CSV whatever the page split, each value read back as written (formulas defused)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.boolean(),
        async (items, cuts, bom) => {
          const text = await collect(exportResults(paged(items, cuts), { format: "csv", columns: COLUMNS, bom }));
          expect(text.startsWith("\uFEFF")).toBe(bom);
          expect(text.slice(1).includes("\uFEFF")).toBe(false);
          const { header, rows } = csvObjects(bom ? text.slice(1) : text);
          expect(header).toEqual(COLUMNS);
          expect(rows).toHaveLength(items.length);
          const asCell = (value: unknown) =>
            typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value === null ? "" : String(value);
          rows.forEach((read, index) => {
            const item = items[index]!;
            expect(read.item_key).toBe(asCell(item.item_key));
            expect(read.title).toBe(asCell(item.title));
            expect(read["author.nickname"]).toBe(asCell(item.author.nickname));
            expect(JSON.parse(read.tags!)).toEqual(item.tags);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("gives one valid JSON Lines file whatever the page split", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 5 }), async (items, cuts) => {
        const text = await collect(exportResults(paged(items, cuts), { format: "jsonl", columns: COLUMNS, bom: true }));
        expect(text.startsWith("\uFEFF")).toBe(true);
        const lines = text.slice(1).split("\n");
        expect(lines.pop()).toBe("");
        expect(lines.map((line) => JSON.parse(line))).toEqual(items);
      }),
      { numRuns: 100 },
    );
  });

  it("gives one JSON array for json", async () => {
    const items = [{ a: 1 }, { b: { c: [2] } }, { d: "x" }];
    expect(JSON.parse(await collect(exportResults(paged(items, [1, 1, 3]), { format: "json" })))).toEqual(items);
    expect(JSON.parse(await collect(exportResults([], { format: "json" })))).toEqual([]);
  });

  it("still writes the header (and BOM) when there are no results", async () => {
    expect(await collect(exportResults([], { format: "csv", columns: COLUMNS, bom: true }))).toBe(
      `\uFEFF${COLUMNS.join(",")}\r\n`,
    );
    expect(await collect(exportResults([[], []], { format: "csv", columns: COLUMNS }))).toBe(
      `${COLUMNS.join(",")}\r\n`,
    );
    expect(await collect(exportResults([], { format: "jsonl", columns: COLUMNS }))).toBe("");
  });

  it("reads a page only when the consumer asks for the next chunk", async () => {
    let pagesRead = 0;
    async function* pages() {
      for (let page = 0; page < 3; page++) {
        pagesRead++;
        yield [{ item_key: `k${page}` }];
      }
    }
    const chunks = exportResults(pages(), { format: "csv", columns: COLUMNS });
    await chunks.next();
    expect(pagesRead).toBe(1);
    await chunks.next();
    expect(pagesRead).toBe(2);
    expect(parseCsv((await chunks.next()).value as string)).toEqual([["", "k2", "", "", "", "", ""]]);
  });
});
