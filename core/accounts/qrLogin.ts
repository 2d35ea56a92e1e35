import type { BrowserContext, ElementHandle, Page } from "puppeteer-core";
import jsqr from "jsqr";
import { PNG } from "pngjs";
import type { Env } from "../config.js";
import { ClientError, toErrorSummary } from "../errors.js";
import type { ProxyPool } from "../net/proxyPool.js";
import { resolveBaseUrls } from "../platforms/media/baseUrls.js";
import {
  QR_LOGIN,
  REFUSED_TEXTS,
  SCANNED_TEXTS,
  type LoginBaseline,
  type LoginProbe,
  type QrLoginSpec,
} from "../platforms/media/qrLogin.js";
import type { AccountCookie } from "../platforms/media/types.js";
import { type LoginSession, type LoginSessionStore, type LoginState, OPEN_LOGIN_STATES } from "./loginSession.js";
import type { AccountService } from "./service.js";

export interface QrLoginDeps {
  sessions: LoginSessionStore;
  /** Stores the cookies: `create` for a new account, `activate` for a re-login (sealed, same duplicate rule). */
  accounts: Pick<AccountService, "create" | "activate">;
  browser: { newTaskContext(options?: { upstreamProxy?: string }): Promise<BrowserContext> };
  /** The login page goes through the pool's next proxy, as a crawl without its own proxy would. */
  proxies?: ProxyPool;
  env?: Env;
  log?: (level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) => void;
}

export interface QrLoginOptions {
  /** The invocation's time left; the wait ends `marginMs` before it. */
  remainingTimeMs?: () => number;
  /** @default 15_000 (closing the browser context and the last writes fit in it) */
  marginMs?: number;
  /** Between two logged-in checks; MC waits 1 s (`wait_fixed(1)`). @default 1000 */
  pollMs?: number;
  /** How long the QR code may take to show. @default 20_000 */
  qrTimeoutMs?: number;
}

export type QrLoginOutcome = { kind: "skipped"; reason: string } | { kind: "ended"; state: LoginState };

/**
 * Runs one login session in one invocation: opens the platform's login page, stores the QR
 * code, waits for the phone (scanned, then confirmed or declined) until the session expires or
 * the invocation's time runs short, and stores the cookies as an account. Every state change is
 * a conditional write from an open state, so a session ends once.
 */
export async function runQrLogin(
  sessionId: string,
  deps: QrLoginDeps,
  options: QrLoginOptions = {},
): Promise<QrLoginOutcome> {
  const session = await deps.sessions.get(sessionId);
  if (session === undefined) return { kind: "skipped", reason: "no such session" };
  if (!OPEN_LOGIN_STATES.includes(session.state)) return { kind: "skipped", reason: `session is ${session.state}` };
  const end = (state: LoginState, reason?: string) => finish(deps, session, state, reason);

  const marginMs = options.marginMs ?? 15_000;
  const deadline = Math.min(
    Date.parse(session.expires_at),
    options.remainingTimeMs ? Date.now() + options.remainingTimeMs() - marginMs : Number.POSITIVE_INFINITY,
  );
  if (Date.now() >= deadline) return end("expired", "the session expired before the crawler started it");

  const spec = QR_LOGIN[session.platform];
  const proxy = deps.proxies?.next();
  const context = await deps.browser.newTaskContext(proxy ? { upstreamProxy: proxy } : {});
  try {
    const page = await context.newPage();
    const urls = resolveBaseUrls(session.platform, spec.baseUrls, deps.env);
    await page.goto(spec.loginUrl(urls), { waitUntil: "domcontentloaded" });
    const qr = await findQrCode(page, spec, Math.min(options.qrTimeoutMs ?? 20_000, deadline - Date.now()));
    if (qr === undefined) return await end("failed", `${session.platform}: the login page showed no QR code`);
    const png = Buffer.from(await qr.screenshot({ type: "png" }));
    const text = decodeQr(png);
    const probe = probeOf(page, context);
    const baseline = await baselineOf(probe, spec);
    const shown = await deps.sessions.update(
      sessionId,
      { qr_image: `data:image/png;base64,${png.toString("base64")}`, ...(text !== undefined ? { qr_text: text } : {}) },
      OPEN_LOGIN_STATES,
    );
    if (shown === undefined) return { kind: "skipped", reason: "session ended elsewhere" };

    let state: LoginState = "waiting";
    while (Date.now() < deadline) {
      if (await spec.loggedIn(probe, baseline)) {
        return await store(deps, session, await context.cookies());
      }
      const panel = await pageText(page);
      if (REFUSED_TEXTS.some((marker) => panel.includes(marker)))
        return await end("refused", "the login was declined on the phone");
      if (state === "waiting" && SCANNED_TEXTS.some((marker) => panel.includes(marker))) {
        state = "scanned";
        if ((await deps.sessions.update(sessionId, { state }, ["waiting"])) === undefined)
          return { kind: "skipped", reason: "session ended elsewhere" };
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollMs ?? 1000, deadline - Date.now())));
    }
    return await end(
      "expired",
      Date.now() >= Date.parse(session.expires_at)
        ? "nobody confirmed the login in time"
        : "the crawler's time ran out before the login was confirmed",
    );
  } catch (error) {
    deps.log?.("error", "QR login failed", { session_id: sessionId, error: toErrorSummary(error) });
    return await end("failed", toErrorSummary(error).message.slice(0, 300));
  } finally {
    await context.close().catch(() => undefined);
  }
}

