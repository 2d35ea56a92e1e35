import type { BrowserContext } from "puppeteer-core";
import { CrawlTab } from "./page.js";
import type { WebTaskParams } from "./schema.js";

/**
 * The tabs of one crawl, at most `size` open, shared by its workers: a worker borrows a tab
 * for one page and gives it back. Tabs are opened on first need (a crawl that renders no page
 * opens none, nor, with an opener, the browser context) and kept from page to page; a tab that is no longer reusable (CrawlTab.reusable)
 * is closed when given back and a new one opened when next needed.
 */
export class TabPool {
  readonly #context: () => Promise<BrowserContext>;
  readonly #blocked: WebTaskParams["block_resources"];
  readonly #size: number;
  readonly #free: CrawlTab[] = [];
  readonly #waiting: Array<() => void> = [];
  #open = 0;
  #closed = false;

  /** `context`: the task's browser context, or how to open it (on the first tab needed). */
  constructor(
    context: BrowserContext | (() => Promise<BrowserContext>),
    blocked: WebTaskParams["block_resources"],
    size: number,
  ) {
    this.#context = typeof context === "function" ? context : () => Promise.resolve(context);
    this.#blocked = blocked;
    this.#size = Math.max(1, size);
  }

  /**
   * A tab for one page: a free one, a new one while fewer than `size` are open, else the next
   * one given back. Rejects when opening fails (the tab's slot is freed) or the signal aborts.
   */
  async borrow(signal: AbortSignal): Promise<CrawlTab> {
    for (;;) {
      signal.throwIfAborted();
      if (this.#closed) throw new Error("the crawl's tabs are closed");
      const free = this.#free.pop();
      if (free !== undefined) return free;
      if (this.#open < this.#size) {
        this.#open += 1;
        try {
          return await CrawlTab.open(await this.#context(), this.#blocked);
        } catch (error) {
          this.#open -= 1;
          this.#wakeOne();
          throw error;
        }
      }
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        signal.addEventListener("abort", onAbort, { once: true });
        this.#waiting.push(() => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        });
      });
    }
  }

  /** Gives a tab back: kept for the next page, or closed when it should not load another. */
  async giveBack(tab: CrawlTab): Promise<void> {
    if (this.#closed || !tab.reusable) {
      this.#open -= 1;
      this.#wakeOne();
      await tab.close();
      return;
    }
    this.#free.push(tab);
    this.#wakeOne();
  }

  /** Closes the free tabs; tabs still borrowed close when given back. */
  async close(): Promise<void> {
    this.#closed = true;
    const free = this.#free.splice(0);
    this.#open -= free.length;
    for (const wake of this.#waiting.splice(0)) wake();
    await Promise.all(free.map((tab) => tab.close()));
  }

  #wakeOne(): void {
    this.#waiting.shift()?.();
  }
}
