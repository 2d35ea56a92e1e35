import type { MediaPlatform, MediaRecord, MediaSession } from "../media/types.js";
import { listData, readable } from "./answers.js";
import { classifyBiliPage, classifyBiliResponse } from "./classify.js";
import { biliComments } from "./comments.js";
import { parseBiliCreator, parseBiliVideo } from "./ids.js";
import { biliCreatorRecord, biliVideoRecord } from "./items.js";
import { BILI_SORTS, type BiliSort, type BiliTaskParams } from "./schema.js";
import type { BiliArcSearchData, BiliEnvelope, BiliSearchData, BiliSpaceVideo, BiliViewDetailData } from "./shapes.js";
import { BILI_BASE_URLS, BILI_ENDPOINTS, searchPageUrl, spacePageUrl, videoPageUrl } from "./site.js";

/**
 * B站 in Chromium, the way a person browses it:
 *
 * - search: opens search.bilibili.com/video?keyword=…&order=…&page=N for N = start_page, …
 *   (the page calls /x/web-interface/wbi/search/type), then each result's video page.
 * - detail: opens each video page www.bilibili.com/video/<id>/ (it calls
 *   /x/web-interface/view/detail); the video record comes from that answer.
 * - creator: opens space.bilibili.com/<mid>/video?pn=N (it calls /x/space/wbi/arc/search),
 *   then each listed video's page; the creator record comes from the first video's `Card`.
 *
 * Every video record comes from its own page's view/detail answer, whatever the mode, so
 * the fields are the same (search and space lists lack likes, coins and shares).
 * Comments: see comments.ts. The cursor's page token is the search page / space page
 * number still to do.
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

  async *search(session, params, keyword, cursor): AsyncGenerator<MediaRecord, void, undefined> {
    const sort: BiliSort = BILI_SORTS.find((value) => value === params.sort) ?? "totalrank";
    let page: number = typeof cursor.page === "number" ? cursor.page : params.start_page;
    while (cursor.notesDone < params.max_notes_count) {
      const url = searchPageUrl(session.baseUrls, keyword, sort, page);
      const answer = await session.capture<BiliEnvelope<BiliSearchData>>(BILI_ENDPOINTS.search, () => session.open(url));
      const data = listData(answer, "the search page");
      const videos = (data.result ?? []).filter((video) => video.bvid);
      if (videos.length === 0) return;
      for (const video of videos) {
        if (cursor.notesDone >= params.max_notes_count) return;
        yield* videoPage(session, params, video.bvid, keyword);
      }
      if (page >= data.numPages) return;
      page += 1;
      cursor.advance(page);
    }
  },

  async *detail(session, params, id, cursor): AsyncGenerator<MediaRecord, void, undefined> {
    const video = parseBiliVideo(id);
    if (video === undefined || cursor.notesDone >= params.max_notes_count) return;
    yield* videoPage(session, params, video.pathId, undefined);
  },

  async *creator(session, params, creatorId, cursor): AsyncGenerator<MediaRecord, void, undefined> {
    const mid = parseBiliCreator(creatorId);
    if (mid === undefined) return;
    let pn: number = typeof cursor.page === "number" ? cursor.page : 1;
    // After a resume the creator record was stored on the first space page already.
    let creatorDone = pn > 1;
    while (cursor.notesDone < params.max_notes_count) {
      const url = spacePageUrl(session.baseUrls, mid, pn);
      const answer = await session.capture<BiliEnvelope<BiliArcSearchData>>(BILI_ENDPOINTS.spaceVideos, () => session.open(url));
      const data: BiliArcSearchData = listData(answer, "the space page");
      const videos: BiliSpaceVideo[] = data.list.vlist ?? [];
      if (videos.length === 0) return;
      for (const video of videos) {
        if (cursor.notesDone >= params.max_notes_count) return;
        const detail: BiliViewDetailData | undefined = yield* videoPage(session, params, video.bvid, undefined);
        if (!creatorDone && detail?.Card !== undefined && String(detail.Card.card.mid) === mid) {
          creatorDone = true;
          yield biliCreatorRecord(detail.Card.card, detail.Card.like_num, params.keep_user_info);
        }
      }
      if (data.page.pn * data.page.ps >= data.page.count) return;
      pn += 1;
      cursor.advance(pn);
    }
  },
};

/**
 * One video page: its record (or a failed record when the site says the video is gone),
 * then its comments when asked. Returns the view/detail answer for the caller's use.
 */
async function* videoPage(
  session: MediaSession,
  params: BiliTaskParams,
  pathId: string,
  keyword: string | undefined,
): AsyncGenerator<MediaRecord, BiliViewDetailData | undefined, undefined> {
  const answer = await session.capture<BiliEnvelope<BiliViewDetailData>>(BILI_ENDPOINTS.viewDetail, () => session.open(videoPageUrl(session.baseUrls, pathId)));
  const body = readable(answer);
  if (body.code !== 0 || body.data?.View === undefined) {
    // -404 啥都木有, 62002 稿件不可见, 62004 审核中: this video only, the crawl goes on.
    const message = `B站 answered code ${body.code} (${body.message}) for video ${pathId}`;
    session.log("video not available", { video: pathId, code: body.code });
    yield { item_type: "content", id: pathId, fields: { video_id: pathId, source_keyword: keyword ?? null }, error: { code: "VIDEO_UNAVAILABLE", message } };
    return undefined;
  }
  const view = body.data.View;
  yield biliVideoRecord(view, keyword);
  if (params.enable_comments) {
    yield* biliComments(session, String(view.aid), { maxComments: params.max_comments_count, withReplies: params.enable_sub_comments });
  }
  return body.data;
}
