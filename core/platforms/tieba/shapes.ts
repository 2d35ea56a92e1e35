/**
 * The JSON shapes of the tieba (百度贴吧) PC web app's endpoints, and of the 楼中楼 HTML
 * fragment once parsed, as zod schemas: every body the crawler reads is checked against
 * them (session.expect), so a changed answer is SITE_CHANGED instead of an empty list, and
 * fields we do not know are counted as warnings. The stand-in (tests/fixtures/tieba)
 * answers in exactly these shapes.
 *
 * Sources, per group below: NanmiCoder/MediaCrawler (MC) media_platform/tieba/client.py and
 * help.py at HEAD d6f7c5b, written against the PC pages Baidu rewrote in 2026 (MC commit
 * f328ee3, "restore Tieba crawling after PC page rewrite"), and MC's saved fragment
 * media_platform/tieba/test_data/note_sub_comments.html. Only the fields we read are listed.
 *
 * Every JSON answer has an error envelope: `no` / `error` on /mo/q endpoints, `error_code`
 * / `error_msg` on /c/ endpoints; 0 means success (MC client.py:128-130 reads either). Ids
 * arrive as numbers or strings depending on the endpoint, hence `id`.
 */
import * as z from "zod";
import { absentOk } from "../media/drift.js";

const id = z.union([z.number(), z.string()]);
const flag = z.union([z.number(), z.boolean()]);

/** The error envelope (MC client.py:128: `error_code`, else `no`): one pair or the other. */
const envelope = {
  error_code: absentOk(id),
  error_msg: absentOk(z.string()),
  no: absentOk(id),
  error: absentOk(z.string()),
};
export const tiebaEnvelopeShape = z.object(envelope);
export type TiebaErrorEnvelope = z.infer<typeof tiebaEnvelopeShape>;
export type Id = z.infer<typeof id>;

/**
 * GET /mo/q/search/multsearch — keyword search (MC client.py:397-413: word, pn, rn, st,
 * needbrand, sug_type, come_from=search, subapp_type=pc, _client_type=20, sign).
 * Results are cards; thread cards have `cardInfo` or `cardStyle` "thread" and carry `tid`
 * (MC help.py:124-154).
 */
export const tiebaSearchCardShape = z.object({
  cardInfo: absentOk(z.string()),
  cardStyle: absentOk(z.string()),
  // Other cards (a forum, users) carry other data: every field may be absent.
  data: absentOk(
    z.object({
      tid: absentOk(id),
      title: absentOk(z.string()),
      /** Plain-text abstract of the first floor. */
      content: absentOk(z.string()),
      /** Unix seconds (MC help.py:144-146: `time`, else `create_time`). */
      time: absentOk(z.number()),
      create_time: absentOk(z.number()),
      forum_name: absentOk(z.string()),
      /** Replies in the thread (MC help.py:151). */
      post_num: absentOk(z.number()),
      user: absentOk(
        z.object({
          id: absentOk(id),
          user_name: absentOk(z.string()),
          show_nickname: absentOk(z.string()),
          portrait: absentOk(z.string()),
        }),
      ),
    }),
  ),
});
export const tiebaSearchShape = z.object({
  ...envelope,
  data: z.object({
    card_list: z.array(tiebaSearchCardShape),
    /** 1 while more pages follow. ASSUMPTION: MC never reads it; absent, a short page ends the search. */
    has_more: flag.optional(),
  }),
});
export type TiebaSearchResponse = z.infer<typeof tiebaSearchShape>;

/** Rich text of a floor: text parts, emoticons (`c`), images (MC help.py:84-96 reads `text`, else `c`). */
export const tiebaContentPartShape = z.object({
  type: z.number().optional(),
  text: absentOk(z.string()),
  /** Emoticon name, e.g. "滑稽". */
  c: absentOk(z.string()),
  src: absentOk(z.string()),
  link: absentOk(z.string()),
});
export type TiebaContentPart = z.infer<typeof tiebaContentPartShape>;
const content = z.union([z.array(tiebaContentPartShape), z.string()]);

