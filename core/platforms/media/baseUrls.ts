import { type Env, platformBaseUrlOverride } from "../../config.js";
import { NonRetryableCrawlError } from "../../errors.js";
import type { MediaPlatformName } from "./types.js";

/**
 * A platform's base URLs: the real ones, each replaceable by env
 * `<PLATFORM>_BASE_URL_<KEY>` (e.g. `XHS_BASE_URL_WWW=http://127.0.0.1:1234`), which is
 * how tests point a crawl at a local stand-in of the site. Read when a session opens,
 * so one crawl never mixes two sets of URLs.
 */

/** The env variable that overrides `key` of `platform`, e.g. ("xhs", "www") → "XHS_BASE_URL_WWW". */
export function baseUrlEnvName(platform: MediaPlatformName, key: string): string {
  return `${platform}_BASE_URL_${key}`.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
}

/**
 * `defaults` with env overrides applied; trailing slashes dropped so callers write
 * `${base}/path`. An override that is not an http(s) URL is a configuration mistake:
 * a NonRetryableCrawlError (`CONFIG_INVALID`) at once rather than a crawl sent somewhere odd.
 * `edition` names another edition of the site (xhs's "international", rednote.com): its
 * keys are overridden by `<PLATFORM>_BASE_URL_<EDITION>_<KEY>`, so a test can point each
 * edition at its own stand-in.
 *
 * @example resolveBaseUrls("xhs", { www: "https://www.xiaohongshu.com" }) // { www: "http://127.0.0.1:1234" } with the env set
 */
export function resolveBaseUrls(
  platform: MediaPlatformName,
  defaults: Readonly<Record<string, string>>,
  env?: Env,
  edition?: string,
): Readonly<Record<string, string>> {
  const resolved: Record<string, string> = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    const name = baseUrlEnvName(platform, edition === undefined ? key : `${edition}_${key}`);
    const value = platformBaseUrlOverride(name, env) ?? fallback;
    if (!/^https?:\/\/[^\s/]+/.test(value)) {
      throw new NonRetryableCrawlError(
        "CONFIG_INVALID",
        `${name}: must be an http(s) base URL, got ${JSON.stringify(value.slice(0, 200))}`,
      );
    }
    resolved[key] = value.replace(/\/+$/, "");
  }
  return Object.freeze(resolved);
}
