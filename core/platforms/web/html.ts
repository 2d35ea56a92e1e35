/**
 * Reading a page's HTML in Node, for both ways a page is fetched:
 * - {@link extractFromHtml}: what the browser extractor (extract.ts) reads, from HTML fetched
 *   over plain HTTP (render "never"/"auto"), with cheerio (the parser Crawlee's
 *   CheerioCrawler uses): title, description, visible text, links, selector fields;
 * - {@link formatsOf}: the output formats of a task, from the HTML the browser ended with
 *   (page.content() after it settled) or the HTML fetched: `markdown` (turndown with GFM
 *   tables), `html` (cleaned), `links` (absolute URLs with their anchor text), and with
 *   `only_main_content` the article Mozilla's Readability finds (on a linkedom DOM) instead
 *   of the whole page, without navigation, headers, footers, banners and sidebars.
 */
import { Readability } from "@mozilla/readability";
import { load, type CheerioAPI } from "cheerio";
import { parseHTML } from "linkedom";
import TurndownService from "turndown";
import { gfm } from "turndown-plugin-gfm";
import type { PageExtract, SelectorSpec } from "./extract.js";
import type { OutputFormat } from "./schema.js";

/** Elements whose content a person does not read as text. */
const NOT_TEXT = "script, style, noscript, template, svg, canvas, iframe, object, [hidden], [aria-hidden='true']";

/** Elements that break text into blocks, as innerText does. */
const BLOCKS = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "br",
  "dd",
  "details",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hr",
  "li",
  "main",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "summary",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "tr",
  "ul",
]);

/** Cuts `text` at `max` characters without leaving half a surrogate pair. */
export function cutText(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  let cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return { text: cut, truncated: true };
}

/** The visible text of `root` with blocks separated, whitespace collapsed. */
function visibleText($: CheerioAPI, root: ReturnType<CheerioAPI>): string {
  const parts: string[] = [];
  const walk = (nodes: ReturnType<CheerioAPI>) => {
    nodes.each((_i, node) => {
      if (node.type === "text") parts.push(node.data);
      else if (node.type === "tag") {
        const element = $(node);
        if (element.is(NOT_TEXT) || /display\s*:\s*none/i.test(element.attr("style") ?? "")) return;
        const block = BLOCKS.has(node.name);
        if (block) parts.push(" ");
        walk(element.contents());
        if (block) parts.push(" ");
      }
    });
  };
  walk(root.contents());
  return parts.join("").replace(/\s+/g, " ").trim();
}

/** What extract.ts reads in the browser, read from HTML. */
export function extractFromHtml(
  html: string,
  url: string,
  options: { specs: readonly SelectorSpec[]; maxTextChars: number },
): PageExtract {
  const $ = load(html);
  const base = resolvedBase($, url);
  const body = $("body").length > 0 ? $("body") : $.root();
  const { text, truncated } = cutText(visibleText($, body), options.maxTextChars);
  const hrefs: string[] = [];
  $("a[href], area[href]").each((_i, element) => {
    const href = absolute($(element).attr("href"), base);
    if (href !== undefined) hrefs.push(href);
  });
  const fields: Record<string, string | null> = {};
  const invalidSelectors: string[] = [];
  for (const spec of options.specs) {
    try {
      const match = $(spec.css).first();
      if (match.length === 0) fields[spec.name] = null;
      else if (spec.attr !== null) fields[spec.name] = match.attr(spec.attr)?.trim() ?? null;
      else fields[spec.name] = match.text().trim();
    } catch {
      fields[spec.name] = null;
      invalidSelectors.push(spec.name);
    }
  }
  const description = $('meta[name="description" i]').attr("content")?.trim();
  return {
    // As document.title reads it: whitespace collapsed.
    title: $("head > title, title").first().text().replace(/\s+/g, " ").trim(),
    description: description === undefined ? null : description,
    text,
    truncated,
    hrefs,
    fields,
    invalidSelectors,
  };
}

/** Whether the HTML has an element matching `css` (false for a selector cheerio cannot run). */
export function hasElement(html: string, css: string): boolean {
  try {
    return load(html)(css).length > 0;
  } catch {
    return false;
  }
}

function resolvedBase($: CheerioAPI, url: string): string {
  const href = $("base[href]").attr("href");
  try {
    return href ? new URL(href, url).href : url;
  } catch {
    return url;
  }
}

