import * as z from "zod";
import { canDownloadMedia } from "../../media/sources.js";
import { upstreamProxyProblem } from "../../net/upstreamProxy.js";
import { integerIn, quotedList } from "../../validation.js";
import { MEDIA_CRAWLER_TYPES } from "./types.js";

/** "a,b" or ["a", "b"] → ["a", "b"]: trimmed, empty entries dropped, at most `max`. */
export function listOf(item: z.ZodString, max: number) {
  return z
    .union(
      [z.string().max(5000, { error: "must be at most 5000 characters" }), z.array(z.string().max(2048)).max(max)],
      {
        error: 'must be a string ("a,b") or an array of strings',
      },
    )
    .transform((value) =>
      (Array.isArray(value) ? value : value.split(/[,，]/)).map((entry) => entry.trim()).filter(Boolean),
    )
    .pipe(z.array(item).max(max, { error: `must have at most ${max} entries` }));
}

/**
 * The fields every media platform shares, with the names users of such crawlers know.
 * A platform's schema is `mediaTaskInput(name, sortValues)` plus its own fields, strict.
 */
export function mediaTaskShape<P extends string>(platform: P, sortValues: readonly [string, ...string[]]) {
  return {
    platform: z.literal(platform),
    crawler_type: z.enum(MEDIA_CRAWLER_TYPES, { error: 'must be "search", "detail" or "creator"' }),
    keywords: listOf(z.string().min(1).max(100, { error: "each keyword must be at most 100 characters" }), 20)
      .default([])
      .meta({ description: 'search: keywords, as an array or one string "a,b"' }),
    specified_ids: listOf(z.string().min(1).max(2048), 100)
      .default([])
      .meta({ description: "detail: post ids or post URLs (array or comma-separated string)" }),
    creator_ids: listOf(z.string().min(1).max(2048), 50)
      .default([])
      .meta({ description: "creator: creator ids or profile URLs (array or comma-separated string)" }),
    start_page: integerIn(1, 100)
      .default(1)
      .meta({ description: "search: the first page of results to store (1-based)" }),
    sort: z.enum(sortValues, { error: `must be one of ${quotedList(sortValues)}` }).optional(),
    enable_comments: z
      .boolean({ error: "must be true or false" })
      .default(false)
      .meta({ description: "Collect each post's comments" }),
    enable_sub_comments: z
      .boolean({ error: "must be true or false" })
      .default(false)
      .meta({ description: "Also collect replies to comments (needs enable_comments)" }),
    max_notes_count: integerIn(1, 1000)
      .default(20)
      .meta({ description: "Posts per keyword or creator, or in all for detail" }),
    max_comments_count: integerIn(0, 10_000).default(20).meta({ description: "Comments (replies included) per post" }),
    account: z.string().min(1).max(64).optional().meta({
      description:
        "The account_id of a stored account of the same platform; absent: the platform's least recently used active account",
    }),
    // http:// only: the egress proxy chains through it (core/net/upstreamProxy.ts); socks5 and https proxies get a 400 saying so.
    proxy: z
      .string({ error: "must be a proxy URL like http://user:pass@host:port" })
      .max(2048)
      .superRefine((value, ctx) => {
        const problem = upstreamProxyProblem(value);
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional()
      .meta({
        description:
          "http://[user:pass@]host[:port]: the crawl's requests go through it; absent: the next entry of PROXY_POOL, if any. Its password is never shown",
      }),
    keep_user_info: z.boolean({ error: "must be true or false" }).default(false).meta({
      description:
        "Store who wrote each post and comment as the site shows them, instead of a keyed hash and a masked nickname",
    }),
    // Refused (400) where the posts carry no file URLs (core/media/sources.ts), rather than accepted and doing nothing.
    download_media: z
      .boolean({ error: "must be true or false" })
      .refine((value) => !value || canDownloadMedia(platform), {
        error: `${platform} posts carry no image or video URLs to download`,
      })
      .default(false)
      .meta({
        description:
          "Also store each post's images and video (see docs/media-files.md); items get `media_files` with time-limited download links",
      }),
    probe: z.boolean({ error: "must be true or false" }).default(false).meta({
      description:
        "Also store a step-by-step report of what the crawl saw (pages, requests and their status, shapes, selectors, parsed items) as one `probe` item: what `crawl-tasks probe` uses to show drift",
    }),
  };
}

/** Each mode needs its own input: search → keywords, detail → specified_ids, creator → creator_ids. */
export function requireModeInput(
  task: {
    crawler_type: string;
    keywords: string[];
    specified_ids: string[];
    creator_ids: string[];
    enable_sub_comments: boolean;
    enable_comments: boolean;
  },
  ctx: z.RefinementCtx,
  searchAlso: readonly string[] = [],
): void {
  const needs = { search: "keywords", detail: "specified_ids", creator: "creator_ids" } as const;
  const field = needs[task.crawler_type as keyof typeof needs];
  // A platform's own search inputs (tieba's tieba_names) stand in for keywords.
  const other = task as unknown as Record<string, unknown>;
  const hasOther = field === "keywords" && searchAlso.some((name) => (other[name] as unknown[] | undefined)?.length);
  if (field && task[field].length === 0 && !hasOther) {
    const or = field === "keywords" && searchAlso.length > 0 ? ` (or ${searchAlso.join(", ")})` : "";
    ctx.addIssue({
      code: "custom",
      path: [field],
      message: `is required for crawler_type "${task.crawler_type}"${or}`,
    });
  }
  if (task.enable_sub_comments && !task.enable_comments) {
    ctx.addIssue({ code: "custom", path: ["enable_sub_comments"], message: "needs enable_comments: true" });
  }
}

/**
 * Refuses search filters set with another mode (400 naming the field): they would do nothing.
 *
 * @example z.strictObject({ ...mediaTaskShape("zhihu", ZHIHU_SORTS), vertical }).superRefine(searchOnly(["vertical"]))
 */
export function searchOnly<
  Field extends string,
  Task extends { crawler_type: string } & Partial<Record<Field, unknown>>,
>(
  fields: readonly Field[],
  /** Whether the task set them: for a list with a default ([]), that it is not empty. @default defined */
  isSet: (task: Task) => boolean = (task) => fields.some((field) => task[field] !== undefined),
) {
  return (task: Task, ctx: z.RefinementCtx): void => {
    if (task.crawler_type === "search" || !isSet(task)) return;
    for (const field of fields)
      if (task[field] !== undefined)
        ctx.addIssue({ code: "custom", path: [field], message: 'applies only to crawler_type "search"' });
  };
}

/** What one list of a media task takes: a check of each entry, and the 400 message naming the forms it accepts. */
export interface MediaIdRule {
  accepts(value: string): boolean;
  message: string;
}

/**
 * The checks every media platform's body gets beyond its shape: the list its mode needs
 * ({@link requireModeInput}), then each entry of `specified_ids` and `creator_ids` against
 * the platform's id rules, each refusal naming its entry (e.g. `specified_ids.0`).
 *
 * @example z.strictObject(mediaTaskShape("ks", KS_SORTS)).superRefine(mediaInputRules({ specified_ids: …, creator_ids: … }))
 */
export function mediaInputRules(rules: {
  specified_ids: MediaIdRule;
  creator_ids: MediaIdRule;
  /** Other lists a search may take instead of keywords (tieba's tieba_names). */
  searchAlso?: readonly string[];
}) {
  return (task: Parameters<typeof requireModeInput>[0], ctx: z.RefinementCtx): void => {
    requireModeInput(task, ctx, rules.searchAlso);
    for (const field of ["specified_ids", "creator_ids"] as const) {
      task[field].forEach((value, index) => {
        if (!rules[field].accepts(value))
          ctx.addIssue({ code: "custom", path: [field, index], message: rules[field].message });
      });
    }
  };
}
