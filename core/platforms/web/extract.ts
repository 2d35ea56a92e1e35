import type { Page } from "puppeteer-core";

/**
 * What is read out of a loaded page. The in-page part runs in Chromium as one
 * `page.evaluate` round trip; the selector-spec parsing runs in Node.
 */

/** One entry of `params.selectors`, parsed: `"a.next@href"` → css `a.next`, attr `href`. */
export interface SelectorSpec {
  /** Field name in the result's data. */
  name: string;
  css: string;
  /** Read this attribute instead of the text content. */
  attr: string | null;
}

/** A trailing `@name` that is a plain attribute name, so `a[href*="@"]` stays a CSS selector. */
const ATTR_SUFFIX = /^(.+?)@([A-Za-z_:][-\w:.]*)$/s;

/**
 * Parses `{name: "css"}` / `{name: "css@attr"}` into {@link SelectorSpec}s.
 * @example parseSelectors({ next: "a.next@href" }) // [{ name: "next", css: "a.next", attr: "href" }]
 */
export function parseSelectors(selectors: Record<string, string> | undefined): SelectorSpec[] {
  return Object.entries(selectors ?? {}).map(([name, raw]) => {
    const match = ATTR_SUFFIX.exec(raw.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) {
      return { name, css: match[1].trim(), attr: match[2] };
    }
    return { name, css: raw.trim(), attr: null };
  });
}

/** What {@link extractPage} reads from the page. */
export interface PageExtract {
  title: string;
  /** `<meta name="description">` content, or null when absent. */
  description: string | null;
  /** Visible text (`innerText`), whitespace collapsed, at most `maxTextChars` characters. */
  text: string;
  /** True when `text` was cut to `maxTextChars`. */
  truncated: boolean;
  /** Absolute http(s) hrefs of `<a>` / `<area>` elements, fragments included, not deduplicated. */
  hrefs: string[];
  /** One value per selector spec: trimmed text or attribute of the first match, or null. */
  fields: Record<string, string | null>;
  /** Names of selectors the page rejected as invalid CSS (their value is null). */
  invalidSelectors: string[];
}

interface InPageArgs {
  specs: SelectorSpec[];
  maxTextChars: number;
}

/**
 * Runs inside Chromium, serialised with `Function.prototype.toString`. It must stay
 * self-contained and must not declare inner named functions: tsx/esbuild `keepNames`
 * would insert `__name(...)` calls that do not exist in the page.
 */
function readPageInBrowser(args: InPageArgs): PageExtract {
  const root = document.body ?? document.documentElement;
  const rawText = root === null ? "" : ((root as HTMLElement).innerText ?? root.textContent ?? "");
  let text = rawText.replace(/\s+/g, " ").trim();
  let truncated = false;
  if (text.length > args.maxTextChars) {
    truncated = true;
    text = text.slice(0, args.maxTextChars);
    // Never end on half a surrogate pair: the stored string must stay valid UTF-16.
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) text = text.slice(0, -1);
  }

  const hrefs: string[] = [];
  for (const anchor of Array.from(
    document.querySelectorAll<HTMLAnchorElement | HTMLAreaElement>("a[href], area[href]"),
  )) {
    // `.href` is already resolved against the document's base URL.
    const href = anchor.href;
    if (typeof href === "string" && /^https?:/i.test(href)) hrefs.push(href);
  }

  const fields: Record<string, string | null> = {};
  const invalidSelectors: string[] = [];
  for (const spec of args.specs) {
    try {
      const element = document.querySelector(spec.css);
      if (element === null) fields[spec.name] = null;
      else if (spec.attr !== null) fields[spec.name] = element.getAttribute(spec.attr)?.trim() ?? null;
      else fields[spec.name] = element.textContent?.trim() ?? null;
    } catch {
      fields[spec.name] = null;
      invalidSelectors.push(spec.name);
    }
  }

  const description = document.querySelector('meta[name="description" i]')?.getAttribute("content")?.trim();
  return {
    title: (document.title ?? "").trim(),
    description: description === undefined ? null : description,
    text,
    truncated,
    hrefs,
    fields,
    invalidSelectors,
  };
}

/** Raised when the page did not answer the extraction in time (e.g. a script stuck in a loop). */
export class ExtractTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`page did not answer the extraction within ${timeoutMs} ms`);
    this.name = "ExtractTimeoutError";
  }
}

/**
 * Reads title, description, text, links and selector fields from a loaded page.
 * A script redirect right after load destroys the execution context mid-read, so a
 * "context destroyed" failure is retried once on the new document.
 */
export async function extractPage(
  page: Page,
  options: { specs: SelectorSpec[]; maxTextChars: number; timeoutMs: number },
): Promise<PageExtract> {
  const args: InPageArgs = { specs: options.specs, maxTextChars: options.maxTextChars };
  try {
    return await withTimeout(page.evaluate(readPageInBrowser, args), options.timeoutMs);
  } catch (error) {
    if (!(error instanceof Error) || !/context was destroyed|detached Frame/i.test(error.message)) throw error;
    await new Promise((resolve) => setTimeout(resolve, 250));
    return await withTimeout(page.evaluate(readPageInBrowser, args), options.timeoutMs);
  }
}

/** `promise`, or ExtractTimeoutError after `timeoutMs`. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ExtractTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
    // The losing evaluate may still reject later (page closed): keep that from going unhandled.
    promise.catch(() => undefined);
  }
}
