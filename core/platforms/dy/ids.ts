/**
 * What users paste as 抖音 inputs, turned into what the site's pages take.
 *
 * - Posts (`specified_ids`): the numeric `aweme_id` (`7525082444551310602`), or a post URL:
 *   `https://www.douyin.com/video/<id>`, `https://www.douyin.com/note/<id>` (image posts),
 *   or any douyin.com URL with `?modal_id=<id>` (a post opened over a search or user page).
 *   Share links (`https://v.douyin.com/<code>/`) are resolved by the crawler
 *   ({@link DY_SHORT_LINKS}, media/shortLinks.ts).
 * - Creators (`creator_ids`): the `sec_user_id` (`MS4wLjABAAAA…`) or a profile URL
 *   `https://www.douyin.com/user/<sec_user_id>`. The short numeric 抖音号 is not accepted:
 *   profile pages and the creator APIs are keyed by `sec_user_id`.
 */

import type { ShortLinkRule } from "../media/shortLinkRule.js";

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

/**
 * v.douyin.com share links. Their redirect goes to the share page
 * `https://www.iesdouyin.com/share/video/<id>/?region=CN&mid=…` (a public douyin parser
 * documents it and reads `(slides|video|note)/(\d+)` from it; MediaCrawler reads `/video/<id>`
 * from the same `Location`, douyin/help.py:121-137): the id is taken from that URL, which is
 * never fetched.
 */
export const DY_SHORT_LINKS: ShortLinkRule = {
  hosts: ["v.douyin.com"],
  baseKey: "short",
  postOf(target) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return undefined;
    }
    if (!/(^|\.)(iesdouyin|douyin)\.com$/.test(url.hostname)) return undefined;
    return /\/(?:slides|video|note)\/(\d{8,20})(?:\/|$)/.exec(url.pathname)?.[1] ?? parseDyAwemeId(target);
  },
};
