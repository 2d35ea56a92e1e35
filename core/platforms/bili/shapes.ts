import * as z from "zod";

/**
 * The JSON B站's web app receives, as far as the crawler reads it, as zod schemas: every
 * body is checked with `session.expect` (a mismatch is SITE_CHANGED, unknown fields and
 * missing optional ones become the task's warnings). The TypeScript types are inferred
 * from them, and the stand-in in tests/fixtures/bili answers in exactly these shapes.
 *
 * Sources (public; paths in those repositories):
 * - SocialSisterYi/bilibili-API-collect, last content commit be27224 (the repository was
 *   emptied afterwards): docs/comment/list.md (reply/wbi/main, reply/reply and their
 *   fields), docs/misc/errcode.md (codes), docs/misc/sign/wbi.md (which endpoints are
 *   signed, the `v_voucher` answer to a missing signature);
 * - NanmiCoder/MediaCrawler d6f7c5b: media_platform/bilibili/client.py (endpoints and
 *   parameters: search 186-196, view/detail 208-214, wbi/main 266-268, pinned comments
 *   47-54 and 318-334, reply/reply 419-429, arc/search 440-447), store/bilibili/__init__.py
 *   (the fields it stores, 60-114).
 *
 * Fields we read are required; a few the site sends and the stand-in copies are listed
 * as optional so their absence shows as drift.
 */

/** An id the site sends as a number (older answers) or a string (mids in `member`, `card`). */
const numericId = z.union([z.number(), z.string()]);

/**
 * Every api.bilibili.com answer: `{code, message, ttl, data}`. `code` 0 is success; `data`
 * is null on an error. The codes that matter (access.ts): -101 账号未登录, -352 风控校验失败,
 * -412 请求被拦截, -799 请求过于频繁 (errcode.md); -404 / 62002 / 62004 for one video;
 * 12002 评论区已关闭 (list.md).
 */
export function biliEnvelope<T extends z.ZodType>(data: T) {
  return z.looseObject({
    code: z.number(),
    message: z.string(),
    ttl: z.number().optional(),
    data: data.nullable().optional(),
  });
}

export interface BiliEnvelope<T> {
  code: number;
  message: string;
  ttl?: number;
  data?: T | null;
}

/**
 * GET /x/web-interface/wbi/search/type?search_type=video&keyword=…&order=…&page=…&page_size=…
 * (wbi-signed; MC client.py:186-196). Called by search.bilibili.com/video?keyword=…&page=….
 */
export const biliSearchVideo = z.looseObject({
  type: z.string(),
  aid: z.number(),
  bvid: z.string(),
  /** With the keyword wrapped in `<em class="keyword">`. */
  title: z.string(),
  description: z.string().optional(),
  author: z.string().optional(),
  mid: z.number().optional(),
  pic: z.string().optional(),
  upic: z.string().optional(),
  play: z.number().optional(),
  video_review: z.number().optional(),
  favorites: z.number().optional(),
  review: z.number().optional(),
  like: z.number().optional(),
  pubdate: z.number().optional(),
  arcurl: z.string().optional(),
});

export const biliSearchData = z.looseObject({
  page: z.number(),
  pagesize: z.number().optional(),
  numResults: z.number(),
  numPages: z.number(),
  /** Absent when nothing matched. */
  result: z.array(biliSearchVideo).nullable().optional(),
});
export const biliSearchAnswer = biliEnvelope(biliSearchData);

/**
 * GET /x/web-interface/view/detail?bvid=… or ?aid=… (unsigned: MC client.py:208-214 calls it
 * with enable_params_sign=False). The video page loads it (the newer page the signed
 * /x/web-interface/wbi/view/detail, same answer).
 */
export const biliViewStat = z.looseObject({
  aid: z.number().optional(),
  view: z.number(),
  danmaku: z.number(),
  reply: z.number(),
  favorite: z.number(),
  coin: z.number(),
  share: z.number(),
  like: z.number(),
  /** Stored by MC as disliked_count (store/bilibili/__init__.py:69); always 0 nowadays. */
  dislike: z.number().optional(),
});

export const biliView = z.looseObject({
  aid: z.number(),
  bvid: z.string(),
  /** Number of parts (分P). */
  videos: z.number().optional(),
  /** Sub-category name, e.g. "单机游戏". */
  tname: z.string().optional(),
  /** 1 original, 2 repost. */
  copyright: z.number().optional(),
  pic: z.string(),
  title: z.string(),
  pubdate: z.number(),
  ctime: z.number().optional(),
  desc: z.string(),
  duration: z.number(),
  owner: z.looseObject({ mid: z.number(), name: z.string(), face: z.string() }),
  stat: biliViewStat,
});

export const biliCard = z.looseObject({
  mid: numericId,
  name: z.string(),
  /** "男" | "女" | "保密" */
  sex: z.string().optional(),
  face: z.string(),
  sign: z.string().optional(),
  fans: z.number().optional(),
});

export const biliViewDetailData = z.looseObject({
  View: biliView,
  Card: z.looseObject({ card: biliCard, follower: z.number().optional(), like_num: z.number().optional() }).optional(),
});
export const biliViewDetailAnswer = biliEnvelope(biliViewDetailData);

