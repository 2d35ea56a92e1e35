import type { CreatorInfo, MediaRecord } from "../media/types.js";
import type { XhsComment, XhsNoteCard, XhsStateListedNote, XhsStateNote, XhsUserPageData } from "./shapes.js";
import { noteUrl } from "./site.js";
import type { XhsCommentFields, XhsContentFields, XhsCreatorFields } from "./itemSchema.js";

export { noteUrl } from "./site.js";

/**
 * Mappers from xhs JSON (shapes.ts) to records, with the field names MediaCrawler's xhs
 * store uses (store/xhs/__init__.py:109-129, 164-176), so its users find them:
 * - content: note_id, type, title, desc, video_url, time, last_update_time, liked_count,
 *   collected_count, comment_count, share_count, image_list, tag_list, note_url,
 *   source_keyword, xsec_token;
 * - comment: comment_id, create_time, note_id, content, sub_comment_count, pictures,
 *   parent_comment_id (null for a top-level comment), like_count;
 * - creator: desc (the bio; only with keep_user_info), gender, follows, fans, interaction, tag_list.
 * Who wrote it (user id, nickname, avatar, IP location) goes to `creator` only; the
 * framework stores it hashed unless the task keeps user info. Lists are arrays; values the
 * site did not send are null. Where the formats differ from MediaCrawler's (comma-joined
 * lists, last_modify_ts, `nickname`), FLOW.md says how; its export layout is issue 16's.
 */

/** Where a note was found, for its stored fields. */
export interface NoteContext {
  /** Base of note_url, e.g. "https://www.xiaohongshu.com". */
  wwwBase: string;
  /** The token the note's links carry; xhs refuses note pages without it. */
  xsecToken?: string;
  /** "pc_search", "pc_user", "pc_feed": what note_url says the visit came from. */
  xsecSource: string;
  /** The keyword that found it (search mode). */
  sourceKeyword?: string;
}

/** What a note mapper takes: a full feed note, or the partial card of a list (display_title, likes). */
export type NoteInput = Partial<XhsNoteCard> & { display_title?: string };
type CommentInput = Partial<XhsComment> & { id?: string };

/** File host of origin video keys (MC store/xhs/__init__.py:83; https here). */
const VIDEO_HOST = "https://sns-video-bd.xhscdn.com";

export function noteRecord(card: NoteInput, context: NoteContext): MediaRecord {
  const noteId = card.note_id ?? "";
  const info: NonNullable<NoteInput["interact_info"]> = card.interact_info ?? {};
  const token = context.xsecToken ?? null;
  return {
    item_type: "content",
    id: noteId,
    fields: {
      note_id: noteId,
      type: card.type ?? null,
      title: card.title || card.display_title || "",
      desc: card.desc ?? null,
      video_url: card.type === "video" ? videoUrl(card.video) : null,
      time: card.time ?? null,
      last_update_time: card.last_update_time ?? null,
      liked_count: info.liked_count ?? null,
      collected_count: info.collected_count ?? null,
      comment_count: info.comment_count ?? null,
      share_count: info.share_count ?? null,
      image_list: (card.image_list ?? []).map(imageUrl).filter((url): url is string => url !== undefined),
      tag_list: (card.tag_list ?? [])
        .filter((tag) => tag.type === "topic" && tag.name)
        .map((tag) => tag.name as string),
      note_url: noteUrl(context.wwwBase, noteId, token, context.xsecSource),
      source_keyword: context.sourceKeyword ?? null,
      xsec_token: token,
    } satisfies XhsContentFields,
    creator: creatorOf(card.user, card.ip_location),
  };
}

/** The note page's state note (camelCase) in the feed's shape, then mapped. */
export function noteRecordFromState(note: Partial<XhsStateNote>, context: NoteContext): MediaRecord {
  const stream = note.video?.media?.stream;
  const card: NoteInput = {
    note_id: note.noteId,
    type: note.type,
    title: note.title,
    desc: note.desc,
    time: note.time,
    last_update_time: note.lastUpdateTime,
    ip_location: note.ipLocation,
    user:
      note.user === undefined
        ? undefined
        : { user_id: note.user.userId, nickname: note.user.nickname, avatar: note.user.avatar },
    interact_info: {
      liked_count: note.interactInfo?.likedCount,
      collected_count: note.interactInfo?.collectedCount,
      comment_count: note.interactInfo?.commentCount,
      share_count: note.interactInfo?.shareCount,
    },
    image_list: (note.imageList ?? []).map((image) => ({ url_default: image.urlDefault, url: image.url })),
    tag_list: note.tagList,
    video: {
      consumer: { origin_video_key: note.video?.consumer?.originVideoKey },
      media: {
        stream: Object.fromEntries(
          Object.entries(stream ?? {}).map(([codec, list]) => [
            codec,
            list.map((entry) => ({ master_url: entry.masterUrl })),
          ]),
        ),
      },
    },
  };
  return noteRecord(card, { ...context, xsecToken: context.xsecToken ?? note.xsecToken });
}

