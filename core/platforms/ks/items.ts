import type { CreatorInfo, MediaRecord } from "../media/types.js";
import type { KsAuthor, KsComment, KsPhoto, KsProfile } from "./shapes.js";
import type { KsCommentFields, KsContentFields, KsCreatorFields } from "./itemSchema.js";

/**
 * 快手 responses → stored records. Field names are the ones analyses of MediaCrawler-style
 * dumps already use (docs/platforms/ks.md lists them; `viewd_count` is spelt as they spell it); the
 * framework adds item_type, platform, crawled_at, the stable key and the creator fields
 * (creator_hash + masked nickname, or user_id/nickname/avatar with keep_user_info).
 *
 * content: video_id, video_type, title, desc, create_time (unix ms), liked_count,
 *   viewd_count, comment_count, video_url, video_cover_url, video_play_url, source_keyword
 * comment: comment_id, video_id, content, create_time (unix ms), sub_comment_count,
 *   parent_comment_id (null on top-level comments)
 * creator: follows, fans, videos_count
 *
 * `title` and `desc` are both the caption (a 快手 video has no separate title), cut to 500
 * characters as those dumps do (MC store/kuaishou/__init__.py:64-65). `viewd_count` is
 * kept as the site gives it: a number, or a rounded label such as "1.2万" on some list
 * answers. MC writes counts as strings; our items keep the JSON types (FLOW.md).
 */

const CAPTION_MAX_CHARS = 500;
/** Where a video was found, for its stored fields. */
export interface KsVideoContext {
  /** Base of video_url: the site the crawl talked to, e.g. "https://www.kuaishou.com". */
  wwwBase: string;
  /** The keyword that found it (search mode). */
  sourceKeyword?: string;
}

/** A video card (search, creator list) or a detail answer: both are `{type, author, photo}`. */
export function ksContentRecord(
  card: { type?: number; author?: KsAuthor | null; photo?: KsPhoto | null },
  context: KsVideoContext,
): MediaRecord | undefined {
  const photo = card.photo;
  const videoId = photo?.id;
  if (!photo || !videoId) return undefined;
  const caption = (photo.caption ?? "").slice(0, CAPTION_MAX_CHARS);
  return {
    item_type: "content",
    id: videoId,
    fields: {
      video_id: videoId,
      video_type: card.type === undefined ? null : String(card.type),
      title: caption,
      desc: caption,
      create_time: photo.timestamp ?? null,
      liked_count: photo.realLikeCount ?? photo.likeCount ?? null,
      viewd_count: photo.viewCount ?? null,
      comment_count: photo.commentCount ?? null,
      video_url: `${context.wwwBase}/short-video/${encodeURIComponent(videoId)}`,
      video_cover_url: photo.coverUrl ?? null,
      video_play_url: photo.photoUrl ?? null,
      source_keyword: context.sourceKeyword ?? null,
    } satisfies KsContentFields,
    ...creatorOf(card.author?.id, card.author?.name, card.author?.headerUrl),
  };
}

/** A comment (no `parentId`) or a reply to the top-level comment `parentId`. */
export function ksCommentRecord(comment: KsComment, videoId: string, parentId?: string): MediaRecord | undefined {
  if (comment.comment_id === undefined || comment.comment_id === null || comment.comment_id === "") return undefined;
  const commentId = String(comment.comment_id);
  return {
    item_type: "comment",
    id: commentId,
    fields: {
      comment_id: commentId,
      video_id: videoId,
      content: comment.content ?? "",
      create_time: comment.timestamp ?? null,
      sub_comment_count: comment.commentCount ?? 0,
      parent_comment_id: parentId ?? null,
    } satisfies KsCommentFields,
    ...creatorOf(comment.author_id, comment.author_name, comment.headurl),
    ...(parentId !== undefined ? { parentId } : {}),
  };
}

/** The creator's own profile (creator mode), from visionProfile. */
export function ksCreatorRecord(
  profile: KsProfile["userProfile"] | undefined,
  userId: string,
): MediaRecord | undefined {
  if (!profile) return undefined;
  const counts = profile.ownerCount ?? {};
  const info = profile.profile ?? {};
  return {
    item_type: "creator",
    id: info.user_id ?? userId,
    fields: {
      follows: counts.follow ?? null,
      fans: counts.fan ?? null,
      videos_count: counts.photo_public ?? null,
    } satisfies KsCreatorFields,
    ...creatorOf(info.user_id ?? userId, info.user_name, info.headurl),
  };
}

/** Whether a top-level comment has replies to expand. */
export function ksHasReplies(comment: KsComment): boolean {
  return comment.hasSubComments === true || (comment.commentCount ?? 0) > 0;
}

function creatorOf(
  userId: string | number | undefined,
  nickname: string | undefined,
  avatar: string | undefined,
): { creator?: CreatorInfo } {
  if (userId === undefined || userId === "") return {};
  return {
    creator: {
      user_id: String(userId),
      ...(nickname ? { nickname } : {}),
      ...(avatar ? { avatar } : {}),
    },
  };
}
