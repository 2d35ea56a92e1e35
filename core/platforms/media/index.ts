/**
 * The shared framework of the media platforms (xhs, dy, ks, bili, wb, tieba, zhihu).
 *
 * A platform folder (core/platforms/<name>/) provides:
 * - `schema.ts`: `z.strictObject({ ...mediaTaskShape("<name>", sorts), ...own fields }).superRefine(requireModeInput)`,
 *   exported as a spec: `mediaSpec("<name>", schema)` from "../media/spec.js" (registered in
 *   core/platforms/registry.ts; that import keeps crawling code out of the API bundle);
 * - `shapes.ts`: the JSON shapes of its endpoints and page state, each with where it comes from;
 * - `items.ts`: mappers from those shapes to {@link MediaRecord}s (creator identity as `creator`,
 *   never inside `fields`; replies carry `parentId`);
 * - `crawler.ts`: a {@link MediaPlatform} — base URLs, cookie URL key, delays, `classify`
 *   (login-required / risk-control answers → {@link AccessErrorCode}), and the `search`,
 *   `detail`, `creator` iterators that drive a {@link MediaSession};
 * - `index.ts`: `export const <name>Crawler = mediaCrawler(<name>Platform)` (registered in
 *   core/platforms/crawlers.ts).
 *
 * The framework does the rest once: the browser page with the account's cookies and
 * resource blocking ({@link openMediaSession}), capturing the web app's own signed API
 * responses (`session.capture(match, action)`; `session.collect(match)` for lists the app
 * may page on its own, e.g. when a card scrolled into view), access-problem errors
 * ({@link PlatformAccessError}, not retried, carrying `account_id`), env-overridable base
 * URLs (`<PLATFORM>_BASE_URL_<KEY>`), human-like pauses (scaled by env MEDIA_DELAY_SCALE),
 * caps, comment switches, privacy ({@link creatorFields}), item keys and resumable
 * cursors ({@link crawlMedia}).
 */
import type { CrawlContext, PlatformCrawler } from "../types.js";
import { crawlMedia } from "./crawl.js";
import type { MediaPlatform, MediaTaskParams } from "./types.js";

export { crawlMedia, toResultItem, resumeCursorOf, type MediaResumeCursor } from "./crawl.js";
export { openMediaSession, mediaSessionDefaults, type MediaSessionOptions, type OwnedMediaSession } from "./session.js";
export { PlatformAccessError, isPlatformAccessError } from "./errors.js";
export { resolveBaseUrls, baseUrlEnvName } from "./baseUrls.js";
export { setAccountCookies } from "./cookies.js";
export { mediaItemKey } from "./itemKey.js";
export {
  creatorFields,
  creatorHash,
  creatorHashSecret,
  maskNickname,
  CREATOR_HASH_SECRET_ENV,
  type HashedCreatorFields,
  type KeptCreatorFields,
} from "./privacy.js";
export { mediaTaskShape, requireModeInput } from "./schema.js";
export { mediaSpec } from "./spec.js";
export * from "./types.js";

/**
 * The crawler side of a media platform, for core/platforms/crawlers.ts.
 *
 * @example export const xhsCrawler = mediaCrawler(xhsPlatform);
 */
export function mediaCrawler<Params extends MediaTaskParams>(platform: MediaPlatform<Params>): PlatformCrawler<Params> {
  return {
    name: platform.name,
    crawl: (params: Params, context: CrawlContext) => crawlMedia(platform, params, context),
  };
}
