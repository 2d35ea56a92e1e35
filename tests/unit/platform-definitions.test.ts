import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { ACCOUNT_PLATFORMS, PLATFORMS, platformExportColumns, platformLabel } from "../../core/platforms/registry.js";
import { loadCrawler } from "../../core/platforms/crawlers.js";
import { parseOrThrow } from "../../core/validation.js";
import { refusal } from "../support/validation.js";

/**
 * The contract every registered platform keeps, whatever it crawls: its folder, its crawler
 * side found by name, a schema that takes its own minimal body and refuses others, its sorts
 * as the schema has them, its export columns; and every media platform's shared task fields
 * (defaults, mode inputs, switches, sorts, strictness). A new platform runs through all of
 * this by being listed in core/platforms/registry.ts; its own tests keep what is its own.
 */

const PLATFORMS_DIR = join(import.meta.dirname, "../../core/platforms");

/** The smallest body each kind of platform takes. */
function minimalBody(platform: (typeof PLATFORMS)[number]): Record<string, unknown> {
  return platform.accounts
    ? { platform: platform.name, crawler_type: "search", keywords: "咖啡" }
    : { platform: platform.name, crawler_type: "detail", urls: ["https://example.com/"] };
}

/** The values the schema's `sort` field takes, as the OpenAPI document shows them. */
function schemaSorts(schema: z.ZodType): unknown[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  const sort: { enum?: unknown[] } | undefined = (json.properties as Record<string, { enum?: unknown[] }> | undefined)
    ?.sort;
  return sort?.enum ?? [];
}

describe.each(PLATFORMS.map((platform) => [platform.name, platform] as const))("platform %s", (name, platform) => {
  it("lives in its own folder: definition.ts (what it is) and index.ts (its crawler side)", () => {
    expect(existsSync(join(PLATFORMS_DIR, name, "definition.ts"))).toBe(true);
    expect(existsSync(join(PLATFORMS_DIR, name, "index.ts"))).toBe(true);
    expect(platform.label.trim()).not.toBe("");
  });

  it("has a crawler side that the crawler loads by the platform's name", async () => {
    const crawler = await loadCrawler(name);
    expect(crawler.name).toBe(name);
  });

  it("takes its own minimal body and refuses the same body under another platform's name", () => {
    const body = minimalBody(platform);
    expect(platform.inputSchema.safeParse(body).success).toBe(true);
    const other = PLATFORMS.find((candidate) => candidate.name !== name && candidate.accounts === platform.accounts);
    expect(platform.inputSchema.safeParse({ ...body, platform: other?.name }).success).toBe(false);
  });

  it("lists exactly the sorts its schema takes", () => {
    expect(schemaSorts(platform.inputSchema)).toEqual([...platform.sorts]);
    for (const sort of platform.sorts) {
      expect(platform.inputSchema.safeParse({ ...minimalBody(platform), sort }).success).toBe(true);
    }
  });

  it("has export columns for its minimal task", () => {
    const { platform: _name, crawler_type, ...params } = minimalBody(platform);
    const columns = platformExportColumns({ platform: name, crawler_type: String(crawler_type), params });
    expect(columns.length).toBeGreaterThan(3);
    expect(new Set(columns).size).toBe(columns.length);
  });
});

describe("the registry", () => {
  it("registers every platform folder, and nothing else has a definition", () => {
    const folders = readdirSync(PLATFORMS_DIR, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(PLATFORMS_DIR, entry.name, "definition.ts")))
      .map((entry) => entry.name)
      .sort();
    expect(PLATFORMS.map((platform) => platform.name).sort()).toEqual(folders);
  });

  it("derives the account platforms: the media platforms take accounts, the web does not", () => {
    expect(ACCOUNT_PLATFORMS).toEqual(["xhs", "dy", "ks", "bili", "wb", "tieba", "zhihu"]);
  });

  it("labels a platform as people call it, with the API's name", () => {
    expect(platformLabel("xhs")).toBe("小红书 xhs");
    expect(platformLabel("web")).toBe("web");
    expect(platformLabel("myspace")).toBe("myspace");
  });

  it("loads no crawler for a name it does not know, even a folder's (media is the framework, not a platform)", async () => {
    for (const name of ["media", "facebook", "../web"]) {
      await expect(loadCrawler(name)).rejects.toMatchObject({ code: "PLATFORM_UNAVAILABLE" });
    }
  });
});

/** The 400's message and field. */
function refusalOf(schema: z.ZodType, body: Record<string, unknown>): { message: string; field: string | undefined } {
  const { message, field } = refusal(schema, body);
  return { message, field };
}

const MEDIA_PLATFORMS = PLATFORMS.filter((platform) => platform.accounts);

/** The search orders each site offers, by the values its sources use (each schema.ts cites them). */
const SITE_SORTS: Record<string, string[]> = {
  xhs: ["general", "popularity_descending", "time_descending"],
  dy: ["general", "most_liked", "latest"],
  ks: ["general"],
  bili: ["totalrank", "click", "pubdate", "dm", "stow"],
  wb: ["default", "real_time", "popular", "video"],
  tieba: ["time_descending", "time_ascending", "relevance"],
  zhihu: ["default", "upvoted_count", "created_time"],
};

describe.each(MEDIA_PLATFORMS.map((platform) => [platform.name, platform] as const))(
  "media platform %s: the shared task fields",
  (name, platform) => {
    const body = (fields: Record<string, unknown>) => ({ platform: name, ...fields });

    it("fills in the shared defaults and splits 'a,b' keywords (full-width commas too)", () => {
      expect(
        parseOrThrow(platform.inputSchema, body({ crawler_type: "search", keywords: "咖啡, 茶，," })),
      ).toMatchObject({
        platform: name,
        crawler_type: "search",
        keywords: ["咖啡", "茶"],
        specified_ids: [],
        creator_ids: [],
        start_page: 1,
        enable_comments: false,
        enable_sub_comments: false,
        max_notes_count: 20,
        max_comments_count: 20,
        keep_user_info: false,
        probe: false,
      });
    });

    it("needs each mode's input, naming the field", () => {
      for (const [mode, field] of [
        ["search", "keywords"],
        ["detail", "specified_ids"],
        ["creator", "creator_ids"],
      ] as const) {
        // tieba's search also takes forums (tieba_names) instead of keywords, and says so.
        const or = mode === "search" && platform.name === "tieba" ? " (or tieba_names)" : "";
        expect(refusalOf(platform.inputSchema, body({ crawler_type: mode }))).toEqual({
          message: `${field}: is required for crawler_type "${mode}"${or}`,
          field,
        });
      }
    });

    it("takes replies only with comments", () => {
      expect(
        refusalOf(platform.inputSchema, body({ crawler_type: "search", keywords: "a", enable_sub_comments: true })),
      ).toEqual({ message: "enable_sub_comments: needs enable_comments: true", field: "enable_sub_comments" });
    });

    it("takes the site's sorts, and refuses another, naming those it does", () => {
      expect(platform.sorts).toEqual(SITE_SORTS[name]);
      expect(refusalOf(platform.inputSchema, body({ crawler_type: "search", keywords: "a", sort: "hottest" }))).toEqual(
        {
          message: `sort: must be one of ${platform.sorts.map((sort) => `"${sort}"`).join(", ")}`,
          field: "sort",
        },
      );
    });

    it("refuses fields it does not know", () => {
      expect(refusalOf(platform.inputSchema, body({ crawler_type: "search", keywords: "a", forums: ["x"] }))).toEqual({
        message: 'unknown field "forums"',
        field: "forums",
      });
    });
  },
);