/** page_pc's `user_list` entries (MC help.py:99-122: id, name, name_show, portrait). */
export const tiebaUserShape = z.object({
  id: id.optional(),
  /** Account name (may be empty for newer accounts). */
  name: z.string().optional(),
  /** Name shown on the site. */
  name_show: z.string().optional(),
  /** Stable public id used in profile links and avatar URLs, e.g. "tb.1.1a2b3c" (MC help.py:103-107). */
  portrait: z.string().optional(),
  /** "IP属地" as shown, e.g. "广东". ASSUMPTION: MC reads IP属地 only from the old HTML pages (help.py:728-740). */
  ip_address: absentOk(z.string()),
});
export type TiebaUser = z.infer<typeof tiebaUserShape>;

/** One reply inside a floor (楼中楼) as page_pc carries it. ASSUMPTION: MC never reads `sub_post_list`. */
export const tiebaSubPostShape = z.object({
  id: id.optional(),
  author_id: id.optional(),
  /** Unix seconds. */
  time: z.number().optional(),
  content: content.optional(),
});
export type TiebaSubPost = z.infer<typeof tiebaSubPostShape>;

/** One floor (楼层) of a thread (MC help.py:201-219: id, author_id, sub_post_number, content, time). */
export const tiebaPostShape = z.object({
  id: id.optional(),
  floor: z.number().optional(),
  author_id: id.optional(),
  /** Unix seconds. */
  time: z.number().optional(),
  content: content.optional(),
  /** Replies inside this floor in total (MC help.py:208). */
  sub_post_number: z.number().optional(),
  /** The first replies inside this floor, as the thread page shows them (absent without replies). */
  sub_post_list: absentOk(z.object({ pid: absentOk(id), sub_post_list: absentOk(z.array(tiebaSubPostShape)) })),
});
export type TiebaPost = z.infer<typeof tiebaPostShape>;

/** The thread's own first post, as page_pc gives it apart from the floors (MC help.py:161-178). */
export const tiebaFirstFloorShape = tiebaPostShape.extend({ title: absentOk(z.string()), tid: absentOk(id) });
export type TiebaFirstFloor = z.infer<typeof tiebaFirstFloorShape>;

const forumShape = z.object({ id: id.optional(), name: z.string().optional() });

/**
 * POST /c/f/pb/page_pc — one page (30 floors) of a thread. Form (MC client.py:150-169):
 * pn, lz, r, mark_type, back, fr, kz (thread id), session_request_times, tbs (from
 * /c/s/pc/sync), subapp_type=pc, _client_type=20, sign — all added by the page's own
 * script; we never compute them. Read: forum (its `id` is the `fid` of /p/comment and the
 * comments' `tieba_id`, MC help.py:195-196), thread, first_floor, page.total_page,
 * post_list, user_list (MC help.py:156-220).
 */
export const tiebaThreadPageShape = z.object({
  ...envelope,
  forum: forumShape.optional(),
  display_forum: absentOk(forumShape),
  thread: z
    .object({
      id: id.optional(),
      tid: absentOk(id),
      title: z.string().optional(),
      reply_num: z.number().optional(),
      create_time: z.number().optional(),
      author_id: id.optional(),
    })
    .optional(),
  first_floor: tiebaFirstFloorShape.optional(),
  page: z.object({
    current_page: z.number().optional(),
    total_page: z.number().optional(),
    page_size: z.number().optional(),
    has_more: flag.optional(),
  }),
  post_list: z.array(tiebaPostShape),
  user_list: z.array(tiebaUserShape).optional(),
});
export type TiebaThreadPageResponse = z.infer<typeof tiebaThreadPageShape>;

