/**
 * The JSON the xhs (小红书) crawler reads, as zod schemas: every body and page-state value
 * is checked against one of these (session.expect / expectValue). A body that does not
 * match fails its step with SITE_CHANGED; unknown fields and missing optional ones become
 * the task's warnings (media/drift.ts).
 *
 * How fields are declared:
 * - a field the crawler reads: its type, `.optional()` where the mapper copes without it
 *   (its absence is reported as a warning, because it may be drift);
 * - a field some items lack by design (`video` on image notes, `target_comment` on
 *   top-level comments): {@link sometimes}, so its absence is not reported;
 * - a field a source shows that the crawler does not read: {@link known}, so it is known
 *   (not reported as new) whether it is there or not.
 *
 * Sources, cited per group: NanmiCoder/MediaCrawler at d6f7c5b ("MC", media_platform/xhs/
 * and store/xhs/__init__.py), xpzouying/xiaohongshu-mcp at 6fb866a ("xhs-mcp",
 * xiaohongshu/types.go and the files that read the page state). API bodies are snake_case,
 * page state camelCase. Counts (liked_count, …) are strings as the site sends them ("1.2万").
 */
import * as z from "zod";
import { absentOk } from "../media/drift.js";

/** A field a source shows that the crawler does not read: known, whether there or not. */
const known = absentOk(z.unknown());

/**
 * Every API answer: `{code, success, msg, data}`, `success` true when fine (MC client.py:174-196).
 * Failures (`success: false`) are judged before the shape (access.ts), so only successes get here.
 */
export function envelope<T extends z.ZodType>(data: T) {
  return z.object({ code: z.number(), success: z.boolean(), msg: known, data });
}

// ---- API bodies (edith.xiaohongshu.com) ----------------------------------------------------

/**
 * An author as API bodies show one: `user_id`, `nickname` (also `nick_name`), `avatar`,
 * `xsec_token` (a search answer quoted in MC issue #550; MC store/xhs/__init__.py:98-118).
 */
const apiUser = z.object({
  user_id: z.string(),
  nickname: z.string().optional(),
  nick_name: known,
  avatar: z.string().optional(),
  xsec_token: known,
});

/** A commenter: `user_info` {user_id, nickname, image} (MC store/xhs/__init__.py:160-170). */
const commentUser = z.object({
  user_id: z.string(),
  nickname: z.string().optional(),
  image: z.string().optional(),
  xsec_token: known,
});

/** An image: url_default / url_pre, or `info_list` by scene (MC store/xhs/__init__.py:103-105, 162). */
const image = z.object({
  url_default: z.string().optional(),
  url_pre: known,
  url: absentOk(z.string()),
  width: known,
  height: known,
  info_list: absentOk(z.array(z.object({ image_scene: z.string().optional(), url: z.string().optional() }))),
  file_id: known,
  trace_id: known,
  live_photo: known,
});

/** A tag: "topic" ones are hashtags (MC store/xhs/__init__.py:124). */
const tag = z.object({ id: known, name: z.string().optional(), type: z.string().optional() });

/** `origin_video_key`, else the streams by codec (MC store/xhs/__init__.py:54-85). */
const video = z.object({
  consumer: absentOk(z.object({ origin_video_key: absentOk(z.string()) })),
  media: absentOk(
    z.object({
      stream: absentOk(
        z.record(z.string(), z.array(z.object({ master_url: absentOk(z.string()), backup_urls: known }))),
      ),
      video: known,
      video_id: known,
    }),
  ),
  capa: known,
  image: known,
});

/** Counts of a full note (MC store/xhs/__init__.py:119-122). */
const noteInteract = z.object({
  liked: known,
  liked_count: z.string().optional(),
  collected: known,
  collected_count: z.string().optional(),
  comment_count: z.string().optional(),
  share_count: z.string().optional(),
});

/** Counts of a card in a list: only likes (a search answer quoted in MC issue #550). */
const cardInteract = z.object({ liked: known, liked_count: z.string().optional() });

/**
 * A full note: POST /api/sns/web/v1/feed → data.items[].note_card (MC client.py:373-384;
 * the fields MC stores, store/xhs/__init__.py:97-129).
 */
