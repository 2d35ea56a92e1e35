/**
 * The JSON m.weibo.cn's web app receives (and the state its detail page embeds), as far as
 * the crawler reads it. Kept in one place so a change of the site means one file to
 * update; the stand-in in tests/fixtures/wb answers in exactly these shapes.
 *
 * Sources (public): the m.weibo.cn requests of open crawlers such as NanmiCoder/MediaCrawler
 * (media_platform/weibo/client.py: getIndex with `containerid=100103type=…&q=…&page_type=searchall`,
 * `/comments/hotflow?id=…&mid=…&max_id=…&max_id_type=…`, `$render_data` on /detail/<mid>,
 * profile containers `100505<uid>` / `107603<uid>` with `since_id`) and of
 * dataabc/weiboSpider-style projects for the mblog and comment fields. Only the fields we
 * read are typed; the site sends many more.
 */

/**
 * Every m.weibo.cn API answer: `{ok, data}`. `ok: 1` is success. Not every `ok: 0` is an
 * error — a post without comments answers hotflow with `{ok: 0, msg: "快来发表你的评论吧"}`.
 * The ones that matter to us (see classify.ts): `ok: -100` with `url` to
 * passport.weibo.cn/signin/… (log in first); `ok: 0, errno: "100005"` "请求过于频繁" and
 * messages asking for 验证 (risk control); HTTP 418 with no body (robot suspected).
 */
export interface WbEnvelope<T> {
  ok: number;
  data?: T;
  msg?: string;
  errno?: string;
  /** Where the app is sent to log in (ok -100). */
  url?: string;
}

/** GET /api/container/getIndex?containerid=100103type%3D1%26q%3D<kw>&page_type=searchall[&page=N] — the search page, page 2+ as the reader scrolls. */
export interface WbSearchData {
  cardlistInfo: {
    containerid?: string;
    /** The next page to ask for; null (or absent) on the last page. */
    page?: number | null;
    total?: number;
  };
  cards: WbCard[];
}

/** A card: 9 is a post (`mblog`); 11 groups cards (`card_group`); other types are banners, users, topics. */
export interface WbCard {
  card_type: number;
  mblog?: WbMblog;
  card_group?: WbCard[];
}

/** One post ("mblog"), the same shape in search, profile lists and the detail page's `$render_data.status`. */
export interface WbMblog {
  /** The post's mid, as a string of digits. */
  id: string;
  mid?: string;
  /** base62 id used in weibo.com URLs. */
  bid?: string;
  /** HTML: links, `<br />`, emoticons as `<span class="url-icon"><img alt="[笑cry]" …></span>`. */
  text: string;
  /** e.g. "Sat Nov 01 12:00:00 +0800 2025". */
  created_at: string;
  attitudes_count: number;
  comments_count: number;
  reposts_count: number;
  /** e.g. "发布于 广东". */
  region_name?: string;
  source?: string;
  /** Longer posts arrive cut, ending in "…全文"; the full text needs another request we do not make. */
  isLongText?: boolean;
  pic_num?: number;
  user: WbUser | null;
}

export interface WbUser {
  id: number;
  screen_name: string;
  profile_image_url: string;
  avatar_hd?: string;
  /** "m" | "f" | "n" */
  gender?: string;
  description?: string;
  /** A number, or text such as "1.2万". */
  followers_count?: number | string;
  follow_count?: number;
  statuses_count?: number;
  verified?: boolean;
}

/** GET /api/container/getIndex?type=uid&value=<uid>&containerid=100505<uid> — the profile page's header. */
export interface WbProfileData {
  userInfo: WbUser;
  tabsInfo?: { tabs: Array<{ tabKey: string; containerid: string; title?: string }> };
}

/** GET /api/container/getIndex?type=uid&value=<uid>&containerid=107603<uid>[&since_id=…] — the profile's posts, more as the reader scrolls. */
export interface WbProfilePostsData {
  cardlistInfo: {
    containerid?: string;
    total?: number;
    /** Where the next page starts; absent or 0 on the last page. */
    since_id?: number | string;
  };
  cards: WbCard[];
}

/**
 * GET /comments/hotflow?id=<mid>&mid=<mid>&max_id_type=0[&max_id=…] — the detail page's
 * comments: the first page on load, the next ones as the reader scrolls.
 */
export interface WbHotflowData {
  data: WbComment[];
  total_number?: number;
  /** Cursor of the next page; 0 on the last one. */
  max_id: number;
  max_id_type: number;
}

/**
 * GET /comments/hotFlowChild?cid=<comment id>&max_id=0&max_id_type=0 — all replies of one
 * comment, when the reader opens "共N条回复". Unlike hotflow, the list and the cursor sit
 * at the top level next to `ok`.
 */
export interface WbHotFlowChild extends WbEnvelope<WbComment[]> {
  total_number?: number;
  max_id?: number;
  max_id_type?: number;
  rootComment?: WbComment[];
}

export interface WbComment {
  id: string | number;
  /** The top-level comment's id: its own id for a top-level comment, the thread's for a reply. */
  rootid?: string | number;
  created_at: string;
  /** HTML like a post's text. */
  text: string;
  like_count?: number;
  /** Replies to this comment. */
  total_number?: number;
  /** e.g. "来自广东". */
  source?: string;
  user: WbUser | null;
  /** Up to a few replies shown inline; `false` when there are none. */
  comments?: WbComment[] | false | null;
}

/**
 * The detail page m.weibo.cn/detail/<id> embeds the post in a script:
 * `var $render_data = [{ "status": { …mblog… }, "call": …, "hotScheme": … }][0] || {};`
 */
export interface WbRenderData {
  status?: WbMblog;
}
