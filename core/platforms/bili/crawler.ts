import { commentCaps, notesFull, wantsComments } from "../media/caps.js";
import { walkPages } from "../media/pagedList.js";
import type * as z from "zod";
import type {
  CapturedResponse,
  MediaCursor,
  MediaPlatform,
  MediaRecord,
  MediaSession,
  ResponseMatch,
} from "../media/types.js";
import { classifyBiliPage, classifyBiliResponse, listData, requireJson } from "./access.js";
import { biliComments } from "./comments.js";
import { parseBiliCreator, parseBiliVideo } from "./ids.js";
import { biliCreatorRecord, biliVideoRecord } from "./items.js";
import { BILI_SORTS, type BiliSort, type BiliTaskParams } from "./schema.js";
import {
  biliArcSearchAnswer,
  biliSearchAnswer,
  biliViewDetailAnswer,
  type BiliEnvelope,
  type BiliSearchData,
  type BiliViewDetailData,
} from "./shapes.js";
import { dayWindow, daysBetween } from "./days.js";
import { BILI_BASE_URLS, BILI_ENDPOINTS, searchPageUrl, spacePageUrl, videoPageUrl, viewDetailCall } from "./site.js";

/**
 * B站 in Chromium (the request flow of each mode, with its sources, is in FLOW.md):
 *
 * - search: opens search.bilibili.com/video?keyword=…&order=…&page=N for N = start_page, …
 *   and reads the page's own (wbi-signed) /x/web-interface/wbi/search/type answer;
 * - detail: opens each video page www.bilibili.com/video/<id>/ and reads its
 *   /x/web-interface/view/detail answer;
 * - creator: opens space.bilibili.com/<mid>/video?pn=N and reads its (wbi-signed)
 *   /x/space/wbi/arc/search answer; the creator record comes from the first video's `Card`.
 *
 * A listed video's record comes from view/detail as well, so every mode stores the same
 * fields (lists lack likes, coins and shares): called from the list page when no comments
 * are wanted (unsigned, as MC calls it), else read as the video page loads it, since the
 * comments need that page anyway (comments.ts). The cursor's page token is the search
 * page / space page number still to do.
 */
export const biliPlatform: MediaPlatform<BiliTaskParams> = {
  name: "bili",
  baseUrls: { ...BILI_BASE_URLS },
  // The account's cookies (SESSDATA, bili_jct, buvid3 …) live on .bilibili.com.
  cookieUrl: "www",
  // A person takes a moment per page; B站's -412 comes quickly to tight request loops.
  delays: { pageMs: 1500, scrollMs: 800, commentMs: 1000 },
  classify: classifyBiliResponse,
  classifyPage: classifyBiliPage,
  // The web app requests api.bilibili.com with fetch and the account's cookies; the
  // endpoints we call are the unsigned ones (site.ts), so no signer is needed.
  pageRequests: { transport: "fetch" },

  search(session, params, keyword, cursor): AsyncIterable<MediaRecord> {
    const sort: BiliSort = BILI_SORTS.find((value) => value === params.sort) ?? "totalrank";
    if (params.start_day !== undefined) return searchByDay(session, params, keyword, cursor, sort, params.start_day);
    return walkPages({
      cursor,
      params,
      start: typeof cursor.page === "number" ? cursor.page : params.start_page,
      load: (page) =>
        listPage(
          session,
          BILI_ENDPOINTS.search,
          searchPageUrl(session.baseUrls, keyword, sort, page),
          biliSearchAnswer,
          "the search page",
        ),
      entries: videosOf,
      records: (video) => listedVideo(session, params, video.bvid, keyword),
      next: (data, page) => (videosOf(data).length === 0 || page >= data.numPages ? undefined : page + 1),
    });
  },

  async *detail(session, params, id, cursor): AsyncGenerator<MediaRecord, void, undefined> {
    const video = parseBiliVideo(id);
    if (video === undefined || notesFull(cursor, params)) return;
    yield* videoPage(session, params, video.pathId, undefined);
  },

  async *creator(session, params, creatorId, cursor): AsyncGenerator<MediaRecord, void, undefined> {
    const mid = parseBiliCreator(creatorId);
    if (mid === undefined) return;
    const start: number = typeof cursor.page === "number" ? cursor.page : 1;
    // After a resume the creator record was stored on the first space page already.
    let creatorDone = start > 1;
    yield* walkPages({
      cursor,
      params,
      start,
      load: (pn) =>
        listPage(
          session,
          BILI_ENDPOINTS.spaceVideos,
          spacePageUrl(session.baseUrls, mid, pn),
          biliArcSearchAnswer,
          "the space page",
        ),
      entries: (data) => data.list.vlist ?? [],
      records: async function* (video) {
        const detail = yield* listedVideo(session, params, video.bvid, undefined);
        if (!creatorDone && detail?.Card !== undefined && String(detail.Card.card.mid) === mid) {
          creatorDone = true;
          yield biliCreatorRecord(detail.Card.card, detail.Card.like_num, params.keep_user_info);
        }
      },
      next: (data, pn) =>
        (data.list.vlist ?? []).length === 0 || data.page.pn * data.page.ps >= data.page.count ? undefined : pn + 1,
    });
  },
};

const videosOf = (data: BiliSearchData) => (data.result ?? []).filter((video) => video.bvid);