/** A note card of a profile's page state (camelCase) as a partial note: what is stored when the note itself cannot be read. */
export function listedNoteFromState(note: XhsStateListedNote): NoteInput {
  const card = note.noteCard;
  const user = card.user;
  return {
    note_id: note.id ?? card.noteId,
    type: card.type,
    display_title: card.displayTitle,
    user: user === undefined ? undefined : { user_id: user.userId, nickname: user.nickname, avatar: user.avatar },
    interact_info: { liked_count: card.interactInfo?.likedCount },
  };
}

/**
 * A comment; `rootId` set makes it a reply (to `target_comment`, or to the root when
 * the site does not say).
 */
export function commentRecord(comment: CommentInput, noteId: string, rootId?: string): MediaRecord {
  const id = comment.id ?? "";
  const target = "target_comment" in comment ? comment.target_comment : undefined;
  const parent = rootId === undefined ? null : (target?.id ?? rootId);
  const subCount = "sub_comment_count" in comment ? comment.sub_comment_count : undefined;
  return {
    item_type: "comment",
    id,
    fields: {
      comment_id: id,
      create_time: comment.create_time ?? null,
      note_id: comment.note_id ?? noteId,
      content: comment.content ?? "",
      sub_comment_count: subCount ?? (rootId === undefined ? "0" : null),
      pictures: (comment.pictures ?? []).map(imageUrl).filter((url): url is string => url !== undefined),
      parent_comment_id: parent,
      like_count: comment.like_count ?? null,
    } satisfies XhsCommentFields,
    creator: commenterOf(comment.user_info, comment.ip_location),
    ...(rootId === undefined ? {} : { parentId: rootId }),
  };
}

/** A creator's profile. The bio identifies a person as well as a name does: kept only with keep_user_info. */
export function creatorRecord(userId: string, page: Partial<XhsUserPageData>, keepUserInfo = false): MediaRecord {
  const basic: Partial<XhsUserPageData["basicInfo"]> = page.basicInfo ?? {};
  const count = (type: string): string | null => page.interactions?.find((entry) => entry.type === type)?.count ?? null;
  return {
    item_type: "creator",
    id: userId,
    fields: {
      desc: keepUserInfo ? (basic.desc ?? null) : null,
      gender: basic.gender ?? null,
      follows: count("follows"),
      fans: count("fans"),
      interaction: count("interaction"),
      tag_list: (page.tags ?? []).map((tag) => tag.name).filter((name): name is string => Boolean(name)),
    } satisfies XhsCreatorFields,
    creator: {
      user_id: userId,
      ...definedOnly({ nickname: basic.nickname, avatar: basic.images, ip_location: basic.ipLocation }),
    },
  };
}

/**
 * Vue 3 refs in __INITIAL_STATE__ serialise as {__v_isRef: true, _value, …}; returns
 * what they hold (and plain values as they are).
 */
export function unref<T>(value: unknown): T | undefined {
  let current = value;
  while (typeof current === "object" && current !== null && (current as { __v_isRef?: unknown }).__v_isRef === true) {
    const ref = current as { _value?: unknown; value?: unknown };
    current = ref._value !== undefined ? ref._value : ref.value;
  }
  return current as T | undefined;
}

interface UserLike {
  user_id?: string;
  nickname?: string;
  nick_name?: unknown;
  avatar?: string;
}

function creatorOf(user: UserLike | undefined, ipLocation: string | undefined): CreatorInfo | undefined {
  if (user?.user_id === undefined || user.user_id === "") return undefined;
  const nickname = user.nickname ?? (typeof user.nick_name === "string" ? user.nick_name : undefined);
  return { user_id: user.user_id, ...definedOnly({ nickname, avatar: user.avatar, ip_location: ipLocation }) };
}

function commenterOf(
  user: { user_id?: string; nickname?: string; image?: string } | undefined,
  ipLocation: string | undefined,
): CreatorInfo | undefined {
  if (user?.user_id === undefined || user.user_id === "") return undefined;
  return {
    user_id: user.user_id,
    ...definedOnly({ nickname: user.nickname, avatar: user.image, ip_location: ipLocation }),
  };
}

function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

interface ImageLike {
  url_default?: string;
  url?: string;
  url_pre?: unknown;
  info_list?: ReadonlyArray<{ image_scene?: string; url?: string }>;
}

function imageUrl(image: ImageLike): string | undefined {
  const fromList = image.info_list?.find((entry) => entry.image_scene === "WB_DFT")?.url;
  const pre = typeof image.url_pre === "string" ? image.url_pre : undefined;
  return image.url_default || image.url || fromList || pre || undefined;
}

function videoUrl(video: NoteInput["video"]): string | null {
  const key = video?.consumer?.origin_video_key;
  if (key) return `${VIDEO_HOST}/${key}`;
  for (const codec of ["h264", "h265", "av1", "h266"]) {
    const url = video?.media?.stream?.[codec]?.find((entry) => entry.master_url)?.master_url;
    if (url) return url;
  }
  return null;
}
