import type { McFormat } from "./columns.js";

/**
 * Value formats only some platforms' MC code has (gender words, China-time strings). The
 * formats every platform shares are in columns.ts.
 */

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** "YYYY-MM-DD HH:MM:SS" in China time (UTC+8) of a unix time in seconds or milliseconds. */
function chinaDateTime(unix: number): string {
  const ms = unix > 1_000_000_000_000 ? unix : unix * 1000;
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace("T", " ");
}

/**
 * tieba `publish_time`: MC writes `time.strftime('%Y-%m-%d %X', localtime(unix))`
 * (media_platform/tieba/help.py:144,177,216; tools/time_util.py:60-68), a string; it is a
 * pydantic `str` with default "" (model/m_baidu_tieba.py:35,55). We store unix seconds.
 * ASSUMPTION: MC's local time is China time (UTC+8), where the sites and most MC users are.
 */
export const tiebaTimeText: McFormat = {
  name: '"YYYY-MM-DD HH:MM:SS" (UTC+8), "" when none',
  apply: (value) => (typeof value === "number" ? chinaDateTime(value) : typeof value === "string" ? value : ""),
};

/**
 * wb `create_date_time`: MC writes `str(datetime)` of a UTC+8 aware datetime
 * (store/weibo/__init__.py:94,147; tools/time_util.py:101-110), "2024-03-01 12:00:00+08:00".
 * We store "YYYY-MM-DD HH:mm:ss" in China time, so the offset is appended.
 */
export const wbChinaDateTime: McFormat = {
  name: '"YYYY-MM-DD HH:MM:SS+08:00"',
  apply: (value) =>
    typeof value === "string" && value !== "" && !/[+-]\d\d:\d\d$/.test(value) ? `${value}+08:00` : (value ?? null),
};

/**
 * wb comment `parent_comment_id`: MC writes the comment's `rootid` (store/weibo/__init__.py:153),
 * which is the comment's own id for a top-level comment; we store null there.
 */
export const wbRootId: McFormat = {
  name: "rootid (own id for a top-level comment)",
  apply: (value, row) => (typeof value === "string" && value !== "" ? value : (row.comment_id ?? "")),
};

/** xhs creator gender: 1 → "Female", 0 → "Male", else null (MC 9f4f8bf^:store/xhs/__init__.py:207-213). */
export const xhsGender: McFormat = {
  name: '1 "Female", 0 "Male"',
  apply: (value) => (Number(value) === 1 && value !== null ? "Female" : value === 0 || value === "0" ? "Male" : null),
};

/** wb creator gender: "f" → "Female", else "Male" (MC 9f4f8bf^:store/weibo/__init__.py:193); null stays null. */
export const wbGender: McFormat = {
  name: '"f" "Female", else "Male"',
  apply: (value) => (value === null || value === undefined ? null : value === "f" ? "Female" : "Male"),
};

/**
 * zhihu creator gender: MC wrote "Male" / "Female" / "Unknown" (9f4f8bf^:media_platform/zhihu/help.py:311-325);
 * we store "male" / "female" / "unknown".
 */
export const zhihuGender: McFormat = {
  name: '"Male" / "Female" / "Unknown"',
  apply: (value) =>
    value === "male" ? "Male" : value === "female" ? "Female" : value === null || value === undefined ? "" : "Unknown",
};

/** xhs `title`: the title, or the first 255 characters of `desc` when it has none (store/xhs/__init__.py:112). */
export const xhsTitle: McFormat = {
  name: "title, else the first 255 characters of desc",
  apply: (value, row) =>
    typeof value === "string" && value !== ""
      ? value
      : Array.from(typeof row.desc === "string" ? row.desc : "")
          .slice(0, 255)
          .join(""),
};
