/**
 * The JSON B站's web app receives, as far as the crawler reads it. Kept in one place so
 * a change of the site means one file to update; the stand-in in tests/fixtures/bili
 * answers in exactly these shapes.
 *
 * Sources (public): SocialSisterYi/bilibili-API-collect (docs/search, docs/video/info.md,
 * docs/comment/list.md, docs/user/space.md, docs/misc/sign/wbi.md) and the request
 * parameters of open crawlers such as NanmiCoder/MediaCrawler (media_platform/bilibili).
 * Only the fields we read are typed; the site sends many more.
 */

/**
 * Every api.bilibili.com answer: `{code, message, ttl, data}`. `code` 0 is success; the
 * ones that matter to us (see classify.ts): -101 账号未登录 (not logged in), -352 风控校验失败
 * and -412 请求被拦截 (risk control; -412 may also come as HTTP 412), -404 / 62002 / 62004
 * (no such video / hidden / under review), 12002 评论区已关闭 (comments closed).
 */
export interface BiliEnvelope<T> {
  code: number;
  message: string;
  ttl?: number;
  data?: T;
}

/**
 * GET /x/web-interface/wbi/search/type?search_type=video&keyword=…&order=…&page=…&page_size=…
 * (wbi-signed: w_rid, wts). Called by search.bilibili.com/video?keyword=…&order=…&page=….
 */
export interface BiliSearchData {
  page: number;
  pagesize: number;
  numResults: number;
  numPages: number;
  result?: BiliSearchVideo[];
}

export interface BiliSearchVideo {
  type: "video" | string;
  aid: number;
  bvid: string;
  /** With the keyword wrapped in `<em class="keyword">`. */
  title: string;
  description: string;
  author: string;
  mid: number;
  /** Protocol-relative, e.g. "//i0.hdslb.com/bfs/archive/….jpg". */
  pic: string;
  upic?: string;
  play: number;
  /** Danmaku count. */
  video_review: number;
  favorites: number;
  /** Comment count. */
  review: number;
  like?: number;
  pubdate: number;
  arcurl: string;
}

/**
 * GET /x/web-interface/view/detail?bvid=… (or aid=…; the newer page calls the wbi-signed
 * /x/web-interface/wbi/view/detail with the same answer). Called by www.bilibili.com/video/<id>.
 */
export interface BiliViewDetailData {
  View: BiliView;
  Card?: { card: BiliCard; follower?: number; like_num?: number };
}

export interface BiliView {
  aid: number;
  bvid: string;
  /** Number of parts (分P); 1 for a single video. */
  videos?: number;
  /** Sub-category name, e.g. "单机游戏". */
  tname?: string;
  /** 1 original, 2 repost. */
  copyright?: number;
  pic: string;
  title: string;
  pubdate: number;
  ctime?: number;
  desc: string;
  duration: number;
  owner: { mid: number; name: string; face: string };
  stat: BiliViewStat;
}

export interface BiliViewStat {
  aid: number;
  view: number;
  danmaku: number;
  reply: number;
  favorite: number;
  coin: number;
  share: number;
  like: number;
  dislike?: number;
}

export interface BiliCard {
  mid: string;
  name: string;
  /** "男" | "女" | "保密" */
  sex?: string;
  face: string;
  sign?: string;
  fans?: number;
}

/**
 * GET /x/v2/reply/wbi/main?oid=<aid>&type=1&mode=3&pagination_str={"offset":…}&plat=1&web_location=…
 * (wbi-signed). The video page calls it when its comment area scrolls into view, and again
 * with the `next_offset` of the previous answer as the reader scrolls down.
 */
export interface BiliReplyMainData {
  cursor: {
    is_begin?: boolean;
    is_end: boolean;
    /** Older cursor (page number); the current web app pages with `pagination_reply.next_offset`. */
    next?: number;
    mode?: number;
    all_count?: number;
    pagination_reply?: { next_offset?: string };
  };
  replies: BiliReply[] | null;
  top_replies?: BiliReply[] | null;
}

/**
 * GET /x/v2/reply/reply?oid=<aid>&type=1&root=<rpid>&ps=10&pn=<n>&web_location=333.788.
 * Called when the reader clicks "点击查看" under a comment, and on each page of its pager.
 */
export interface BiliReplyReplyData {
  page: { num: number; size: number; count: number };
  replies: BiliReply[] | null;
  root?: BiliReply;
}

/** One comment, top-level (root 0) or reply (root = the top-level comment's rpid). */
export interface BiliReply {
  rpid: number;
  rpid_str?: string;
  oid: number;
  type: number;
  mid: number;
  /** Top-level comment this replies under; 0 for a top-level comment. */
  root: number;
  /** Comment this answers directly; 0 for a top-level comment. */
  parent: number;
  /** Number of replies. */
  rcount: number;
  /** Replies incl. deleted ones. */
  count?: number;
  ctime: number;
  like: number;
  member: { mid: string; uname: string; sex?: string; sign?: string; avatar: string };
  content: { message: string };
  /** Up to 3 replies shown inline under a top-level comment; all of them when rcount ≤ 3. */
  replies: BiliReply[] | null;
  /** e.g. { location: "IP属地：广东" } */
  reply_control?: { location?: string; sub_reply_entry_text?: string };
}

/**
 * GET /x/space/wbi/arc/search?mid=…&ps=30&pn=…&order=pubdate&platform=web&web_location=… (wbi-signed).
 * Called by space.bilibili.com/<mid>/video and by each click of its pager.
 */
export interface BiliArcSearchData {
  list: { vlist: BiliSpaceVideo[] };
  page: { pn: number; ps: number; count: number };
}

export interface BiliSpaceVideo {
  aid: number;
  bvid: string;
  title: string;
  description: string;
  author: string;
  mid: number;
  pic: string;
  play: number;
  comment: number;
  video_review: number;
  created: number;
  length: string;
}
