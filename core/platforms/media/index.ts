/**
 * The shared framework of the media platforms (xhs, dy, ks, bili, wb, tieba, zhihu).
 *
 * A platform folder (core/platforms/<name>/) provides:
 * - `schema.ts`: `z.strictObject({ ...mediaTaskShape("<name>", sorts), ...own fields }).superRefine(mediaInputRules(…))`;
 * - `definition.ts`: `defineMediaPlatform({ name, label, inputSchema, sorts, exportFields })` from
 *   "../media/platformDefinition.js" (listed in core/platforms/registry.ts; importing it, not this
 *   module, keeps crawling code out of the API bundle);
 * - `shapes.ts`: the JSON shapes of its endpoints and page state, each with where it comes from;
 * - `items.ts`: mappers from those shapes to {@link MediaRecord}s (creator identity as `creator`,
 *   never inside `fields`; replies carry `parentId`);
 * - `crawler.ts`: a {@link MediaPlatform} — base URLs, cookie URL key, delays, `classify`
 *   (login-required / risk-control answers → {@link AccessErrorCode}), and the `search`,
 *   `detail`, `creator` iterators that drive a {@link MediaSession};
 * - `index.ts`: `export const crawler = mediaCrawler(<name>Platform)` (loaded by its folder's
 *   name in core/platforms/crawlers.ts).
 *
 * Reading a site (see each platform's FLOW.md for its request flow and sources):
 * - `session.call(request)` makes an API request from inside the logged-in page, so the
 *   site's own code signs it (the platform's `pageRequests`); prefer it to clicking wherever
 *   an endpoint is known;
 * - `session.expect(schema, response, step)` checks every body against its shape: a mismatch,
 *   a request the page never made, or a missing element (`session.element`) is SITE_CHANGED
 *   (drift.ts), never an empty list; unknown or missing optional fields become warnings in
 *   the task's progress;
 * - `classify` answers THROTTLED for a site asking to slow down: retried with back-off, then
 *   RATE_LIMITED (retryable), and the account rests only after repeated throttling;
 * - `probe: true` tasks store the session's steps as a report (probe.ts, `crawl-tasks probe`).
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
export { PlatformAccessError, PlatformThrottledError, isPlatformAccessError } from "./errors.js";
export {
  SiteChangedError,
  NoAnswerError,
  isNoAnswer,
  checkShape,
  absentOk,
  type DriftSubject,
  type DriftWarning,
} from "./drift.js";
export { ProbeTrace, type ProbeStep } from "./probe.js";
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
export { defineMediaPlatform, type MediaPlatformOptions } from "./platformDefinition.js";
export * from "./types.js";

/**
 * The crawler side of a media platform, for core/platforms/crawlers.ts.
 *
 * @example export const crawler = mediaCrawler(xhsPlatform); // core/platforms/xhs/index.ts
 */
export function mediaCrawler<Params extends MediaTaskParams>(platform: MediaPlatform<Params>): PlatformCrawler<Params> {
  return {
    name: platform.name,
    crawl: (params: Params, context: CrawlContext) => crawlMedia(platform, params, context),
  };
}
