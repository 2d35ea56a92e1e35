import { absentOk } from "../media/drift.js";
import * as z from "zod";

/**
 * The JSON m.weibo.cn's web app receives (and the state its detail page embeds), as far as
 * the crawler reads it, as zod schemas: every body is checked with `session.expect` (a
 * mismatch is SITE_CHANGED; unknown fields and missing optional ones become the task's
 * warnings). The TypeScript types are inferred from them, and the stand-in in
 * tests/fixtures/wb answers in exactly these shapes.
 *
 * Sources (public; paths in those repositories):
 * - NanmiCoder/MediaCrawler d6f7c5b, media_platform/weibo/client.py: search getIndex
 *   `containerid=100103type=…&q=…&page_type=searchall&page=N` (152-172), hotflow
 *   `id/mid/max_id/max_id_type` and `data.data/max_id/max_id_type` (174-228), inline
 *   replies `comments` (231-256), `$render_data` of /detail/<id> (258-278), the profile
 *   `100505<uid>` form (326-344), posts `107603<uid>` with `cardlistInfo.since_id`
 *   (346-413); media_platform/weibo/help.py (type-9 cards, also inside `card_group`);
 *   store/weibo/__init__.py (the fields it stores, 70-160).
 * - gottaegbert/weiboAPI old/response.js: the profile page's own requests
 *   (`getIndex?type=uid&value=<uid>`, then `&containerid=107603<uid>`), `userInfo`,
 *   `tabsInfo.tabs[]`, `cardlistInfo.page`, a hotflow page with `rootid`, inline
 *   `comments` (or `false`), per-comment `max_id` and `total_number`.
 * - Public m.weibo.cn clients that read /comments/hotFlowChild?cid=…&max_id=…&max_id_type=0
 *   (a Kotlin client's `hotflowChild(cid, maxid)`, a userscript hooking the app's own
 *   `comments/hotFlowChild` call, whose answer is `{ok, data: [...], rootComment, total_number, max_id}`).
 *
 * Fields we read are required. Fields the site sends that we do not read are listed as
 * optional where the stand-in copies them, and objects that come in variants (cards,
 * cursors) are unions of those variants: a body with only known fields passes without
 * warnings, and any field the site adds or drops shows as a warning (drift.ts).
 */

/** Counts come as numbers, or as text such as "1.2万" for large ones. */
const count = z.union([z.number(), z.string()]);

/**
 * Every m.weibo.cn API answer: `{ok, data}`. `ok: 1` is success. Not every `ok: 0` is an
 * error: a post without comments answers hotflow `{ok: 0, msg: "快来发表你的评论吧"}`, an
 * empty container `{ok: 0, msg: "这里还没有内容"}`. The ones that matter (access.ts, which
 * reads them from the raw body): `ok: -100` with `url` to passport.weibo.cn (log in
 * first), `errno: "100005"` 请求过于频繁. Those fields (`msg`, `errno`, `url`) come only
 * with failures, so they are left undeclared: listing them as optional would report every
 * successful answer as drift.
 */
export function wbEnvelope<T extends z.ZodType>(data: T) {
  return z.looseObject({ ok: z.number(), data: data.optional() });
}

export interface WbEnvelope<T> {
  ok: number;
  data?: T;
  msg?: string;
  errno?: string | number;
  url?: string;
}

/** The author of a post or comment. */
export const wbUser = z.looseObject({
  id: z.number(),
  screen_name: z.string(),
  profile_image_url: z.string(),
  avatar_hd: z.string().optional(),
  /** "m" | "f" | "n" */
  gender: z.string().optional(),
});

/** A profile's header user (weiboAPI `userInfo`): the author fields and the profile's. */
export const wbProfileUser = wbUser.extend({
  description: z.string().optional(),
  followers_count: count.optional(),
  follow_count: count.optional(),
  statuses_count: count.optional(),
  verified: z.boolean().optional(),
});

