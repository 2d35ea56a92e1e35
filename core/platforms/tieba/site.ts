import type { CapturedResponse, ResponseMatch } from "../media/types.js";
import type { TiebaCreatorRef } from "./inputs.js";
import { TIEBA_SORT_PARAM, type TiebaSort } from "./schema.js";

/**
 * Where the tieba web app lives and which of its requests we read. Pages are opened by
 * URL (a person could bookmark each of them); their own scripts call the endpoints.
 *
 * Page URLs, from the site's public link scheme:
 * - search: /f/search/res?ie=utf-8&qw=<keyword>&pn=<page> (+ st=<sort>, passed on to
 *   multsearch's `st`; the sort parameter's name on the page is our assumption)
 * - thread: /p/<thread id>?pn=<page>
 * - creator: /home/main?id=<portrait> or ?un=<user name>; more threads load on scroll
 */
export const TIEBA_BASE_URLS = { www: "https://tieba.baidu.com" } as const;

/** Floors (楼层) per page of /c/f/pb/page_pc. */
export const TIEBA_FLOORS_PER_PAGE = 30;

export const TIEBA_ENDPOINTS = {
  search: { path: "/mo/q/search/multsearch", method: "GET" },
  creatorFeed: { path: "/c/u/feed/myThread", method: "GET" },
} as const satisfies Record<string, ResponseMatch>;

/** page_pc of one thread page: the form's kz / pn say which (another thread's answer is not ours). */
export function threadPageMatch(threadId: string, pn: number): ResponseMatch {
  return {
    path: "/c/f/pb/page_pc",
    method: "POST",
    test: (response: CapturedResponse) => {
      const form = new URLSearchParams(response.requestBody ?? "");
      return form.get("kz") === threadId && (form.get("pn") ?? "1") === String(pn);
    },
  };
}

export function searchPageUrl(baseUrls: Readonly<Record<string, string>>, keyword: string, sort: TiebaSort, pn: number): string {
  const query = new URLSearchParams({ ie: "utf-8", qw: keyword, st: TIEBA_SORT_PARAM[sort], pn: String(pn) });
  return `${baseUrls.www}/f/search/res?${query}`;
}

export function threadPageUrl(baseUrls: Readonly<Record<string, string>>, threadId: string, pn: number): string {
  return `${baseUrls.www}/p/${threadId}${pn > 1 ? `?pn=${pn}` : ""}`;
}

export function creatorPageUrl(baseUrls: Readonly<Record<string, string>>, creator: TiebaCreatorRef): string {
  const query = "portrait" in creator ? `id=${encodeURIComponent(creator.portrait)}` : `un=${encodeURIComponent(creator.userName)}`;
  return `${baseUrls.www}/home/main?${query}`;
}
