/**
 * What users paste as 快手 inputs, turned into what the site's pages take.
 *
 * - Videos (`specified_ids`): the photo id (`3x3zxz4mjrsc8ke`) or a video URL
 *   `https://www.kuaishou.com/short-video/<photoId>?authorId=…` (query ignored).
 *   Share links (`https://v.kuaishou.com/…`) are not resolved: they redirect through a
 *   tracking host we do not follow; open them in a browser and paste the long URL.
 * - Creators (`creator_ids`): the user id as profile URLs show it (`3x84qugg4ch9zhs`) or
 *   a profile URL `https://www.kuaishou.com/profile/<userId>`.
 */

/** Photo and user ids on www.kuaishou.com are short lowercase-alphanumeric strings (e.g. "3x…"). */
const KS_ID = /^[A-Za-z0-9_-]{6,40}$/;

/** The photo id a user's id or video URL names, or undefined when it names none. */
export function parseKsPhotoId(input: string): string | undefined {
  return idFrom(input, /^\/short-video\/([^/?#]+)/);
}

/** The user id a user's id or profile URL names, or undefined. */
export function parseKsUserId(input: string): string | undefined {
  return idFrom(input, /^\/profile\/([^/?#]+)/);
}

function idFrom(input: string, pathPattern: RegExp): string | undefined {
  const value = input.trim();
  if (!/^https?:\/\//i.test(value)) return KS_ID.test(value) ? value : undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (!/^(www\.)?kuaishou\.com$/.test(url.hostname)) return undefined;
  const id = pathPattern.exec(url.pathname)?.[1];
  return id !== undefined && KS_ID.test(id) ? id : undefined;
}
