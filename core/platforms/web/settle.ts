/**
 * "Settled": the moment a page shows what a person would see once its scripts are done,
 * which is when a crawl should read it. `load` is too early for pages whose scripts write
 * the content later: after a timer, after fetch/XHR answers, after chained requests.
 *
 * A page counts as settled after `load` once, at the same time:
 * - no request of the page is in flight (counted in Node from Chromium's network events, so
 *   scripts loaded on the fly and fetch/XHR alike count),
 * - no short timer is pending: a `setTimeout` of at most {@link TIMER_HORIZON_MS} that has
 *   not fired yet (the page's own timers, wrapped by a script installed before any other),
 * - nothing changed for a quiet window: no DOM mutation (nodes or text), no request ended,
 *   no short timer fired for `quietMs`.
 * A document without any `<script>` cannot change by itself: it is settled at `load`, so
 * static pages pay one round trip. A page that never stops (polling, animations that add
 * nodes) is read at `capMs`, and its item says so.
 */
import type { HTTPRequest, Page } from "puppeteer-core";

/** Timers further away than this are not waited for: content promised later is not "after load". */
export const TIMER_HORIZON_MS = 2500;

/** Defaults of {@link waitForSettle}; the task's `settle_max_secs` sets the cap. */
export const SETTLE_DEFAULTS = { quietMs: 150, capMs: 5000, pollMs: 25 } as const;

/**
 * Installed in every new document of a crawl tab before its own scripts run
 * (Page.addScriptToEvaluateOnNewDocument). Plain JavaScript in a string: sent as written.
 * Wrapped timers keep `toString()` of the originals, so a page comparing them sees natives.
 */
export const SETTLE_INSTRUMENT = `(() => {
  if (window.__crawlSettle) return;
  const horizon = ${TIMER_HORIZON_MS};
  const pending = new Set();
  let last = Date.now();
  const touch = () => { last = Date.now(); };
  const nativeSet = window.setTimeout;
  const nativeClear = window.clearTimeout;
  const wrappedSet = function (handler, delay, ...rest) {
    const ms = Number(delay) || 0;
    if (typeof handler !== "function" || ms > horizon) return nativeSet.call(this, handler, delay, ...rest);
    const id = nativeSet.call(this, function () {
      pending.delete(id);
      try { return handler.apply(this, arguments); } finally { touch(); }
    }, delay, ...rest);
    pending.add(id);
    return id;
  };
  const wrappedClear = function (id) { pending.delete(id); return nativeClear.call(this, id); };
  wrappedSet.toString = () => nativeSet.toString();
  wrappedClear.toString = () => nativeClear.toString();
  window.setTimeout = wrappedSet;
  window.clearTimeout = wrappedClear;
  new MutationObserver(touch).observe(document, { subtree: true, childList: true, characterData: true });
  Object.defineProperty(window, "__crawlSettle", {
    value: () => ({ timers: pending.size, last, now: Date.now(), scripts: document.scripts.length }),
    enumerable: false,
  });
})();`;

/** Requests of a tab in flight, and when the last one started or ended. Attach once per tab. */
export class NetworkActivity {
  readonly #inflight = new Set<HTTPRequest>();
  #last = Date.now();

  constructor(page: Page) {
    page.on("request", (request) => {
      if (request.url().startsWith("data:")) return;
      this.#inflight.add(request);
      this.#last = Date.now();
    });
    const done = (request: HTTPRequest) => {
      if (this.#inflight.delete(request)) this.#last = Date.now();
    };
    page.on("requestfinished", done);
    page.on("requestfailed", done);
  }

  get inflight(): number {
    return this.#inflight.size;
  }

  get lastActivity(): number {
    return this.#last;
  }

  /** Forgets requests of the previous page (a reused tab): whatever they do now no longer matters. */
  reset(): void {
    this.#inflight.clear();
    this.#last = Date.now();
  }
}

export interface SettleOutcome {
  /** Time spent waiting after `load`. */
  waitedMs: number;
  /** True when the page was read at the cap without having settled. */
  capped: boolean;
}

interface PageState {
  timers: number;
  last: number;
  now: number;
  scripts: number;
}

/** Waits until the page settled (see the top of the file), or `capMs` passed. */
export async function waitForSettle(
  page: Page,
  network: NetworkActivity,
  options: { quietMs?: number; capMs?: number; pollMs?: number; signal?: AbortSignal } = {},
): Promise<SettleOutcome> {
  const { quietMs, capMs, pollMs } = { ...SETTLE_DEFAULTS, ...options };
  const started = Date.now();
  for (;;) {
    options.signal?.throwIfAborted();
    let state: PageState | null;
    try {
      state = (await page.evaluate("window.__crawlSettle ? window.__crawlSettle() : null")) as PageState | null;
    } catch (error) {
      // The page navigated itself (a script redirect, a form): its next document gets the
      // instrument too; until the cap, that is activity like any other.
      options.signal?.throwIfAborted();
      if (page.isClosed()) throw error;
      state = { timers: 1, last: Date.now(), now: Date.now(), scripts: 1 };
    }
    const now = Date.now();
    const waitedMs = now - started;
    // A document the instrument never ran in (an image, a PDF, a plain-text page): nothing to wait for.
    if (state === null) return { waitedMs, capped: false };
    const idle = state.timers === 0 && network.inflight === 0;
    const quietFor = now - Math.max(state.last, network.lastActivity);
    if (idle && (state.scripts === 0 || quietFor >= quietMs)) return { waitedMs, capped: false };
    if (waitedMs >= capMs) return { waitedMs, capped: true };
    await new Promise((resolve) =>
      setTimeout(resolve, idle ? Math.min(pollMs, Math.max(1, quietMs - quietFor)) : pollMs),
    );
  }
}
