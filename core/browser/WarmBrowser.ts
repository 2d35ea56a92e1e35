import type { Browser, BrowserContext } from "puppeteer-core";
import { launchChromium, launchDefaults, type LaunchChromiumOptions } from "./launch.js";
import { useUpstreamForTurn } from "./egress.js";
import { lendDefaultContext, openIncognitoContext, type TaskContextOptions } from "./taskContext.js";

/** Options of {@link WarmBrowser}: how Chromium is launched (see {@link LaunchChromiumOptions}). */
export interface WarmBrowserOptions extends LaunchChromiumOptions {
  /** How long `close()` waits for Chromium to exit before killing it. @default 5_000 */
  closeTimeoutMs?: number;
}

export const warmBrowserDefaults = {
  ...launchDefaults,
  closeTimeoutMs: 5_000,
} as const satisfies Omit<Required<WarmBrowserOptions>, "executablePath">;

type Settings = WarmBrowserOptions & { [K in keyof typeof warmBrowserDefaults]: Required<WarmBrowserOptions>[K] };

/**
 * One Chromium per process, launched on first use and kept for the next (warm) Lambda
 * invocations, relaunched when it crashed or disconnected. Whoever creates the
 * WarmBrowser closes it; tasks borrow it through {@link newTaskContext}.
 *
 * With `singleProcess` (the default, as on Lambda) tasks take turns: the default
 * context is lent to one task at a time and `newTaskContext()` waits for the previous
 * task's context to be closed. Without it, each task gets its own incognito context and
 * tasks run side by side.
 *
 * @example
 * const warm = new WarmBrowser(); // module scope: survives warm invocations
 * export async function handler() {
 *   const context = await warm.newTaskContext();
 *   try { for await (const item of crawlWeb(params, { ...ctx, browser: context })) ... }
 *   finally { await context.close(); }
 * }
 */
export class WarmBrowser {
  readonly #options: Settings;
  #browser: Browser | undefined;
  #launching: Promise<Browser> | undefined;
  #launches = 0;
  #closed = false;
  /** Tail of the queue of tasks waiting for the shared default context. */
  #lendQueue: Promise<void> = Promise.resolve();

  constructor(options: WarmBrowserOptions = {}) {
    this.#options = { ...warmBrowserDefaults, ...options };
  }

  /** How many times Chromium was launched: 1 after a cold start, more after crashes. */
  get launchCount(): number {
    return this.#launches;
  }

  /** The running browser; launches it on first use and after a crash or disconnect. */
  async browser(): Promise<Browser> {
    if (this.#closed) throw new Error("WarmBrowser is closed");
    if (this.#browser?.connected) return this.#browser;
    // Concurrent callers share one launch instead of starting several browsers.
    this.#launching ??= this.#launch().finally(() => {
      this.#launching = undefined;
    });
    return this.#launching;
  }

  /**
   * A clean browser context for one task. The caller closes it (in `finally`); in
   * single-process mode that wipes the lent default context and hands it to the next
   * task (see `lendDefaultContext`), so a context that is never closed blocks later tasks.
   *
   * `upstreamProxy`: the task's requests go through it (after the egress policy). In
   * single-process mode it is set on the browser's egress proxy for this task's turn and
   * unset when the context is closed; otherwise the context gets a listener of its own.
   */
  async newTaskContext(options: TaskContextOptions = {}): Promise<BrowserContext> {
    if (!this.#options.singleProcess) return openIncognitoContext(await this.browser(), options);
    const release = await this.#waitForTurn();
    try {
      const browser = await this.browser();
      const endUpstream = useUpstreamForTurn(browser, options.upstreamProxy);
      return lendDefaultContext(browser, () => {
        endUpstream();
        release();
      });
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Closes Chromium (killing it if it does not exit in time). Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const browser = this.#browser ?? (await this.#launching?.catch(() => undefined));
    this.#browser = undefined;
    if (browser !== undefined) await closeBrowser(browser, this.#options.closeTimeoutMs);
  }

  async #launch(): Promise<Browser> {
    // A browser that lost its connection may still be running: don't leave it behind.
    const previous = this.#browser;
    this.#browser = undefined;
    if (previous !== undefined) await closeBrowser(previous, this.#options.closeTimeoutMs);

    const browser = await launchChromium(this.#options);
    this.#launches += 1;
    if (this.#closed) {
      await closeBrowser(browser, this.#options.closeTimeoutMs);
      throw new Error("WarmBrowser was closed while launching");
    }
    this.#browser = browser;
    return browser;
  }

  /** Waits until every earlier task gave the default context back; resolves to this task's `release`. */
  async #waitForTurn(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#lendQueue;
    this.#lendQueue = previous.then(() => released);
    await previous;
    return release;
  }
}

/** `browser.close()` can hang on a wedged Chromium; after `timeoutMs` the process is killed. */
async function closeBrowser(browser: Browser, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const result = await Promise.race([browser.close().catch(() => undefined), timedOut]);
    if (result === "timeout") browser.process()?.kill("SIGKILL");
  } finally {
    clearTimeout(timer);
  }
}
