/**
 * Days of a date-range search, as MediaCrawler searches B站 by day (media_platform/bilibili/
 * core.py:151-181 get_pubtime_datetime, 241-310 search_by_keywords_in_time_range): each day
 * of [start_day, end_day] is one search with `pubtime_begin_s` at the day's first second and
 * `pubtime_end_s` at its last, read page by page up to the day's cap.
 *
 * Days are China days (UTC+8): what B站 shows as a video's publish date. MC uses the
 * machine's own time zone, which for its users is China's.
 */

const CHINA_OFFSET_SECS = 8 * 3600;
const DAY_SECS = 86_400;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Unix seconds of 00:00:00 China time of `day` ("YYYY-MM-DD"); undefined for anything else, e.g. "2025-02-30". */
export function chinaDayStart(day: string): number | undefined {
  const match = DAY_PATTERN.exec(day);
  if (match === null) return undefined;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utc = Date.UTC(year, month - 1, date);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date)
    return undefined;
  return utc / 1000 - CHINA_OFFSET_SECS;
}

/** The search window of one day: its first and last second, as the search page's URL takes them. */
export interface DayWindow {
  pubtime_begin_s: number;
  pubtime_end_s: number;
}

export function dayWindow(day: string): DayWindow {
  const begin = chinaDayStart(day);
  if (begin === undefined) throw new RangeError(`not a day: ${day}`);
  return { pubtime_begin_s: begin, pubtime_end_s: begin + DAY_SECS - 1 };
}

/** Days from `start` to `end`, both included ("YYYY-MM-DD", valid, start ≤ end). */
export function daysBetween(start: string, end: string): string[] {
  const first = chinaDayStart(start);
  const last = chinaDayStart(end);
  if (first === undefined || last === undefined) throw new RangeError(`not a day range: ${start}..${end}`);
  const days: string[] = [];
  for (let at = first; at <= last; at += DAY_SECS)
    days.push(new Date((at + CHINA_OFFSET_SECS) * 1000).toISOString().slice(0, 10));
  return days;
}

/** How many days `start`..`end` spans, both included (0 when end is before start). */
export function dayCount(start: string, end: string): number {
  const first = chinaDayStart(start);
  const last = chinaDayStart(end);
  if (first === undefined || last === undefined || last < first) return 0;
  return (last - first) / DAY_SECS + 1;
}