/**
 * GET /c/u/feed/myThread — a creator's threads, as the profile page (/home/main) loads
 * them. Query (MC client.py:684-710): pn, rn (20), portrait, type=1, un, subapp_type=pc,
 * _client_type=20, sign. Thread ids are `data.list[].thread_info.tid` (or `.id`) and
 * paging ends when `has_more` is 0 (MC help.py:239-250, client.py:835-860).
 */
export const tiebaCreatorFeedShape = z.object({
  ...envelope,
  data: z.object({
    list: z.array(
      z.object({
        thread_info: z
          .object({
            tid: absentOk(id),
            id: absentOk(id),
            title: z.string().optional(),
            forum_name: z.string().optional(),
          })
          .optional(),
      }),
    ),
    has_more: flag.optional(),
  }),
});
export type TiebaCreatorFeedResponse = z.infer<typeof tiebaCreatorFeedShape>;

/**
 * GET /p/comment?tid&pid&fid&pn — one page (10) of the replies inside a floor (楼中楼), an
 * HTML fragment (MC client.py:540-583, parsed by help.py:620-655). Each reply is
 * `li.lzl_single_post.j_lzl_s_p` whose `data-field` JSON holds spid, showname, user_name,
 * portrait; its text is `span.lzl_content_main`, its time `span.lzl_time`
 * ("2024-8-6 22:11"). The last `li.lzl_li_pager` carries `data-field` {total_num,
 * total_page} (MC test_data/note_sub_comments.html). This is the fragment as the page's
 * DOM parser reads it (comments.ts), checked like any JSON body.
 */
export const tiebaReplyRowShape = z.object({
  field: z.object({
    spid: id,
    showname: z.string().optional(),
    user_name: z.string().optional(),
    portrait: z.string().optional(),
  }),
  content: z.string(),
  time: z.string().optional(),
});
export const tiebaReplyFragmentShape = z.object({
  rows: z.array(tiebaReplyRowShape),
  pager: z.object({ total_num: z.number().optional(), total_page: z.number().optional() }).optional(),
});
export type TiebaReplyFragment = z.infer<typeof tiebaReplyFragmentShape>;
export type TiebaReplyRow = z.infer<typeof tiebaReplyRowShape>;

/**
 * - POST /c/f/frs/page_pc — a forum's (吧) thread list: kw, pn, sort_type, is_newfrs,
 *   is_newfeed, rn, rn_need, tbs, …, sign; thread ids in `forum.tids`, comma-joined
 *   (MC client.py:598-644, help.py:252-277). The forum page's own request, read for tieba_names.
 * - GET /c/u/pc/homeSidebarRight?portrait&un — a creator's profile: `data.user` with id,
 *   name_show, concern_num, fans_num, tb_age (MC client.py:646-682, help.py:222-237). The
 *   profile page's own request, read in creator mode.
 */
export const tiebaForumPageShape = z.object({
  ...envelope,
  forum: z.object({ id: id.optional(), name: z.string().optional(), tids: z.string().optional() }),
});
export const tiebaCreatorProfileShape = z.object({
  ...envelope,
  data: z.object({
    user: z.object({
      id: id.optional(),
      name: z.string().optional(),
      name_show: z.string().optional(),
      portrait: z.string().optional(),
      // MC reads both with int(…), so text is taken too.
      concern_num: z.union([z.number(), z.string()]).optional(),
      fans_num: z.union([z.number(), z.string()]).optional(),
      tb_age: z.union([z.string(), z.number()]).optional(),
    }),
  }),
});

/** Error code of an answer (either envelope), 0 when it has none. */
export function tiebaErrorCode(body: TiebaErrorEnvelope): number {
  const code = body.error_code ?? body.no ?? 0;
  const number = typeof code === "number" ? code : Number.parseInt(code, 10);
  return Number.isFinite(number) ? number : -1;
}

export function tiebaErrorMessage(body: TiebaErrorEnvelope): string {
  return body.error_msg ?? body.error ?? "";
}

export type TiebaCreatorProfile = z.infer<typeof tiebaCreatorProfileShape>["data"]["user"];
