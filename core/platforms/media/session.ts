import type { ElementHandle, HTTPRequest, HTTPResponse, Page, ResourceType } from "puppeteer-core";
import type * as z from "zod";
import { blockRequests } from "../../browser/index.js";
import { mediaDelayScale } from "../../config.js";
import { RetryableCrawlError } from "../../errors.js";
import { pause } from "../../politeness/pause.js";
import type { CrawlContext } from "../types.js";
import { resolveBaseUrls } from "./baseUrls.js";
import { checkShape, describeNewField, describeWarnings, SiteChangedError, type DriftSubject } from "./drift.js";
import { PlatformAccessError, PlatformThrottledError } from "./errors.js";
import { ProbeTrace, type ProbeStep } from "./probe.js";
import { setAccountCookies } from "./cookies.js";
import { Collector } from "./collector.js";
import type {
  MediaSiteEdition,
  ElementOptions,
  AccessErrorCode,
  CapturedResponse,
  MediaDelays,
  MediaPlatform,
  MediaSession,
  PageCall,
  ResponseCollector,
  ResponseMatch,
  ResponseVerdict,
} from "./types.js";

/** Tuning of a media session; the platform's own pauses come from {@link MediaPlatform.delays}. */
export interface MediaSessionOptions {
  /** Resource types the page never loads (bandwidth; the crawl reads JSON, not pictures). @default ["image", "media", "font"] */
  blockResources?: ResourceType[];
  /** How long `capture` waits for its response once its action finished. @default 20_000 */
  captureTimeoutMs?: number;
  /** How long `open` waits for the document. @default 30_000 */
  navigationTimeoutMs?: number;
  /** Multiplies every pause; env MEDIA_DELAY_SCALE (e.g. 0 in tests) wins over it. @default 1 */
  delayScale?: number;
  /** How long `element` waits for a selector. @default 15_000 */
  selectorTimeoutMs?: number;
  /** Tries of a `call` the site answers with throttling, with back-off between them. @default 3 */
  throttleTries?: number;
  /** Record the session's steps for the probe (probe.ts). @default false */
  probe?: boolean;
}

export const mediaSessionDefaults = {
  blockResources: ["image", "media", "font"] as ResourceType[],
  captureTimeoutMs: 20_000,
  navigationTimeoutMs: 30_000,
  delayScale: 1,
  selectorTimeoutMs: 15_000,
  throttleTries: 3,
  probe: false,
} satisfies Required<MediaSessionOptions>;

/** A session the crawl owns: it closes the page with `close`. */
export interface OwnedMediaSession extends MediaSession {
  close(): Promise<void>;
  /** The probe's steps, when the session records them. */
  readonly trace: ProbeTrace | undefined;
}

/** Pauses vary by ±25 % so the rhythm is not machine-regular. */
const JITTER = 0.25;

/**
 * Opens a new page in the task's browser context for `platform`: realistic user agent,
 * the account's cookies (context.account) set on the platform's cookie URL, images,
 * media and fonts blocked, and every response of an endpoint somebody waits for read
 * and judged by `platform.classify`. The caller closes it. `edition`: the task's edition of
 * the site (MediaPlatform.editionOf), whose base URLs the session uses instead.
 *
 * @example
 * const session = await openMediaSession(xhs, context);
 * try {
 *   const { json } = await session.capture({ path: "/api/sns/web/v1/search/notes", method: "POST" }, () => session.open(url));
 * } finally { await session.close(); }
 */
export async function openMediaSession(
  platform: MediaPlatform,
  context: CrawlContext,
  options: MediaSessionOptions = {},
  edition?: MediaSiteEdition,
): Promise<OwnedMediaSession> {
  const settings = { ...mediaSessionDefaults, ...options };
  const delayScale = mediaDelayScale() ?? settings.delayScale;
  const baseUrls =
    edition === undefined
      ? resolveBaseUrls(platform.name, platform.baseUrls)
      : resolveBaseUrls(platform.name, edition.baseUrls, undefined, edition.name);
  context.signal.throwIfAborted();
  const page = await context.browser.newPage();
  try {
    // context.proxy needs nothing here: the task's egress proxy already chains through it.
    await prepare(page, settings.blockResources);
    const cookieBase = baseUrls[platform.cookieUrl] ?? platform.cookieUrl;
    await setAccountCookies(context.browser, cookieBase, context.account?.cookies ?? []);
  } catch (error) {
    await page.close().catch(() => undefined);
    throw error;
  }
  return new BrowserMediaSession(platform, context, page, baseUrls, { ...settings, delayScale });
}

