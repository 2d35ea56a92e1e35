import type { ElementHandle, Page } from "puppeteer-core";

/** Which control to click: the one whose text matches `text` inside the `index`-th item. */
export interface TextTarget {
  /** Selector of the list's items, e.g. '[data-e2e="comment-item"]'. Items nested in items (replies) are not counted. */
  itemSelector: string;
  /** Position of the item among the top-level items, in page order (0-based). */
  index: number;
  /** Text of the control, e.g. /^展开(\d+条回复|更多)/ for "展开3条回复" / "展开更多". */
  text: RegExp;
  /** How long to wait for the control to appear (the list may still be rendering). @default 5_000 */
  timeoutMs?: number;
}

/**
 * Clicks a text control ("展开3条回复", "查看更多回复") of one item of a list with a real
 * mouse click, as a person would: the web apps call their reply endpoints from these
 * controls' handlers. Class names change with every release of these sites, words on
 * buttons rarely do, hence text.
 *
 * Waits for the control to appear (the app renders a page of comments a moment after its
 * answer arrived); resolves false when it does not within `timeoutMs` (nothing clicked),
 * so the caller does not wait for a response that will never come. Only the item's own
 * controls count, not those of items nested in it; the last match wins, which is the
 * "more" control below replies already shown.
 */
export async function clickTextIn(page: Page, target: TextTarget): Promise<boolean> {
  const handle = await page
    .waitForFunction(
    (itemSelector: string, index: number, source: string, flags: string) => {
      const pattern = new RegExp(source, flags);
      const textOf = (element: Element) => (element.textContent ?? "").trim();
      const items = [...document.querySelectorAll(itemSelector)].filter((item) => item.parentElement?.closest(itemSelector) == null);
      const item = items[index];
      if (item === undefined) return null;
      const matches = [...item.querySelectorAll("button, a, span, div, p")].filter(
        (element) =>
          element.closest(itemSelector) === item &&
          pattern.test(textOf(element)) &&
          ![...element.children].some((child) => pattern.test(textOf(child))),
      );
      const control = matches.at(-1) ?? null;
      control?.scrollIntoView({ block: "center" });
      return control;
    },
    { timeout: target.timeoutMs ?? 5_000, polling: 100 },
    target.itemSelector,
    target.index,
    target.text.source,
    target.text.flags,
  )
    .catch((error: unknown) => {
      if (error instanceof Error && error.name === "TimeoutError") return null;
      throw error;
    });
  const element = handle?.asElement() as ElementHandle<Element> | null | undefined;
  if (element == null) {
    await handle?.dispose();
    return false;
  }
  try {
    await element.click();
  } catch {
    // Covered or zero-sized (an overlay, an animation): a DOM click still runs the handler.
    await element.evaluate((control) => (control as HTMLElement).click());
  } finally {
    await element.dispose();
  }
  return true;
}
