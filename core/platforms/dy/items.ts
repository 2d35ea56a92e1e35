import type { CreatorInfo, MediaRecord } from "../media/types.js";
import type { DyAweme, DyComment, DyProfileResponse, DyUrlList, DyUser } from "./shapes.js";
import type { DyCommentFields, DyContentFields, DyCreatorFields } from "./itemSchema.js";

/**
 * 抖音 responses → stored records. Field names are the ones analyses of MediaCrawler-style
 * dumps already use (docs/platforms/dy.md lists them); the framework adds item_type, platform,
 * crawled_at, the stable key and the creator fields (creator_hash + masked nickname, or
 * user_id/nickname/avatar/ip_location with keep_user_info).
 *
 * content: aweme_id, aweme_type, title, desc, create_time (unix seconds), liked_count,
 *   collected_count, comment_count, share_count, aweme_url, cover_url,
 *   video_download_url, music_download_url (the soundtrack, as MC stores it:
 *   store/douyin/__init__.py:142-155, 178), note_download_url (image posts: picture
 *   URLs), source_keyword
 * comment: comment_id, aweme_id, content, create_time (unix seconds), like_count,
 *   sub_comment_count, parent_comment_id (null on top-level comments), pictures
 * creator: sec_uid-keyed profile counts: follows, fans, interaction (likes received),
 *   videos_count
 *
 * Counts are numbers as the site sends them (null when it left them out), lists are
 * arrays (MC writes counts as strings and lists comma-joined; our items keep the JSON
 * types, see FLOW.md); `title` is `desc` because a 抖音 post has no separate title.
 *
 * The creator's `user_id` is the `sec_uid` (the id profile URLs and creator mode take,
 * so a stored id can be crawled as a creator), the numeric `uid` only when there is none.
 */

/** Where a post was found, for its stored fields. */
export interface DyPostContext {
  /** Base of aweme_url: the site the crawl talked to, e.g. "https://www.douyin.com". */
  wwwBase: string;
  /** The keyword that found it (search mode). */
  sourceKeyword?: string;
}

export function dyContentRecord(aweme: DyAweme, context: DyPostContext): MediaRecord | undefined {
  const awemeId = aweme.aweme_id;
  if (!awemeId) return undefined;
  const stats = aweme.statistics ?? {};
  const desc = aweme.desc ?? "";
  return {
    item_type: "content",
    id: awemeId,
    fields: {
      aweme_id: awemeId,
      aweme_type: aweme.aweme_type === undefined ? null : String(aweme.aweme_type),
      title: desc,
      desc,
      create_time: aweme.create_time ?? null,
      liked_count: stats.digg_count ?? null,
      collected_count: stats.collect_count ?? null,
      comment_count: stats.comment_count ?? null,
      share_count: stats.share_count ?? null,
      aweme_url: `${context.wwwBase}/video/${encodeURIComponent(awemeId)}`,
      cover_url: firstUrl(aweme.video?.raw_cover, aweme.video?.origin_cover, aweme.video?.cover) ?? null,
      video_download_url:
        firstUrl(aweme.video?.play_addr_h264, aweme.video?.play_addr_256, aweme.video?.play_addr) ?? null,
      music_download_url: aweme.music?.play_url?.uri || firstUrl(aweme.music?.play_url ?? undefined) || null,
      note_download_url: (aweme.images ?? [])
        .map((image) => firstUrl(image))
        .filter((url): url is string => url !== undefined),
      source_keyword: context.sourceKeyword ?? null,
    } satisfies DyContentFields,
    ...creatorOf(aweme.author, aweme.ip_label),
  };
}

/**
 * A comment or reply. `parentId` is the top-level comment whose replies were being read
 * (the request's comment_id): it wins over the reply's own `reply_id`, which the site
 * sometimes leaves "0" on replies to replies.
 */
export function dyCommentRecord(comment: DyComment, awemeId: string, parentId?: string): MediaRecord | undefined {
  const commentId = comment.cid;
  if (!commentId) return undefined;
  const ownParent = comment.reply_id && comment.reply_id !== "0" ? comment.reply_id : undefined;
  const parent = parentId ?? ownParent;
  return {
    item_type: "comment",
    id: commentId,
    fields: {
      comment_id: commentId,
      aweme_id: comment.aweme_id ?? awemeId,
      content: comment.text ?? "",
      create_time: comment.create_time ?? null,
      like_count: comment.digg_count ?? 0,
      sub_comment_count: comment.reply_comment_total ?? 0,
      parent_comment_id: parent ?? null,
      pictures: (comment.image_list ?? [])
        .map((image) => firstUrl(image.origin_url))
        .filter((url): url is string => url !== undefined),
    } satisfies DyCommentFields,
    ...creatorOf(comment.user, comment.ip_label),
    ...(parent !== undefined ? { parentId: parent } : {}),
  };
}

/** The creator's own profile (creator mode), from /aweme/v1/web/user/profile/other/. */
export function dyCreatorRecord(profile: DyProfileResponse["user"], secUserId: string): MediaRecord | undefined {
  if (!profile) return undefined;
  const location = profile.ip_location?.replace(/^IP属地[:：]\s*/, "");
  return {
    item_type: "creator",
    id: profile.sec_uid ?? secUserId,
    fields: {
      follows: profile.following_count ?? null,
      fans: profile.follower_count ?? null,
      interaction: profile.total_favorited ?? null,
      videos_count: profile.aweme_count ?? null,
    } satisfies DyCreatorFields,
    ...creatorOf(profile, location),
  };
}

/** The post a search result card holds: a plain post, or the first post of a collection card. */
export function awemeOfSearchResult(result: {
  aweme_info?: DyAweme;
  aweme_mix_info?: { mix_items?: DyAweme[] | null };
}): DyAweme | undefined {
  return result.aweme_info ?? result.aweme_mix_info?.mix_items?.[0];
}

function creatorOf(user: DyUser | undefined, ipLocation: string | undefined): { creator?: CreatorInfo } {
  const userId = user?.sec_uid || user?.uid;
  if (!userId) return {};
  const avatar = firstUrl(user?.avatar_thumb, user?.avatar_medium, user?.avatar_larger);
  return {
    creator: {
      user_id: userId,
      ...(user?.nickname ? { nickname: user.nickname } : {}),
      ...(avatar ? { avatar } : {}),
      ...(ipLocation ? { ip_location: ipLocation } : {}),
    },
  };
}

/** The first address of the first list that has one (the lists are mirrors of one file). */
function firstUrl(...lists: Array<DyUrlList | undefined>): string | undefined {
  for (const list of lists) {
    const url = list?.url_list?.find((entry) => typeof entry === "string" && entry !== "");
    if (url !== undefined) return url;
  }
  return undefined;
}