/** Looks like a desktop browser, never stops on a dialog, skips heavy resources. */
async function prepare(page: Page, blocked: ResourceType[]): Promise<void> {
  // Sites refuse "HeadlessChrome" and navigator.webdriver outright.
  const agent = (await page.browser().userAgent()).replace("HeadlessChrome", "Chrome");
  await page.setUserAgent({ userAgent: agent });
  await page.setViewport({ width: 1366, height: 900 });
  await page.evaluateOnNewDocument(() => Object.defineProperty(navigator, "webdriver", { get: () => false }));
  page.on("dialog", (dialog) => void dialog.dismiss().catch(() => undefined));
  await blockRequests(page, { resourceTypes: blocked });
}

type Settings = Required<MediaSessionOptions>;

/** New-field warnings one task run gives at most (every other field a site adds is in the probe's report). */
const MAX_NEW_FIELD_WARNINGS = 20;

class BrowserMediaSession implements OwnedMediaSession {
  readonly platform;
  readonly page: Page;
  readonly baseUrls: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly #definition: MediaPlatform;
  readonly #context: CrawlContext;
  readonly #settings: Settings;
  readonly #collectors = new Set<Collector>();
  /** New-field warnings already given by this session's task run. */
  readonly #newFieldsWarned = new Set<string>();
  readonly trace: ProbeTrace | undefined;
  /** A politeness slot is held by an outer open/capture: nested ones do not wait for another. */
  #slotHeld = false;