export const noteCard = z.object({
  note_id: z.string(),
  type: z.string().optional(),
  title: z.string().optional(),
  desc: z.string().optional(),
  time: z.number().optional(),
  last_update_time: z.number().optional(),
  ip_location: absentOk(z.string()),
  user: apiUser.optional(),
  interact_info: noteInteract.optional(),
  image_list: z.array(image).optional(),
  tag_list: z.array(tag).optional(),
  video: absentOk(video),
  at_user_list: known,
  share_info: known,
});
export type XhsNoteCard = z.infer<typeof noteCard>;

/** data of the feed: `items` may be empty "when crawling frequently" (MC client.py:381-389). */
export const feedData = z.object({
  items: z.array(z.object({ id: z.string(), model_type: z.string(), note_card: noteCard })),
  cursor_score: known,
  current_time: known,
});
export type XhsFeedData = z.infer<typeof feedData>;

/** A search card: partial (display_title, likes, cover); the full note comes from the feed. */
const searchCard = z.object({
  type: z.string().optional(),
  display_title: absentOk(z.string()),
  user: apiUser.optional(),
  interact_info: cardInteract.optional(),
  cover: image.optional(),
  image_list: known,
  corner_tag_info: known,
});

/**
 * POST /api/sns/web/v1/search/notes → data {items, has_more} (MC client.py:343-352,
 * core.py:156-173). Items of other model types (rec_query, hot_query: MC core.py:173;
 * live_v2: xhs-mcp types.go:36-37) are not notes and carry no note_card.
 */
export const searchData = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      model_type: z.string(),
      xsec_token: absentOk(z.string()),
      note_card: absentOk(searchCard),
      rec_query: known,
      hot_query: known,
    }),
  ),
  has_more: z.boolean(),
});
export type XhsSearchData = z.infer<typeof searchData>;

const commentFields = {
  id: z.string(),
  note_id: z.string().optional(),
  content: z.string().optional(),
  create_time: z.number().optional(),
  ip_location: absentOk(z.string()),
  like_count: z.string().optional(),
  liked: known,
  status: known,
  at_users: known,
  show_tags: known,
  user_info: commentUser.optional(),
  pictures: z.array(image).optional(),
};

/** A reply: what it answers is `target_comment` (MC store/xhs/__init__.py:163-173). */
export const reply = z.object({
  ...commentFields,
  target_comment: absentOk(z.object({ id: z.string().optional(), user_info: absentOk(commentUser) })),
});

/**
 * A top-level comment, with its first replies inline (`sub_comments`) and where to go on
 * (`sub_comment_cursor`, `sub_comment_has_more`) (MC client.py:524-553).
 */
export const comment = z.object({
  ...commentFields,
  sub_comment_count: z.string().optional(),
  sub_comments: z.array(reply).optional(),
  sub_comment_cursor: absentOk(z.string()),
  sub_comment_has_more: z.boolean().optional(),
});
export type XhsTopComment = z.infer<typeof comment>;
export type XhsComment = XhsTopComment | z.infer<typeof reply>;

/** GET /api/sns/web/v2/comment/page → data {comments, cursor, has_more} (MC client.py:397-411, 471-482). */
export const commentPage = z.object({
  comments: z.array(comment),
  cursor: z.string().optional(),
  has_more: z.boolean(),
  time: known,
  user_id: known,
  xsec_token: known,
});

/** GET /api/sns/web/v2/comment/sub/page → the same, comments being replies (MC client.py:437-446, 552-559). */
export const replyPage = z.object({
  comments: z.array(reply),
  cursor: z.string().optional(),
  has_more: z.boolean(),
  time: known,
  user_id: known,
  xsec_token: known,
});

/**
 * GET /api/sns/web/v1/user_posted → data {notes, cursor, has_more}; the cursor is the
 * last note id of the page (MC client.py:606-635, 670-678).
 */
export const userPostedData = z.object({
  notes: z.array(
    z.object({
      note_id: z.string(),
      display_title: absentOk(z.string()),
      type: z.string().optional(),
      xsec_token: z.string().optional(),
      user: apiUser.optional(),
      interact_info: cardInteract.optional(),
      cover: image.optional(),
    }),
  ),
  cursor: z.string().optional(),
  has_more: z.boolean(),
});
export type XhsUserPostedData = z.infer<typeof userPostedData>;

// ---- window.__INITIAL_STATE__ (the page's state; camelCase) ---------------------------------

/** A user in page state (xhs-mcp types.go:61-67). */
const stateUser = z.object({
  userId: z.string(),
  nickname: z.string().optional(),
  nickName: known,
  avatar: z.string().optional(),
  xsecToken: known,
});