function absolute(href: string | undefined, base: string): string | undefined {
  if (href === undefined) return undefined;
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The formats of one page besides `text` (which the extract has), each cut to `maxChars`. */
export interface PageFormats {
  markdown?: string;
  html?: string;
  links?: Array<{ url: string; text: string }>;
  /** With only_main_content: the main content's text, which replaces the page's `text`. */
  mainText?: string;
  /** Which item fields were cut to the size limit (`text`, `markdown`, `html`, `link_list`). */
  cut: string[];
}

/** Most links listed per page (a footer of thousands would dwarf the rest); their characters count against the size limit too. */
const MAX_LINKS = 1000;
/** Anchor text kept per link. */
const MAX_ANCHOR_CHARS = 300;

/** Strips what a reader of the content does not need: scripts, styles, comments, hidden parts, event handlers. */
function cleanHtml(html: string): string {
  const $ = load(html);
  $(`${NOT_TEXT}, link, meta, base`).remove();
  $("*")
    .contents()
    .filter((_i, node) => node.type === "comment")
    .remove();
  $("*").each((_i, element) => {
    if (element.type !== "tag") return;
    for (const name of Object.keys(element.attribs))
      if (/^on/i.test(name) || name === "style") $(element).removeAttr(name);
  });
  const body = $("body");
  return (body.length > 0 ? body.html() : $.root().html())?.trim() ?? "";
}

/** The content with every link and image URL absolute, as a reader outside the page needs them. */
function absolutized(html: string, base: string): string {
  const $ = load(html, null, false);
  for (const [selector, attribute] of [
    ["a[href]", "href"],
    ["img[src]", "src"],
  ] as const) {
    $(selector).each((_i, element) => {
      const value = $(element).attr(attribute);
      if (value === undefined) return;
      try {
        $(element).attr(attribute, new URL(value.trim(), base).href);
      } catch {
        // not a URL: left as written
      }
    });
  }
  return $.html();
}

/**
 * Readability drops the heading that repeats the page's title and turns every `<h1>` into an
 * `<h2>` (its article view shows the title apart). A person reading the page sees both, so
 * the title it compares headings with is one no heading says, and `<h1>`s are marked before
 * and restored after.
 */
const TITLE_NO_HEADING_SAYS = "crawl-tasks-keeps-the-page-headings-7f3a9c";
const HEADING_MARK = "data-crawl-h1";

/** The main content by Readability, or undefined when it finds none. */
function mainContent(html: string, url: string): { html: string; text: string } | undefined {
  const { document } = parseHTML(html);
  try {
    // Readability resolves relative links against the document's URL.
    const base = document.createElement("base");
    base.setAttribute("href", url);
    document.head?.prepend(base);
  } catch {
    // a document without a head: links stay as they are
  }
  for (const meta of document.querySelectorAll('meta[property$="title" i], meta[name$="title" i]')) meta.remove();
  document.title = TITLE_NO_HEADING_SAYS;
  for (const heading of document.querySelectorAll("h1")) heading.setAttribute(HEADING_MARK, "");
  const article = new Readability(document as unknown as Document, { charThreshold: 200, disableJSONLD: true }).parse();
  if (article?.content === undefined || article.content === null || article.content.trim() === "") return undefined;
  const $ = load(article.content);
  $(`[${HEADING_MARK}]`).each((_i, element) => {
    if (element.type === "tag") element.tagName = "h1";
    $(element).removeAttr(HEADING_MARK);
  });
  const content = $("body").html() ?? article.content;
  return { html: content, text: visibleText($, $.root()) };
}

let turndown: TurndownService | undefined;
function markdownOf(html: string): string {
  if (turndown === undefined) {
    turndown = new TurndownService({ headingStyle: "atx", codeBlockStyle: "fenced", bulletListMarker: "-" });
    turndown.use(gfm);
    turndown.remove(["script", "style", "noscript", "template"]);
    // "- item", not turndown's "-   item": what people and other tools (Firecrawl) write.
    turndown.addRule("listItem", {
      filter: "li",
      replacement(content, node, options) {
        const parent = node.parentNode as HTMLElement | null;
        let prefix = `${options.bulletListMarker} `;
        if (parent?.nodeName === "OL") {
          const start = Number(parent.getAttribute("start") ?? "1");
          prefix = `${(Number.isFinite(start) ? start : 1) + Array.prototype.indexOf.call(parent.children, node)}. `;
        }
        const body = content
          .replace(/^\n+/, "")
          .replace(/\n+$/, "\n")
          .replace(/\n/gm, `\n${" ".repeat(prefix.length)}`);
        return prefix + body + (node.nextSibling && !/\n$/.test(body) ? "\n" : "");
      },
    });
  }
  return turndown.turndown(html).trim();
}

/**
 * The task's formats of a page from its HTML. `text` is not computed here (the extract has
 * it), except with only_main_content, where the main content's text replaces it.
 */
export function formatsOf(
  html: string,
  url: string,
  options: { formats: readonly OutputFormat[]; onlyMainContent: boolean; maxChars: number },
): PageFormats {
  const cut: string[] = [];
  const limit = (name: string, value: string) => {
    const result = cutText(value, options.maxChars);
    if (result.truncated) cut.push(name);
    return result.text;
  };
  const main = options.onlyMainContent ? mainContent(html, url) : undefined;
  const contentHtml = absolutized(main?.html ?? cleanHtml(html), resolvedBase(load(html), url));
  const formats: PageFormats = { cut };
  if (main !== undefined) formats.mainText = limit("text", main.text);
  if (options.formats.includes("markdown")) formats.markdown = limit("markdown", markdownOf(contentHtml));
  if (options.formats.includes("html")) formats.html = limit("html", contentHtml);
  if (options.formats.includes("links")) {
    const $ = load(contentHtml);
    const base = url;
    const links: Array<{ url: string; text: string }> = [];
    const seen = new Set<string>();
    let chars = 0;
    let full = false;
    $("a[href]").each((_i, element) => {
      const href = absolute($(element).attr("href"), base);
      if (href === undefined || seen.has(href)) return;
      const text = $(element).text().replace(/\s+/g, " ").trim().slice(0, MAX_ANCHOR_CHARS);
      if (links.length >= MAX_LINKS || chars + href.length + text.length > options.maxChars) {
        full = true;
        return false;
      }
      seen.add(href);
      chars += href.length + text.length;
      links.push({ url: href, text });
      return undefined;
    });
    if (full) cut.push("link_list");
    formats.links = links;
  }
  return formats;
}
