import type { Browser, BrowserContext, Target } from "puppeteer-core";
import { egressProxyOf, LOOPBACK_THROUGH_PROXY } from "./egress.js";

/**
 * One task's share of the browser, as a `BrowserContext` the task closes when done.
 * Two ways to get one, because `--single-process` Chromium (required on Lambda)
 * crashes as soon as a page opens in a second browser context (Sparticuz/chromium#298):
 *
 * - {@link openIncognitoContext}: a context of its own; closing it throws away its
 *   cookies, storage and cache. Needs a multi-process browser.
 * - {@link lendDefaultContext}: the browser's default context, lent to one task at a
 *   time; its `close()` wipes it (the task's pages, cookies, HTTP cache, storage of
 *   every origin the task visited) instead of closing it. If the wipe fails the browser
 *   is closed, so dirty state never reaches the next task.
 */

/** How a task context isolates the task; see {@link taskContextIsolation}. */
export type TaskIsolation = "incognito" | "cleared-default";

const isolationOf = new WeakMap<BrowserContext, TaskIsolation>();

/** Which kind of task context this is, or undefined for a context not made here. */
export function taskContextIsolation(context: BrowserContext): TaskIsolation | undefined {
  return isolationOf.get(context);
}

/** What a task asks of its context. */
export interface TaskContextOptions {
  /**
   * Upstream HTTP proxy for every request of the task, `http://user:pass@host:port`
   * (core/net/upstreamProxy.ts). Requests still pass the egress policy first, then go
   * through it instead of straight to the target. @default none (direct)
   */
  upstreamProxy?: string;
}

/**
 * A fresh incognito context: the browser must not run with `--single-process`. With an
 * upstream proxy, the context gets its own listener of the browser's egress proxy (a
 * per-context `proxyServer`), so tasks side by side each keep their own proxy; the
 * listener closes with the context.
 */
export async function openIncognitoContext(
  browser: Browser,
  options: TaskContextOptions = {},
): Promise<BrowserContext> {
  if (options.upstreamProxy === undefined) {
    const context = await browser.createBrowserContext();
    isolationOf.set(context, "incognito");
    return context;
  }
  const egress = egressProxyOf(browser);
  if (egress === undefined)
    throw new TypeError("an upstream proxy needs the egress proxy; this browser was launched with egress: false");
  const route = await egress.openRoute(options.upstreamProxy);
  try {
    const context = await browser.createBrowserContext({
      proxyServer: route.url,
      proxyBypassList: [LOOPBACK_THROUGH_PROXY],
    });
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => (closing ??= context.close().finally(() => route.close()));
    const owned = new Proxy(context, {
      get(target, property) {
        if (property === "close" || property === Symbol.asyncDispose) return close;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    isolationOf.set(owned, "incognito");
    return owned;
  } catch (error) {
    await route.close();
    throw error;
  }
}

/**
 * Lends the default context to one task. `release` is called exactly once, when the
 * context is clean again (or the browser was dropped), so the owner can lend it to the
 * next task. `close()` is idempotent and never throws.
 */
export function lendDefaultContext(browser: Browser, release: () => void): BrowserContext {
  const context = browser.defaultBrowserContext();
  // The launch page (about:blank) belongs to the browser, not the task: leave it open.
  const ownTargets = new Set<Target>(context.targets());
  const origins = new Set<string>();
  const track = (target: Target): void => {
    const origin = httpOrigin(target.url());
    if (origin !== undefined) origins.add(origin);
  };
  context.on("targetcreated", track);
  context.on("targetchanged", track);

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    context.off("targetcreated", track);
    context.off("targetchanged", track);
    try {
      if (browser.connected) await wipe(context, ownTargets, origins);
    } catch {
      // Cannot prove the context is clean: drop the browser; the owner relaunches it.
      browser.process()?.kill("SIGKILL");
      await browser.close().catch(() => undefined);
    } finally {
      release();
    }
  };
  const closeOnce = (): Promise<void> => (closing ??= close());

  // The default context cannot be closed (puppeteer throws), so the task gets a view of
  // it whose close() wipes instead. Methods are bound to the real context because its
  // #private fields are not reachable through a Proxy receiver.
  const lent = new Proxy(context, {
    get(target, property) {
      if (property === "close" || property === Symbol.asyncDispose) return closeOnce;
      if (property === Symbol.dispose) return () => void closeOnce();
      if (property === "closed") return closing !== undefined;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  isolationOf.set(lent, "cleared-default");
  return lent;
}

async function wipe(context: BrowserContext, keep: ReadonlySet<Target>, origins: ReadonlySet<string>): Promise<void> {
  const leftovers = context.targets().filter((target) => !keep.has(target) && target.type() === "page");
  await Promise.all(
    leftovers.map(async (target) => {
      const page = await target.page();
      await page?.close();
    }),
  );
  // Cookie, cache and storage clearing are page-session commands (the browser session
  // answers "Internal error"), hence a short-lived scratch page.
  const scratch = await context.newPage();
  try {
    const session = await scratch.createCDPSession();
    await session.send("Network.clearBrowserCookies");
    await session.send("Network.clearBrowserCache");
    for (const origin of origins) {
      await session.send("Storage.clearDataForOrigin", { origin, storageTypes: "all" });
    }
    await session.detach();
  } finally {
    await scratch.close();
  }
}

function httpOrigin(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}
