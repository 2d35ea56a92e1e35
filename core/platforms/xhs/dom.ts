import type { Page } from "puppeteer-core";

/**
 * What the crawler does to the xhs web app's DOM, kept in one place because it is what
 * breaks first when the site changes. Elements are found by what a person sees or
 * follows (link targets, ids of comments, button text), not by generated class names,
 * where possible.
 */

/** The comment pane of an open note (it scrolls on its own, inside the note modal or page). */
export const COMMENT_SCROLLER = ".note-scroller";

/** The labels of the search sort options: 综合 / 最热 / 最新. */
export const SORT_LABELS: Record<string, string> = {
  general: "综合",
  popularity_descending: "最热",
  time_descending: "最新",
};

/** Clicks the first link to note `noteId` (a search or profile card); false when there is none. */
export function clickNoteCard(page: Page, noteId: string): Promise<boolean> {
  return page.evaluate((id: string) => {
    const link = [...document.querySelectorAll<HTMLAnchorElement>("a[href]")].find((a) => {
      const href = a.getAttribute("href") ?? "";
      return href.includes(`/explore/${id}`) || href.includes(`/search_result/${id}`) || href.includes(`/${id}?`);
    });
    if (link === undefined) return false;
    link.scrollIntoView({ block: "center" });
    link.click();
    return true;
  }, noteId);
}

/** Clicks "展开更多回复" (show more replies) under top-level comment `commentId`; false when there is none. */
export function clickShowMoreReplies(page: Page, commentId: string): Promise<boolean> {
  return page.evaluate((id: string) => {
    const comment = document.getElementById(`comment-${id}`);
    const thread = comment?.closest(".parent-comment") ?? comment?.parentElement;
    const button = thread?.querySelector<HTMLElement>(".show-more");
    if (!button) return false;
    button.scrollIntoView({ block: "center" });
    button.click();
    return true;
  }, commentId);
}

/** Clicks the search sort option whose visible text is `label`; false when there is none. */
export function clickByText(page: Page, label: string): Promise<boolean> {
  return page.evaluate((text: string) => {
    const target = [...document.querySelectorAll<HTMLElement>("span, div, button, li")].find(
      (element) => element.children.length === 0 && element.textContent?.trim() === text,
    );
    if (target === undefined) return false;
    target.click();
    return true;
  }, label);
}

/** Closes an open note modal the way a person would: Escape, then the close button. */
export async function closeNoteModal(page: Page): Promise<void> {
  await page.keyboard.press("Escape");
  await page.evaluate(() => {
    const close = document.querySelector<HTMLElement>(".close-circle, .close-box, .note-detail-mask .close");
    if (close && close.offsetParent !== null) close.click();
  });
}

/**
 * A page-side expression reading `path` of window.__INITIAL_STATE__, unwrapping Vue refs
 * on the way (each step may be a ref whose content is in `_value`).
 *
 * @example initialStateExpression(["user", "userPageData"])
 */
export function initialStateExpression(path: readonly string[]): string {
  const steps = path.map((key) => `[${JSON.stringify(key)}]`);
  return `(() => { const u = (v) => (v && v.__v_isRef ? v._value : v); let v = u(window.__INITIAL_STATE__); ${steps
    .map((step) => `v = v == null ? undefined : u(v${step});`)
    .join(" ")} return v; })()`;
}