/** Where a day-by-day search is: the day, its page, and how many of the day's videos came before that page. */
interface DayPage {
  day: string;
  page: number;
  takenBefore: number;
}

/** As a cursor token, so a resumed crawl goes on with the same day, page and per-day count: "2024-01-05 p2 n20". */
const dayToken = ({ day, page, takenBefore }: DayPage): string => `${day} p${page} n${takenBefore}`;

function parseDayToken(token: string): DayPage | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}) p(\d+) n(\d+)$/.exec(token);
  return match === null
    ? undefined
    : { day: match[1] as string, page: Number(match[2]), takenBefore: Number(match[3]) };
}

/**
 * A date-range search (days.ts): each day from start_day to end_day searched on its own,
 * page by page, until the day's videos end or `max_notes_per_day` of them were read, then
 * the next day; `max_notes_count` caps the keyword over all days (MC core.py:241-310).
 */
function searchByDay(
  session: MediaSession,
  params: BiliTaskParams,
  keyword: string,
  cursor: MediaCursor,
  sort: BiliSort,
  startDay: string,
): AsyncIterable<MediaRecord> {
  const days = daysBetween(startDay, params.end_day ?? startDay);
  const perDay = params.max_notes_per_day ?? Number.POSITIVE_INFINITY;
  const resumed = typeof cursor.page === "string" ? parseDayToken(cursor.page) : undefined;
  return walkPages({
    cursor,
    params,
    start: dayToken(resumed ?? { day: days[0] as string, page: 1, takenBefore: 0 }),
    load: async (token) => {
      const at = parseDayToken(token) as DayPage;
      const url = searchPageUrl(session.baseUrls, keyword, sort, at.page, dayWindow(at.day));
      const data = await listPage(session, BILI_ENDPOINTS.search, url, biliSearchAnswer, "the search page");
      return { at, data, videos: videosOf(data).slice(0, Math.max(0, perDay - at.takenBefore)) };
    },
    entries: (body) => body.videos,
    records: (video) => listedVideo(session, params, video.bvid, keyword),
    next: ({ at, data, videos }) => {
      const taken = at.takenBefore + videos.length;
      const dayGoesOn = taken < perDay && videosOf(data).length > 0 && at.page < data.numPages;
      if (dayGoesOn) return dayToken({ day: at.day, page: at.page + 1, takenBefore: taken });
      const nextDay = days[days.indexOf(at.day) + 1];
      return nextDay === undefined ? undefined : dayToken({ day: nextDay, page: 1, takenBefore: 0 });
    },
  });
}

/** A list page (search, space) opened and its own answer read: `data`, or an error (access.ts `listData`). */
async function listPage<T>(
  session: MediaSession,
  endpoint: ResponseMatch & { step: string },
  url: string,
  shape: z.ZodType<BiliEnvelope<T>>,
  what: string,
): Promise<T> {
  const answer = await session.capture(endpoint, () => session.open(url));
  requireJson(answer);
  return listData(session.expect(shape, answer, endpoint.step), answer, what);
}

type VideoRecords = AsyncGenerator<MediaRecord, BiliViewDetailData | undefined, undefined>;

/** A video of a search or space list: its page when comments are wanted, else one call from the list page. */
async function* listedVideo(
  session: MediaSession,
  params: BiliTaskParams,
  pathId: string,
  keyword: string | undefined,
): VideoRecords {
  if (wantsComments(params)) return yield* videoPage(session, params, pathId, keyword);
  const answer = await session.call({ url: viewDetailCall(pathId), base: "api", step: BILI_ENDPOINTS.viewDetail.step });
  return yield* videoRecords(session, answer, pathId, keyword);
}

/** A video's page: its record from the page's own view/detail answer, then its comments when asked. */
async function* videoPage(
  session: MediaSession,
  params: BiliTaskParams,
  pathId: string,
  keyword: string | undefined,
): VideoRecords {
  const answer = await session.capture(BILI_ENDPOINTS.viewDetail, () =>
    session.open(videoPageUrl(session.baseUrls, pathId)),
  );
  const detail = yield* videoRecords(session, answer, pathId, keyword);
  if (detail !== undefined && wantsComments(params))
    yield* biliComments(session, String(detail.View.aid), commentCaps(params));
  return detail;
}

/**
 * The video record of a view/detail answer, or a failed record when the site says the
 * video is gone; returns the answer's data for the caller's use.
 */
async function* videoRecords(
  session: MediaSession,
  answer: CapturedResponse,
  pathId: string,
  keyword: string | undefined,
): VideoRecords {
  requireJson(answer);
  const body = session.expect(biliViewDetailAnswer, answer, BILI_ENDPOINTS.viewDetail.step);
  if (body.code !== 0 || !body.data) {
    // -404 啥都木有, 62002 稿件不可见, 62004 审核中: this video only, the crawl goes on.
    const message = `B站 answered code ${body.code} (${body.message}) for video ${pathId}`;
    session.log("video not available", { video: pathId, code: body.code });
    yield {
      item_type: "content",
      id: pathId,
      fields: { video_id: pathId, source_keyword: keyword ?? null },
      error: { code: "VIDEO_UNAVAILABLE", message },
    };
    return undefined;
  }
  yield biliVideoRecord(body.data.View, keyword);
  return body.data;
}