/** One post ("mblog"), the same shape in search, profile lists and the detail page's `$render_data.status`. */
export const wbMblog = z.looseObject({
  /** The post's mid, as a string of digits. */
  id: z.string(),
  mid: z.string().optional(),
  /** base62 id used in weibo.com URLs. */
  bid: z.string().optional(),
  /** HTML: links, `<br />`, emoticons as `<span class="url-icon"><img alt="[笑cry]" …></span>`. */
  text: z.string(),
  /** e.g. "Sat Nov 01 12:00:00 +0800 2025" (older answers: "06-14"). */
  created_at: z.string(),
  attitudes_count: count,
  comments_count: count,
  reposts_count: count,
  /** e.g. "发布于 广东". */
  region_name: z.string().optional(),
  source: z.string().optional(),
  /** Longer posts arrive cut in lists, ending in `...<a href="/status/<mid>">全文</a>`; the full text: /statuses/extend. */
  isLongText: z.boolean().optional(),
  pic_num: z.number().optional(),
  /**
   * The post's pictures: MC reads each one's `url` (media_platform/weibo/core.py:282-294).
   * ASSUMPTION: `large.url` is the full-size picture (observed m.weibo.cn answers; MC does
   * not read it), preferred when present.
   */
  // A post without pictures has none: its absence is normal.
  pics: absentOk(
    z.array(
      z.looseObject({
        pid: z.string().optional(),
        url: z.string().optional(),
        large: z.looseObject({ url: z.string() }).optional(),
      }),
    ),
  ),
  user: wbUser.nullable(),
});

/** A card: 9 is a post (`mblog`); 11 groups cards (`card_group`); other types are banners, users, topics. */
export interface WbCard {
  card_type: number;
  mblog?: WbMblog;
  card_group?: WbCard[];
  [key: string]: unknown;
}

export const wbCard: z.ZodType<WbCard> = z.lazy(() =>
  z.union([
    z.looseObject({ card_type: z.literal(9), mblog: wbMblog }),
    z.looseObject({ card_type: z.number(), card_group: z.array(wbCard) }),
    // Any other card (banner, user, topic), read for nothing. A post card (9) that got here
    // does not match the first variant: name what is wrong with its mblog (zod reports this
    // variant's issues, the only ones that do not abort).
    z.looseObject({ card_type: z.number() }).superRefine((card, ctx) => {
      if (card.card_type !== 9) return;
      const post = wbMblog.safeParse(card.mblog);
      for (const issue of post.success ? [] : post.error.issues)
        ctx.addIssue({ code: "custom", path: ["mblog", ...issue.path], message: issue.message });
    }),
  ]),
);

/**
 * GET /api/container/getIndex?containerid=100103type%3D1%26q%3D<kw>&page_type=searchall[&page=N]
 * (MC client.py:152-172): the search page asks for page 1 itself; later pages we call.
 */
export const wbSearchData = z.looseObject({
  cardlistInfo: z.looseObject({
    containerid: z.string().optional(),
    /** The next page to ask for; null (or absent) on the last page. */
    page: z.number().nullable().optional(),
    total: z.number().optional(),
  }),
  cards: z.array(wbCard),
});
export const wbSearchAnswer = wbEnvelope(wbSearchData);

/**
 * GET /api/container/getIndex?type=uid&value=<uid> — the profile page's header
 * (gottaegbert/weiboAPI); MC asks with `&containerid=100505<uid>` (client.py:326-344),
 * same answer.
 */
export const wbProfileData = z.looseObject({
  userInfo: wbProfileUser,
  tabsInfo: z
    .looseObject({
      tabs: z.array(z.looseObject({ tabKey: z.string(), containerid: z.string(), title: z.string().optional() })),
    })
    .optional(),
});
export const wbProfileAnswer = wbEnvelope(wbProfileData);

/**
 * GET /api/container/getIndex?type=uid&value=<uid>&containerid=107603<uid>[&since_id=…]
 * — the profile's posts: the page asks for the first page itself; later pages we call.
 * MC pages with `cardlistInfo.since_id` (client.py:399); an older answer carries
 * `cardlistInfo.page` instead (gottaegbert/weiboAPI cards1).
 */