/** The QR code element: shown at once, or after MC's login click (before looking, for ks and bili). */
async function findQrCode(page: Page, spec: QrLoginSpec, timeoutMs: number): Promise<ElementHandle | undefined> {
  const click = async () => {
    if (spec.openLoginSelector === undefined) return;
    const button = await page.waitForSelector(spec.openLoginSelector, { timeout: Math.min(5000, timeoutMs) });
    await button?.click();
  };
  const wait = (ms: number) =>
    page.waitForSelector(spec.qrSelector, { visible: true, timeout: Math.max(1, ms) }).catch(() => null);
  if (spec.clickFirst) await click().catch(() => undefined);
  const started = Date.now();
  // MC looks first and clicks only when the code is missing (xhs login.py:173-187, tieba login.py:87-99).
  const first = await wait(
    spec.openLoginSelector !== undefined && !spec.clickFirst ? Math.min(5000, timeoutMs / 2) : timeoutMs,
  );
  if (first) return first;
  if (spec.openLoginSelector === undefined || spec.clickFirst) return undefined;
  await click().catch(() => undefined);
  return (await wait(timeoutMs - (Date.now() - started))) ?? undefined;
}

function probeOf(page: Page, context: BrowserContext): LoginProbe {
  return {
    page,
    context,
    cookies: async () => Object.fromEntries((await context.cookies()).map((cookie) => [cookie.name, cookie.value])),
  };
}

async function baselineOf(probe: LoginProbe, spec: QrLoginSpec): Promise<LoginBaseline> {
  if (spec.baselineCookies === undefined) return {};
  const cookies = await probe.cookies();
  return Object.fromEntries(spec.baselineCookies.map((name) => [name, cookies[name]]));
}

async function pageText(page: Page): Promise<string> {
  return page.evaluate(() => document.body?.innerText ?? "").catch(() => "");
}

/** The QR code's text, when the screenshot decodes (jsQR over pngjs' RGBA pixels); undefined otherwise. */
export function decodeQr(png: Buffer): string | undefined {
  try {
    const image = PNG.sync.read(png);
    // jsqr is CommonJS typed as an ES default export: the function is its `default` (also under esbuild).
    const found = jsqr.default(new Uint8ClampedArray(image.data), image.width, image.height);
    return found?.data || undefined;
  } catch {
    return undefined;
  }
}

/** The browser's cookies as an account keeps them. */
function toAccountCookies(cookies: Awaited<ReturnType<BrowserContext["cookies"]>>): AccountCookie[] {
  return cookies.map((cookie) => ({
    name: cookie.name,
    value: cookie.value,
    domain: cookie.domain,
    path: cookie.path,
    ...(cookie.expires > 0 ? { expires: cookie.expires } : {}),
    httpOnly: cookie.httpOnly,
    secure: cookie.secure,
  }));
}

/** Stores the signed-in cookies: a new account, or the expired one of a re-login made active again. */
async function store(
  deps: QrLoginDeps,
  session: LoginSession,
  cookies: Awaited<ReturnType<BrowserContext["cookies"]>>,
): Promise<QrLoginOutcome> {
  const saved = toAccountCookies(cookies);
  try {
    const account =
      session.account_id !== undefined
        ? await deps.accounts.activate(session.account_id, { cookies: saved })
        : await deps.accounts.create({ platform: session.platform, cookies: saved, note: "signed in by QR code" });
    const done = await deps.sessions.update(
      session.session_id,
      { state: "done", account_id: account.account_id },
      OPEN_LOGIN_STATES,
    );
    deps.log?.("info", "QR login done", { session_id: session.session_id, account_id: account.account_id });
    return done === undefined
      ? { kind: "skipped", reason: "session ended elsewhere" }
      : { kind: "ended", state: "done" };
  } catch (error) {
    // A refusal of the account service (the same cookies stored already, the account deleted meanwhile) ends the session.
    if (error instanceof ClientError) return finish(deps, session, "failed", error.message);
    throw error;
  }
}

async function finish(
  deps: QrLoginDeps,
  session: LoginSession,
  state: LoginState,
  reason?: string,
): Promise<QrLoginOutcome> {
  await deps.sessions.update(session.session_id, { state, ...(reason ? { reason } : {}) }, OPEN_LOGIN_STATES);
  deps.log?.("info", "QR login ended", { session_id: session.session_id, state, ...(reason ? { reason } : {}) });
  return { kind: "ended", state };
}
