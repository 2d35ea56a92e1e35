/**
 * What users paste as 抖音 inputs, turned into what the site's pages take.
 *
 * - Posts (`specified_ids`): the numeric `aweme_id` (`7525082444551310602`), or a post URL:
 *   `https://www.douyin.com/video/<id>`, `https://www.douyin.com/note/<id>` (image posts),
 *   or any douyin.com URL with `?modal_id=<id>` (a post opened over a search or user page).
 *   Short links (`https://v.douyin.com/…`) are not resolved: they redirect through a
 *   tracking host we do not follow; open them in a browser and paste the long URL.
 * - Creators (`creator_ids`): the `sec_user_id` (`MS4wLjABAAAA…`) or a profile URL
 *   `https://www.douyin.com/user/<sec_user_id>`. The short numeric 抖音号 is not accepted:
 *   profile pages and the creator APIs are keyed by `sec_user_id`.
 */

/** aweme ids are 64-bit integers printed in decimal (typically 19 digits). */
const AWEME_ID = /^\d{8,20}$/;
/** sec_user_id: URL-safe base64 (`MS4wLjABAAAA…`), long enough to rule out a nickname. */
const SEC_USER_ID = /^[A-Za-z0-9_-]{20,120}$/;

/** The aweme id a user's id or URL names, or undefined when it names none. */
export function parseDyAwemeId(input: string): string | undefined {
  const value = input.trim();
  if (AWEME_ID.test(value)) return value;
  const url = douyinUrl(value);
  if (url === undefined) return undefined;
  const modal = url.searchParams.get("modal_id") ?? "";
  if (AWEME_ID.test(modal)) return modal;
  const fromPath = /^\/(?:video|note)\/(\d{8,20})(?:\/|$)/.exec(url.pathname)?.[1];
  return fromPath;
}

/** The sec_user_id a user's id or profile URL names, or undefined. */
export function parseDySecUserId(input: string): string | undefined {
  const value = input.trim();
  if (!/^https?:\/\//i.test(value)) return SEC_USER_ID.test(value) ? value : undefined;
  const url = douyinUrl(value);
  const fromPath = url === undefined ? undefined : /^\/user\/([^/?#]+)/.exec(url.pathname)?.[1];
  return fromPath !== undefined && SEC_USER_ID.test(fromPath) ? fromPath : undefined;
}

/** A www.douyin.com (or douyin.com) URL; short-link and other hosts give undefined. */
function douyinUrl(value: string): URL | undefined {
  if (!/^https?:\/\//i.test(value)) return undefined;
  try {
    const url = new URL(value);
    return /^(www\.)?douyin\.com$/.test(url.hostname) ? url : undefined;
  } catch {
    return undefined;
  }
}