const postsCursor = { containerid: z.string().optional(), total: z.number().optional() };
export const wbProfilePostsData = z.looseObject({
  cardlistInfo: z.union([
    /** Where the next page starts (MC); absent or 0 on the last page. */
    z.looseObject({ ...postsCursor, since_id: z.union([z.number(), z.string()]) }),
    /** The next page's number (an older answer). */
    z.looseObject({ ...postsCursor, page: z.number().nullable() }),
    /** The last page. */
    z.looseObject(postsCursor),
  ]),
  cards: z.array(wbCard),
});
export const wbProfilePostsAnswer = wbEnvelope(wbProfilePostsData);

/** A comment, or a reply (inline under a comment, or from hotFlowChild). */
export interface WbComment {
  id: string | number;
  /** The top-level comment's id: its own id for a top-level comment, the thread's for a reply. */
  rootid?: string | number;
  created_at: string;
  /** HTML like a post's text. */
  text: string;
  like_count?: number;
  /** Replies to this comment (top-level comments only). */
  total_number?: number;
  /** e.g. "来自广东". */
  source?: string;
  user: WbUser | null;
  /** A few replies shown inline, `false` when there are none (top-level comments only). */
  comments?: WbComment[] | false | null;
  [key: string]: unknown;
}

/** A reply: inline under a comment, or on a hotFlowChild page (weiboAPI comments2, `comments[]`). */
export const wbReply = z.looseObject({
  id: z.union([z.string(), z.number()]),
  rootid: z.union([z.string(), z.number()]).optional(),
  created_at: z.string(),
  text: z.string(),
  like_count: z.number().optional(),
  source: z.string().optional(),
  user: wbUser.nullable(),
});

/** A top-level comment of hotflow: a reply's fields, its reply count and the inline replies. */
export const wbComment = wbReply.extend({
  total_number: z.number(),
  comments: z.union([z.array(wbReply), z.literal(false)]).nullable(),
});
/**
 * GET /comments/hotflow?id=<mid>&mid=<mid>&max_id_type=0[&max_id=…] (MC client.py:174-193):
 * the detail page asks for the first page itself; later pages we call.
 */
export const wbHotflowData = z.looseObject({
  data: z.array(wbComment),
  total_number: z.number().optional(),
  /** Cursor of the next page; 0 on the last one. */
  max_id: z.number(),
  max_id_type: z.number(),
});
export const wbHotflowAnswer = wbEnvelope(wbHotflowData);

/**
 * GET /comments/hotFlowChild?cid=<comment id>&max_id=<0, then the answer's>&max_id_type=0 —
 * a comment's replies. Unlike hotflow, the list and the cursor sit next to `ok`.
 */
export const wbHotFlowChildAnswer = z.looseObject({
  ok: z.number(),
  data: z.array(wbReply).optional(),
  total_number: z.number().optional(),
  max_id: z.number().optional(),
  max_id_type: z.number().optional(),
  rootComment: z.array(wbComment).optional(),
});

/**
 * GET /statuses/extend?id=<mid> — a long post's whole text, as HTML like `text`
 * (gottaegbert/weiboAPI response.js:1766-1775 records the answer; public scripts call it for
 * posts whose list text ends in 全文). Counts come along; only the text is read.
 */
export const wbLongTextAnswer = wbEnvelope(
  z.looseObject({
    ok: z.number().optional(),
    longTextContent: z.string().optional(),
  }),
);

/**
 * The detail page m.weibo.cn/detail/<id> embeds the post in a script:
 * `var $render_data = [{ "status": { …mblog… }, … }][0] || {};` (MC client.py:269-275).
 */
export const wbRenderData = z.looseObject({
  status: wbMblog.optional(),
  call: z.unknown().optional(),
  hotScheme: z.string().optional(),
});

export type WbUser = z.infer<typeof wbUser>;
export type WbProfileUser = z.infer<typeof wbProfileUser>;
export type WbReply = z.infer<typeof wbReply>;
export type WbTopComment = z.infer<typeof wbComment>;
export type WbMblog = z.infer<typeof wbMblog>;
export type WbSearchData = z.infer<typeof wbSearchData>;
export type WbProfileData = z.infer<typeof wbProfileData>;
export type WbProfilePostsData = z.infer<typeof wbProfilePostsData>;
export type WbHotflowData = z.infer<typeof wbHotflowData>;
export type WbHotFlowChild = z.infer<typeof wbHotFlowChildAnswer>;
export type WbRenderData = z.infer<typeof wbRenderData>;