/** One comment, top-level (root 0) or reply (root = the top-level comment's rpid); list.md 评论条目对象. */
export interface BiliReply {
  rpid: number;
  oid: number;
  type: number;
  mid: number;
  /** Top-level comment this replies under; 0 for a top-level comment. */
  root: number;
  /** Comment this answers directly; 0 for a top-level comment. */
  parent: number;
  /** Number of replies. */
  rcount: number;
  ctime: number;
  like: number;
  member: { mid: string | number; uname: string; avatar: string; [key: string]: unknown };
  content: { message: string; [key: string]: unknown };
  /** Up to 3 replies shown inline under a top-level comment; all of them when rcount ≤ 3. */
  replies?: BiliReply[] | null;
  /** e.g. { location: "IP属地：广东" } */
  reply_control?: { location?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export const biliReply: z.ZodType<BiliReply> = z.lazy(() =>
  z.looseObject({
    rpid: z.number(),
    rpid_str: z.string().optional(),
    oid: z.number(),
    type: z.number(),
    mid: z.number(),
    root: z.number(),
    parent: z.number(),
    rcount: z.number(),
    /** Replies including deleted ones. */
    count: z.number().optional(),
    ctime: z.number(),
    like: z.number(),
    member: z.looseObject({
      mid: numericId,
      uname: z.string(),
      sex: z.string().optional(),
      sign: z.string().optional(),
      avatar: z.string(),
    }),
    content: z.looseObject({ message: z.string() }),
    replies: z.array(biliReply).nullable().optional(),
    reply_control: z.looseObject({ location: z.string().optional() }).optional(),
  }),
);

/**
 * GET /x/v2/reply/wbi/main?oid=<aid>&type=1&mode=3&pagination_str={"offset":…}&plat=1&web_location=…
 * (wbi-signed; list.md 获取评论区明细_懒加载). The page's comment area (`<bili-comments>`)
 * calls it when it comes into view, and again with `cursor.pagination_reply.next_offset`
 * as the reader scrolls down. Pinned comments come in `top_replies` and/or `top.upper` /
 * `top.admin` on the first page (MC client.py:47-54, 318-334 reads both).
 */
export const biliReplyMainData = z.looseObject({
  cursor: z.looseObject({
    is_begin: z.boolean().optional(),
    is_end: z.boolean(),
    next: z.number().optional(),
    mode: z.number().optional(),
    all_count: z.number().optional(),
    pagination_reply: z.looseObject({ next_offset: z.string().optional() }).optional(),
  }),
  replies: z.array(biliReply).nullable(),
  top: z
    .looseObject({
      admin: biliReply.nullable().optional(),
      upper: biliReply.nullable().optional(),
      vote: z.unknown().optional(),
    })
    .nullable()
    .optional(),
  top_replies: z.array(biliReply).nullable().optional(),
});
export const biliReplyMainAnswer = biliEnvelope(biliReplyMainData);

/**
 * GET /x/v2/reply/reply?type=1&oid=<aid>&root=<rpid>&ps=<n>&pn=<n> — not wbi-signed
 * (list.md 获取指定评论的回复: 认证方式 Cookie; MC client.py:419-429). `page.count` is the
 * number of replies; at most 20 per page.
 */
export const biliReplyReplyData = z.looseObject({
  page: z.looseObject({ num: z.number(), size: z.number(), count: z.number() }),
  replies: z.array(biliReply).nullable(),
  root: biliReply.optional(),
});
export const biliReplyReplyAnswer = biliEnvelope(biliReplyReplyData);

/**
 * GET /x/space/wbi/arc/search?mid=…&ps=…&pn=…&order=pubdate&… (wbi-signed; MC
 * client.py:440-447). Called by space.bilibili.com/<mid>/video?pn=….
 */
export const biliSpaceVideo = z.looseObject({
  aid: z.number(),
  bvid: z.string(),
  title: z.string(),
  description: z.string().optional(),
  author: z.string().optional(),
  mid: z.number().optional(),
  pic: z.string().optional(),
  play: z.number().optional(),
  comment: z.number().optional(),
  video_review: z.number().optional(),
  created: z.number().optional(),
  /** "mm:ss" */
  length: z.string().optional(),
});

export const biliArcSearchData = z.looseObject({
  list: z.looseObject({ vlist: z.array(biliSpaceVideo).nullable() }),
  page: z.looseObject({ pn: z.number(), ps: z.number(), count: z.number() }),
});
export const biliArcSearchAnswer = biliEnvelope(biliArcSearchData);

export type BiliSearchVideo = z.infer<typeof biliSearchVideo>;
export type BiliSearchData = z.infer<typeof biliSearchData>;
export type BiliView = z.infer<typeof biliView>;
export type BiliViewStat = z.infer<typeof biliViewStat>;
export type BiliCard = z.infer<typeof biliCard>;
export type BiliViewDetailData = z.infer<typeof biliViewDetailData>;
export type BiliReplyMainData = z.infer<typeof biliReplyMainData>;
export type BiliReplyReplyData = z.infer<typeof biliReplyReplyData>;
export type BiliSpaceVideo = z.infer<typeof biliSpaceVideo>;
export type BiliArcSearchData = z.infer<typeof biliArcSearchData>;
