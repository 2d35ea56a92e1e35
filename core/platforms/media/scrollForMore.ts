import { isNoAnswer } from "./drift.js";
import type { CapturedResponse, MediaSession, ResponseMatch } from "./types.js";

/** Options of {@link scrollForMore}. */
export interface ScrollForMoreOptions {
  /** The element that scrolls (a comment pane); the window when absent. */
  selector?: string;
  /** Scrolls tried before giving up. @default 3 */
  attempts?: number;
  /** How long each scroll but the last waits for the list's request. @default 8_000 */
  attemptTimeoutMs?: number;
}

/**
 * Scrolls a list to its end and resolves with the next page the web app asks for.
 *
 * Infinite lists ignore a scroll that comes while they are still rendering the last page
 * (their "loading" flag is still up), and they only react to a scroll that moves: so
 * first give the page a frame to render, and when nothing is asked for, scroll up a little
 * and down again, as a person would, before the last attempt waits the session's full
 * capture timeout. Access refusals and other errors end it at once.
 */
export async function scrollForMore<T>(
  session: MediaSession,
  match: ResponseMatch,
  options: ScrollForMoreOptions = {},
): Promise<CapturedResponse<T>> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= attempts;
    try {
      return await session.capture<T>(
        match,
        async () => {
          await settle(session);
          if (attempt > 1) await scrollUpALittle(session, options.selector);
          await session.scroll(options.selector);
        },
        last ? {} : { timeoutMs: options.attemptTimeoutMs ?? 8_000 },
      );
    } catch (error) {
      if (last || !isNoAnswer(error)) throw error;
      session.log("the list asked for nothing after a scroll; scrolling again", { attempt, path: String(match.path) });
    }
  }
}

/** Two animation frames (at most 200 ms: a hidden page gets none): the app's render of the answer just captured has run. */
async function settle(session: MediaSession): Promise<void> {
  await session.page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
        setTimeout(resolve, 200);
      }),
  );
}

async function scrollUpALittle(session: MediaSession, selector: string | undefined): Promise<void> {
  await session.page.evaluate((target?: string) => {
    const element = target === undefined ? null : document.querySelector(target);
    if (element) element.scrollTop = Math.max(0, element.scrollTop - 400);
    else window.scrollBy(0, -400);
  }, selector);
}
