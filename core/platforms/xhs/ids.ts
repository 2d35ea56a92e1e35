/**
 * What a task names a note or a creator by: an id, or a URL copied from the site
 * (which carries the `xsec_token` xhs requires to open a note or a profile, MediaCrawler
 * media_platform/xhs/help.py:304-345 and config/xhs_config.py:26-37).
 * Pure parsing, shared by the task schema (to refuse what cannot work) and the crawler.
 */

import type { ShortLinkRule } from "../media/shortLinkRule.js";

/** xhs note and user ids: 24 hex digits (a MongoDB-style ObjectId). */
const ID = /^[0-9a-f]{24}$/i;
/** Paths a note URL can have: /explore/<id>, /discovery/item/<id>, /search_result/<id>, /user/profile/<user>/<id>. */
const NOTE_PATH = /^\/(?:explore|discovery\/item|search_result|user\/profile\/[0-9a-f]{24})\/([0-9a-f]{24})\/?$/i;
const PROFILE_PATH = /^\/user\/profile\/([0-9a-f]{24})\/?$/i;

export interface XhsRef {
  id: string;
  xsecToken?: string;
  xsecSource?: string;
}

/** A note id or note URL → its id and token; undefined when it is neither. */
export function parseNoteRef(value: string): XhsRef | undefined {
  return parseRef(value, NOTE_PATH);
}

/** A user id or profile URL → its id and token; undefined when it is neither. */
export function parseCreatorRef(value: string): XhsRef | undefined {
  return parseRef(value, PROFILE_PATH);
}

function parseRef(value: string, path: RegExp): XhsRef | undefined {
  const text = value.trim();
  if (ID.test(text)) return { id: text.toLowerCase() };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  const match = path.exec(url.pathname);
  if (match === null) return undefined;
  const xsecToken = url.searchParams.get("xsec_token") ?? undefined;
  const xsecSource = url.searchParams.get("xsec_source") ?? undefined;
  return {
    id: (match[1] as string).toLowerCase(),
    ...(xsecToken ? { xsecToken } : {}),
    ...(xsecSource ? { xsecSource } : {}),
  };
}

/**
 * xhslink.com share links (`/<code>`, `/m/<code>`, `/o/<code>`): xhslink.com answers 307 to
 * the note's www.xiaohongshu.com URL, `xsec_token` included (a public xhslink proxy reads
 * that `Location`); a www.rednote.com note URL is taken too (the international edition). The note URL is taken as a detail input would be, never fetched.
 */
export const XHS_SHORT_LINKS: ShortLinkRule = {
  hosts: ["xhslink.com", "www.xhslink.com"],
  baseKey: "short",
  postOf(target) {
    let host: string;
    try {
      host = new URL(target).hostname;
    } catch {
      return undefined;
    }
    return /(^|\.)(xiaohongshu|rednote)\.com$/.test(host) && parseNoteRef(target) !== undefined ? target : undefined;
  },
};