  constructor(
    definition: MediaPlatform,
    context: CrawlContext,
    page: Page,
    baseUrls: Readonly<Record<string, string>>,
    settings: Settings,
  ) {
    this.platform = definition.name;
    this.#definition = definition;
    this.#context = context;
    this.page = page;
    this.baseUrls = baseUrls;
    this.signal = context.signal;
    this.#settings = settings;
    this.trace = settings.probe ? new ProbeTrace() : undefined;
    page.on("response", this.#onResponse);
    this.signal.addEventListener("abort", this.#onAbort);
  }

  async open(url: string): Promise<void> {
    await this.pause("pageMs");
    let response: HTTPResponse | null;
    try {
      response = await this.#withSlot(() =>
        this.page.goto(url, { waitUntil: "domcontentloaded", timeout: this.#settings.navigationTimeoutMs }),
      );
    } catch (error) {
      this.signal.throwIfAborted();
      const message = error instanceof Error ? error.message : String(error);
      throw new RetryableCrawlError(
        "NAVIGATION_FAILED",
        `${this.platform}: could not open ${url}: ${message}`.slice(0, 1000),
        { cause: error },
      );
    }
    const document = response === null ? undefined : capturedOf(response, undefined);
    this.note({ step: "open", kind: "open", url, ...(document ? { status: document.status } : {}) });
    const verdict = await this.#definition.classifyPage?.(this.page, document);
    if (verdict !== undefined && !verdict.ok) throw this.#refusal(verdict, this.page.url());
  }

  async call<T>(request: PageCall): Promise<CapturedResponse<T>> {
    const base = this.baseUrls[request.base ?? this.#definition.cookieUrl] ?? this.page.url();
    const url = new URL(request.url, base);
    const method = request.method ?? "GET";
    const style = this.#definition.pageRequests ?? {};
    const subject: DriftSubject = { platform: this.platform, step: request.step, endpoint: url.pathname };
    const tries = Math.max(1, this.#settings.throttleTries);
    for (let attempt = 1; ; attempt++) {
      await this.pause("commentMs");
      const answer = await this.#withSlot(() =>
        this.#callInPage(
          {
            url: url.href,
            path: url.pathname + url.search,
            method,
            body: request.body,
            headers: request.headers ?? {},
          },
          style,
        ),
      );
      if ("missing" in answer)
        throw new SiteChangedError(
          subject,
          "the page's own request code is needed to make this call",
          `the page has no ${answer.missing}`,
        );
      if ("error" in answer) {
        throw new RetryableCrawlError(
          "NAVIGATION_FAILED",
          `${this.platform} ${request.step}: the call to ${url.pathname} failed in the page: ${answer.error}`.slice(
            0,
            1000,
          ),
        );
      }
      let json: unknown;
      try {
        json = answer.text === "" ? undefined : JSON.parse(answer.text);
      } catch {
        json = undefined;
      }
      const captured: CapturedResponse<T> = {
        url: new URL(answer.url || url.href),
        method,
        status: answer.status,
        json: json as T,
        ...(json === undefined && answer.text !== "" ? { text: answer.text } : {}),
        ...(request.body !== undefined ? { requestBody: request.body } : {}),
      };
      this.note({ step: request.step, kind: "call", url: url.href, status: answer.status });
      const verdict = this.#definition.classify(captured);
      if (verdict.ok) return captured;
      if (verdict.code !== "THROTTLED") throw this.#accessError(verdict, captured.url.href);
      if (attempt >= tries) throw this.#throttled(verdict.message, captured.url.href);
      // Back off as the site asks, or 2 s, 4 s, …; scaled like every pause (0 in tests).
      const waitMs = (verdict.retryAfterMs ?? 2000 * 2 ** (attempt - 1)) * this.#settings.delayScale;
      this.log("site asked to slow down; trying again", { step: request.step, attempt, wait_ms: Math.round(waitMs) });
      if (waitMs > 0) await pause(waitMs, this.signal);
    }
  }

  /** Runs the request in the page (see PageRequestStyle): plain JavaScript, sent as a string. */
  async #callInPage(
    request: { url: string; path: string; method: string; body: string | undefined; headers: Record<string, string> },
    style: { transport?: "fetch" | "xhr"; signer?: string },
  ): Promise<{ status: number; url: string; text: string } | { missing: string } | { error: string }> {
    const script = `(async () => {
      const request = ${JSON.stringify(request)};
      const signer = ${style.signer ?? "undefined"};
      const headers = Object.assign({}, request.headers);
      if (signer) {
        const signed = signer({ url: request.url, path: request.path, method: request.method, body: request.body });
        if (signed && typeof signed.missing === "string") return { missing: signed.missing };
        Object.assign(headers, signed);
      }
      try {
        if (${JSON.stringify(style.transport ?? "fetch")} === "xhr") {
          return await new Promise((resolve) => {
            const xhr = new XMLHttpRequest();
            xhr.open(request.method, request.url);
            xhr.withCredentials = true;
            for (const name of Object.keys(headers)) xhr.setRequestHeader(name, headers[name]);
            xhr.onload = () => resolve({ status: xhr.status, url: xhr.responseURL, text: xhr.responseText });
            xhr.onerror = () => resolve({ error: "network error" });
            xhr.send(request.body === undefined ? null : request.body);
          });
        }
        const response = await fetch(request.url, { method: request.method, headers, body: request.body, credentials: "include" });
        return { status: response.status, url: response.url, text: await response.text() };
      } catch (error) {
        return { error: String(error && error.message || error) };
      }
    })()`;
    try {
      return (await this.page.evaluate(script)) as
        | { status: number; url: string; text: string }
        | { missing: string }
        | { error: string };
    } catch (error) {
      this.signal.throwIfAborted();
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  expect<T>(schema: z.ZodType<T>, captured: CapturedResponse, step: string): T {
    return this.#checked(
      schema,
      captured.json,
      { platform: this.platform, step, endpoint: captured.url.pathname },
      `HTTP ${captured.status}`,
    );
  }

  expectValue<T>(schema: z.ZodType<T>, value: unknown, subject: { step: string; source: string }): T {
    return this.#checked(
      schema,
      value,
      { platform: this.platform, step: subject.step, endpoint: subject.source },
      subject.source,
    );
  }

  #checked<T>(schema: z.ZodType<T>, value: unknown, subject: DriftSubject, what: string): T {
    if (value === undefined) {
      this.note({ step: subject.step, kind: "shape", shape: "mismatch", detail: "no JSON body" });
      throw new SiteChangedError(subject, "a JSON body was expected", `${what} without a JSON body`);
    }
    const check = checkShape(schema, value);
    if (!check.ok) {
      this.note({ step: subject.step, kind: "shape", shape: "mismatch", detail: check.problem });
      throw new SiteChangedError(subject, "the body no longer has the expected shape", check.problem);
    }
    const warnings = describeWarnings(subject, check.warnings);
    // New fields are not drift; the probe lists them, to help see what a renamed field became.
    const details = [
      ...warnings.slice(0, 5),
      ...(check.newFields.length > 0 ? [`new fields: ${check.newFields.slice(0, 10).join(", ")}`] : []),
    ];
    this.note({
      step: subject.step,
      kind: "shape",
      shape: warnings.length > 0 ? "warnings" : "ok",
      ...(details.length > 0 ? { detail: details.join("; ") } : {}),
    });
    for (const warning of warnings) this.#context.warn?.(warning);
    // Counted once per task each: a site sends its new fields in every body, and the count
    // should say how many there are, not how many bodies were read.
    for (const path of check.newFields) {
      const warning = describeNewField(subject, path);
      if (this.#newFieldsWarned.size >= MAX_NEW_FIELD_WARNINGS || this.#newFieldsWarned.has(warning)) continue;
      this.#newFieldsWarned.add(warning);
      this.#context.warn?.(warning);
    }
    return check.value;
  }

  async element(selector: string, step: string, options: ElementOptions = {}): Promise<ElementHandle<Element>> {
    const timeout = options.timeoutMs ?? this.#settings.selectorTimeoutMs;
    try {
      const handle = await this.page.waitForSelector(selector, {
        timeout,
        signal: this.signal,
        ...(options.visible ? { visible: true } : {}),
      });
      if (handle === null) throw new Error("not found");
      this.note({ step, kind: "selector", detail: `${selector}: found` });
      return handle as ElementHandle<Element>;
    } catch (_error) {
      this.signal.throwIfAborted();
      this.note({ step, kind: "selector", detail: `${selector}: not found within ${timeout} ms` });
      throw new SiteChangedError(
        { platform: this.platform, step, selector },
        "the page should have this element",
        `not found within ${timeout} ms on ${this.page.url()}`,
      );
    }
  }

  note(step: Omit<ProbeStep, "at">): void {
    this.trace?.add(step);
  }

  collect(match: ResponseMatch): ResponseCollector {
    this.signal.throwIfAborted();
    const collector = new Collector(match, this.platform, {
      onClose: (closed) => this.#collectors.delete(closed),
      runExclusive: (work) => this.#withSlot(work),
      timeoutMs: this.#settings.captureTimeoutMs,
    });
    this.#collectors.add(collector);
    return collector;
  }

  async capture<T>(
    match: ResponseMatch,
    action: () => Promise<unknown>,
    options: { timeoutMs?: number } = {},
  ): Promise<CapturedResponse<T>> {
    // Registered before the action runs: a response that arrives during it is not missed.
    const collector = this.collect(match);
    try {
      return await collector.next<T>(action, options);
    } finally {
      collector.close();
    }
  }

  async readState<T>(expression: string): Promise<T | undefined> {
    // A string is evaluated with Runtime.evaluate, which a page's CSP does not restrict;
    // JSON round-trip copies reactive proxies and drops functions.
    const json = await this.page.evaluate(
      `(() => { try { return JSON.stringify(${expression}); } catch { return undefined; } })()`,
    );
    return typeof json === "string" ? (JSON.parse(json) as T) : undefined;
  }

  async scroll(selector?: string): Promise<void> {
    await this.pause("scrollMs");
    await this.page.evaluate((target?: string) => {
      const element = target === undefined ? undefined : document.querySelector(target);
      if (element) element.scrollTop = element.scrollHeight;
      else window.scrollTo(0, document.documentElement.scrollHeight);
    }, selector);
  }

  async pause(kind: keyof MediaDelays): Promise<void> {
    const ms = this.#definition.delays[kind] * this.#settings.delayScale * (1 - JITTER + Math.random() * 2 * JITTER);
    if (ms <= 0) return this.signal.throwIfAborted();
    await pause(ms, this.signal);
  }

  log(message: string, fields?: Record<string, unknown>): void {
    this.#context.log(message, { platform: this.platform, ...fields });
  }

  async close(): Promise<void> {
    this.page.off("response", this.#onResponse);
    this.signal.removeEventListener("abort", this.#onAbort);
    for (const collector of [...this.#collectors]) collector.close();
    await this.page.close().catch(() => undefined);
  }

  /** Reads the JSON of responses somebody collects; everything else passes untouched. */
  readonly #onResponse = (response: HTTPResponse): void => {
    const request = response.request();
    const method = request.method();
    const status = response.status();
    if ((method !== "GET" && method !== "POST") || (status >= 300 && status < 400)) return;
    let url: URL;
    try {
      url = new URL(response.url());
    } catch {
      return;
    }
    const interested = [...this.#collectors].filter(({ match }) => pathMatches(match, url, method));
    if (interested.length > 0) void this.#deliver(response, request, interested);
  };

  async #deliver(response: HTTPResponse, request: HTTPRequest, collectors: Collector[]): Promise<void> {
    const body = request.postData();
    const withBody = (read: { json: unknown; text?: string }): CapturedResponse => ({
      ...capturedOf(response, read.json),
      ...(read.text !== undefined ? { text: read.text } : {}),
      ...(body !== undefined ? { requestBody: body } : {}),
    });
    // An error status may already say it all (xhs 461), and its page may be leaving, so
    // it is judged before waiting for a body that may never come.
    const early =
      response.status() >= 400 ? this.#definition.classify(withBody({ json: undefined })) : { ok: true as const };
    const captured = early.ok ? withBody(await readBody(response)) : withBody({ json: undefined });
    const verdict = early.ok ? this.#definition.classify(captured) : early;
    this.note({
      step: collectors[0]?.match.step ?? "response",
      kind: "response",
      url: captured.url.href,
      status: captured.status,
    });
    if (!verdict.ok) {
      const error = this.#refusal(verdict, captured.url.href);
      for (const collector of collectors) collector.fail(error);
      return;
    }
    for (const collector of collectors) {
      let accepted: boolean;
      try {
        accepted = collector.match.test?.(captured) ?? true;
      } catch (error) {
        collector.fail(error);
        continue;
      }
      if (accepted) collector.add(captured);
    }
  }

  /**
   * Runs `fetch` holding the platform's politeness slot (CrawlContext.acquireHostSlot,
   * keyed "platform:<name>" across every worker), so all tasks of one platform together
   * keep its concurrency cap and minimum delay.
   */
  async #withSlot<T>(fetch: () => Promise<T>): Promise<T> {
    const acquire = this.#context.acquireHostSlot;
    if (acquire === undefined || this.#slotHeld) return fetch();
    const release = await acquire(this.baseUrls[this.#definition.cookieUrl] ?? this.#definition.cookieUrl, this.signal);
    this.#slotHeld = true;
    try {
      return await fetch();
    } finally {
      this.#slotHeld = false;
      await release();
    }
  }

  readonly #onAbort = (): void => {
    for (const collector of this.#collectors) collector.fail(this.signal.reason);
  };

  /** The error a refusal verdict means: throttling, or an access problem. */
  #refusal(verdict: Extract<ResponseVerdict, { ok: false }>, url: string): Error {
    return verdict.code === "THROTTLED" ? this.#throttled(verdict.message, url) : this.#accessError(verdict, url);
  }

  accessError(verdict: Extract<ResponseVerdict, { ok: false }>, url: string): Error {
    return this.#refusal(verdict, url);
  }

  #throttled(message: string, url: string): PlatformThrottledError {
    const accountId = this.#context.account?.account_id;
    this.log("site keeps asking to slow down", { url, account_id: accountId });
    return new PlatformThrottledError(this.platform, message, { account_id: accountId, url });
  }

  /** The error for a refusal, naming the account (a login answer with cookies set means they expired). */
  #accessError(
    verdict: Extract<ResponseVerdict, { ok: false; code: AccessErrorCode }>,
    url: string,
  ): PlatformAccessError {
    const accountId = this.#context.account?.account_id;
    // Sites answer "log in" the same way with no cookies and with stale ones: with an
    // account's cookies set, that answer means the account's login expired.
    const code = verdict.code === "ACCOUNT_REQUIRED" && accountId !== undefined ? "ACCOUNT_EXPIRED" : verdict.code;
    this.log("platform refused the account", { code, url, account_id: accountId });
    return new PlatformAccessError(this.platform, code, verdict.message, { account_id: accountId, url });
  }
}

function pathMatches(match: ResponseMatch, url: URL, method: string): boolean {
  if (match.method !== undefined && match.method !== method) return false;
  return typeof match.path === "string" ? url.pathname === match.path : match.path.test(url.pathname);
}

function capturedOf(response: HTTPResponse, json: unknown): CapturedResponse {
  return { url: new URL(response.url()), method: response.request().method(), status: response.status(), json };
}

/**
 * How long reading a response body may take. Chromium never answers for the body of a
 * response whose page navigated away meanwhile (the xhs app leaves for the captcha page
 * right after a 461), nor for one the page's script never reads, so the read is cut
 * short and the response judged without its body.
 */
const BODY_READ_TIMEOUT_MS = 3_000;

/**
 * The parsed body; when it is not JSON, its text too (dy's streamed search page), unless
 * empty; nothing when already gone (the page navigated).
 */
async function readBody(response: HTTPResponse): Promise<{ json: unknown; text?: string }> {
  let timer: NodeJS.Timeout | undefined;
  let text: string;
  try {
    const gone = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("body read timed out")), BODY_READ_TIMEOUT_MS);
    });
    text = await Promise.race([response.text(), gone]);
  } catch {
    return { json: undefined };
  } finally {
    clearTimeout(timer);
  }
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return text === "" ? { json: undefined } : { json: undefined, text };
  }
}
