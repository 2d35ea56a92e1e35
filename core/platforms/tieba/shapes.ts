/**
 * JSON shapes of the tieba (百度贴吧) PC web app's endpoints, as far as we read them.
 * The stand-in in tests/fixtures/tieba answers in exactly these shapes.
 *
 * Where they come from: the fields public tieba crawlers read from these endpoints —
 * MediaCrawler's media_platform/tieba (client.py and help.py, 2025–2026, which call them
 * from a logged-in page) and the tieba PC web app's own requests as those projects
 * document them. Only fields we use are listed; the real answers carry many more.
 *
 * Every answer has an error envelope: `no` / `error` on /mo/q endpoints, `error_code` /
 * `error_msg` on /c/ endpoints; 0 means success. Ids arrive as numbers or strings
 * depending on the endpoint, hence `Id`.
 */

export type Id = number | string;

export interface TiebaErrorEnvelope {
  /** /c/ endpoints: 0 on success. */
  error_code?: Id;
  error_msg?: string;
  /** /mo/q endpoints: 0 on success. */
  no?: Id;
  error?: string;
}

/**
 * GET /mo/q/search/multsearch — keyword search.
 * Query: word, pn (1-based page), rn (page size, 20), st (sort: 1 newest, 0 oldest,
 * 2 relevance), needbrand, sug_type, come_from=search, subapp_type=pc, _client_type=20,
 * sign (added by the page's script).
 * Results are cards; thread cards have `cardInfo` (or `cardStyle`) "thread".
 */
export interface TiebaSearchResponse extends TiebaErrorEnvelope {
  data?: {
    card_list?: TiebaSearchCard[];
    /** 1 while more pages follow (absent on some answers: then a short page ends the search). */
    has_more?: number | boolean;
  };
}

export interface TiebaSearchCard {
  cardInfo?: string;
  cardStyle?: string;
  data?: {
    tid?: Id;
    title?: string;
    /** Plain-text abstract of the first floor. */
    content?: string;
    /** Unix seconds. */
    time?: number;
    create_time?: number;
    forum_name?: string;
    forum_id?: Id;
    /** Replies in the thread. */
    post_num?: number;
    user?: { id?: Id; user_name?: string; show_nickname?: string; portrait?: string };
  };
}

/** Rich text of a floor: text parts (type 0), links, emoticons (type 2), images (type 3). */
export interface TiebaContentPart {
  type?: number;
  text?: string;
  /** Emoticon name, e.g. "滑稽". */
  c?: string;
  src?: string;
  link?: string;
}

export interface TiebaUser {
  id?: Id;
  /** Account name (may be empty for newer accounts). */
  name?: string;
  /** Name shown on the site. */
  name_show?: string;
  /** Stable public id used in profile links and avatar URLs, e.g. "tb.1.1a2b3c". */
  portrait?: string;
  /** "IP属地" as shown, e.g. "广东". */
  ip_address?: string;
}

/** One reply inside a floor (楼中楼). */
export interface TiebaSubPost {
  id?: Id;
  author_id?: Id;
  /** Unix seconds. */
  time?: number;
  content?: TiebaContentPart[] | string;
}

/** One floor (楼层) of a thread. Floor 1 is the thread's own first post. */
export interface TiebaPost {
  id?: Id;
  floor?: number;
  author_id?: Id;
  /** Unix seconds. */
  time?: number;
  content?: TiebaContentPart[] | string;
  /** Replies inside this floor in total. */
  sub_post_number?: number;
  /** The first replies inside this floor, as the thread page shows them. */
  sub_post_list?: { pid?: Id; sub_post_list?: TiebaSubPost[] };
}

/** The thread's own first post, as page_pc gives it apart from the floors. */
export type TiebaFirstFloor = TiebaPost & { title?: string; tid?: Id };

/**
 * POST /c/f/pb/page_pc — one page (30 floors) of a thread.
 * Form: kz (thread id), pn (1-based page), rn (30), lz (0: all authors), r (sort),
 * back, fr, mark_type, session_request_times, tbs, subapp_type=pc, _client_type=20,
 * sign (the page's script computes it; we never do).
 */
export interface TiebaThreadPageResponse extends TiebaErrorEnvelope {
  forum?: { id?: Id; name?: string };
  display_forum?: { id?: Id; name?: string };
  thread?: { id?: Id; title?: string; reply_num?: number; create_time?: number; author_id?: Id };
  first_floor?: TiebaFirstFloor;
  page?: { current_page?: number; total_page?: number; page_size?: number; has_more?: number | boolean };
  post_list?: TiebaPost[];
  user_list?: TiebaUser[];
}

/**
 * POST /c/f/frs/page_pc — a forum's (吧) thread list.
 * Form: kw (forum name), pn, rn, sort_type, is_newfrs, is_newfeed, rn_need, tbs,
 * subapp_type=pc, _client_type=20, sign. `forum.tids` lists the page's thread ids.
 * Not read yet: crawling a forum by name is not offered (the task's inputs are
 * keywords, thread ids and creators); kept here as the known shape for when it is.
 */
export interface TiebaForumPageResponse extends TiebaErrorEnvelope {
  forum?: { id?: Id; name?: string; tids?: string };
  thread_list?: Array<{ id?: Id; tid?: Id; title?: string; reply_num?: number; create_time?: number; author_id?: Id }>;
  page?: { current_page?: number; total_page?: number; has_more?: number | boolean };
  user_list?: TiebaUser[];
}

/**
 * GET /c/u/feed/myThread — a creator's threads, as the profile page (/home/main) loads
 * them while scrolling. Query: pn, rn (20), portrait or un, type=1, subapp_type=pc,
 * _client_type=20, sign. (Public source: MediaCrawler's tieba client, 2026.)
 */
export interface TiebaCreatorFeedResponse extends TiebaErrorEnvelope {
  data?: {
    list?: Array<{ thread_info?: { tid?: Id; id?: Id; title?: string; forum_name?: string } }>;
    has_more?: number | boolean;
  };
}

/** Error code of an answer (either envelope), 0 when it has none. */
export function tiebaErrorCode(body: TiebaErrorEnvelope): number {
  const code = body.error_code ?? body.no ?? 0;
  const number = typeof code === "number" ? code : Number.parseInt(code, 10);
  return Number.isFinite(number) ? number : -1;
}

export function tiebaErrorMessage(body: TiebaErrorEnvelope): string {
  return body.error_msg ?? body.error ?? "";
}
