/**
 * Which of a post's stored URLs are its images and video, per platform: what
 * `download_media: true` fetches. Read from the content item's own fields (each
 * platform's itemSchema.ts), never from another request. Browser-free and import-free:
 * the task schema (dashboard bundle included) asks {@link canDownloadMedia}.
 */

export interface MediaSource {
  url: string;
  /** What the file should be; a download whose bytes are the other kind is refused. */
  kind: "image" | "video";
}

type Fields = Record<string, unknown>;

const text = (value: unknown): string[] => (typeof value === "string" && value !== "" ? [value] : []);
const texts = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string" && entry !== "") : [];
const as = (kind: MediaSource["kind"], urls: string[]): MediaSource[] => urls.map((url) => ({ url, kind }));

/**
 * The platforms whose posts carry file URLs, and which. Left out: tieba and zhihu, whose
 * items hold only page URLs (a task asking there is refused with a 400).
 */
export const MEDIA_SOURCES: Record<string, (fields: Fields) => MediaSource[]> = {
  // MC downloads image_list's url_default, then the note's video (media_platform/xhs/core.py:490-545,
  // store/xhs/xhs_store_media.py); our image_list holds the same url_default (xhs/items.ts).
  xhs: (fields) => [...as("image", texts(fields.image_list)), ...as("video", text(fields.video_url))],
  // MC: an image post's pictures, else the video (media_platform/douyin/core.py:402-468,
  // store/douyin/douyin_store_media.py). The cover is not downloaded, as in MC.
  dy: (fields) => {
    const images = texts(fields.note_download_url);
    return images.length > 0 ? as("image", images) : as("video", text(fields.video_download_url));
  },
  // MC stores no kuaishou media; the item carries the cover and a plain MP4 URL (photoUrl), so both.
  ks: (fields) => [...as("image", text(fields.video_cover_url)), ...as("video", text(fields.video_play_url))],
  // The cover only: bilibili's video is not in the item. MC asks /x/player/playurl for it
  // (media_platform/bilibili/core.py:573-607) and gets split DASH audio and video streams
  // that need the page's Referer; fetching those is a crawl of its own, not a download.
  bili: (fields) => as("image", text(fields.video_cover_url)),
  // MC downloads mblog.pics (media_platform/weibo/core.py:272-300); our items keep their URLs as image_list.
  wb: (fields) => as("image", texts(fields.image_list)),
};

/** Whether `download_media` can store anything for the platform's posts. */
export function canDownloadMedia(platform: string): boolean {
  return Object.hasOwn(MEDIA_SOURCES, platform);
}

/** The post's files to download, in order, each URL once. */
export function mediaSourcesOf(platform: string, fields: Fields): MediaSource[] {
  const sources = Object.hasOwn(MEDIA_SOURCES, platform) ? (MEDIA_SOURCES[platform]?.(fields) ?? []) : [];
  const seen = new Set<string>();
  return sources.filter((source) => !seen.has(source.url) && seen.add(source.url));
}
