/**
 * What users paste as B站 inputs, turned into what the site's pages take.
 *
 * - Videos: a BV id (`BV1xx411c7mD`), an av id (`av170001` or `170001`), or a video URL
 *   (`https://www.bilibili.com/video/BV1xx411c7mD/?p=1`, `https://b23.tv/…` short links are
 *   not resolved: they redirect through a tracking host we do not follow).
 * - Creators: the numeric `mid`, or a space URL (`https://space.bilibili.com/2/video`).
 */

/** A video as the video page's URL takes it: `/video/BV…` or `/video/av…`. */
export interface BiliVideoRef {
  /** The path segment after `/video/`, e.g. "BV1xx411c7mD" or "av170001". */
  pathId: string;
}

const BVID = /^BV1[0-9A-Za-z]{9}$/;
const AVID = /^(?:av)?(\d{1,19})$/i;

/** The video a user's id or URL names, or undefined when it names none. */
export function parseBiliVideo(input: string): BiliVideoRef | undefined {
  const value = input.trim();
  const fromUrl = videoSegmentOf(value);
  const id = fromUrl ?? value;
  if (BVID.test(id)) return { pathId: id };
  const av = AVID.exec(id);
  if (av?.[1] !== undefined) return { pathId: `av${av[1]}` };
  return undefined;
}

/** The creator's numeric mid a user's id or space URL names, or undefined. */
export function parseBiliCreator(input: string): string | undefined {
  const value = input.trim();
  if (/^\d{1,20}$/.test(value)) return value;
  const url = tryUrl(value);
  if (url === undefined || !/(^|\.)bilibili\.com$/.test(url.hostname)) return undefined;
  const mid = /^\/(\d{1,20})(?:\/|$)/.exec(url.pathname)?.[1];
  return url.hostname.startsWith("space.") ? mid : undefined;
}

function videoSegmentOf(value: string): string | undefined {
  const url = tryUrl(value);
  if (url === undefined || !/(^|\.)bilibili\.com$/.test(url.hostname)) return undefined;
  return /^\/video\/([^/?#]+)/.exec(url.pathname)?.[1];
}

function tryUrl(value: string): URL | undefined {
  if (!/^https?:\/\//i.test(value)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