/**
 * A note as its page (`/explore/<id>?xsec_token=…`) holds it: note.noteDetailMap[id].note
 * (MC extractor.py:40-50; xhs-mcp feed_detail.go:944-1000, types.go:116-129, 195-247).
 */
export const stateNote = z.object({
  noteId: z.string(),
  type: z.string().optional(),
  title: z.string().optional(),
  desc: z.string().optional(),
  time: z.number().optional(),
  lastUpdateTime: z.number().optional(),
  ipLocation: absentOk(z.string()),
  xsecToken: absentOk(z.string()),
  user: stateUser.optional(),
  interactInfo: z
    .object({
      liked: known,
      likedCount: z.string().optional(),
      collected: known,
      collectedCount: z.string().optional(),
      commentCount: z.string().optional(),
      shareCount: z.string().optional(),
      followed: known,
      relation: known,
    })
    .optional(),
  imageList: z
    .array(
      z.object({
        urlDefault: z.string().optional(),
        urlPre: known,
        url: absentOk(z.string()),
        width: known,
        height: known,
        infoList: known,
        livePhoto: known,
        fileId: known,
        traceId: known,
      }),
    )
    .optional(),
  tagList: z.array(tag).optional(),
  video: absentOk(
    z.object({
      consumer: absentOk(z.object({ originVideoKey: absentOk(z.string()) })),
      media: absentOk(
        z.object({
          stream: absentOk(
            z.record(z.string(), z.array(z.object({ masterUrl: absentOk(z.string()), backupUrls: known }))),
          ),
          video: known,
          videoId: known,
        }),
      ),
      capa: known,
      image: known,
      mediaV2: known,
    }),
  ),
  atUserList: known,
  shareInfo: known,
});
export type XhsStateNote = z.infer<typeof stateNote>;

/** note.noteDetailMap[id]: the note and the comments the page loaded (xhs-mcp types.go:110-114, 249-254). */
export const noteDetailEntry = z.object({ note: stateNote, comments: known, currentTime: known });

/**
 * A profile (`/user/profile/<id>`): user.userPageData (MC extractor.py:52-69; xhs-mcp
 * user_profile.go:67-106, types.go:278-301). `interactions` lists the counters by type:
 * "follows" (关注), "fans" (粉丝), "interaction" (获赞与收藏).
 */
export const userPageData = z.object({
  basicInfo: z.object({
    nickname: z.string().optional(),
    images: z.string().optional(),
    imageb: known,
    redId: known,
    gender: z.number().optional(),
    ipLocation: absentOk(z.string()),
    desc: z.string().optional(),
  }),
  interactions: z.array(z.object({ type: z.string(), name: known, count: z.string() })),
  tags: z.array(z.object({ tagType: known, name: z.string().optional(), icon: known })).optional(),
  extraInfo: known,
  result: known,
  tabPublic: known,
});
export type XhsUserPageData = z.infer<typeof userPageData>;

/**
 * A note card of a profile's first page in state: user.notes[tab][i] (xhs-mcp
 * user_profile.go:84-135, types.go:22-59). Where its id sits is not certain: `id` (types.go:25)
 * or `noteCard.noteId`; either will do.
 */
const stateListedNote = z
  .object({
    id: absentOk(z.string()),
    xsecToken: z.string().optional(),
    modelType: known,
    index: known,
    noteCard: z.object({
      noteId: absentOk(z.string()),
      type: z.string().optional(),
      displayTitle: absentOk(z.string()),
      user: stateUser.optional(),
      interactInfo: z.object({ liked: known, likedCount: z.string().optional() }).optional(),
      cover: known,
      video: known,
      xsecToken: known,
    }),
  })
  .refine((note) => Boolean(note.id ?? note.noteCard.noteId), { message: "a note card without id or noteCard.noteId" });
export type XhsStateListedNote = z.infer<typeof stateListedNote>;

/**
 * user.notes: one list per profile tab (笔记, 收藏, 点赞), and user.activeTab saying which
 * one is shown (xhs-mcp user_profile.go:85-93, 132-135).
 */
export const profileNotes = z.object({
  notes: z.array(z.array(stateListedNote)),
  activeTab: absentOk(z.object({ index: z.number().optional(), query: known, key: known, label: known })),
});
export type XhsProfileNotes = z.infer<typeof profileNotes>;
