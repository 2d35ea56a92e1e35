/**
 * What tieba task inputs may look like, parsed once so the schema can refuse bad ones
 * (a 400 naming the entry) and the crawler gets them structured.
 *
 * Hosts are not checked: the same paths work on the real site and on a stand-in
 * (base URLs are configurable), and users paste m.tieba / tieba links alike.
 */

/** A thread id: `9035641283` or a thread URL `https://tieba.baidu.com/p/9035641283?pn=2`. */
export function parseThreadId(input: string): string | undefined {
  const value = input.trim();
  if (/^\d{1,20}$/.test(value)) return value;
  const url = parseUrl(value);
  const match = url?.pathname.match(/^\/p\/(\d{1,20})\/?$/);
  return match?.[1];
}

/**
 * Who a creator is. Tieba's creator feed (/c/u/feed/myThread) takes either a `portrait`
 * (the stable id in profile links, `tb.1.xxxx`) or a user name (`un`) (MC
 * media_platform/tieba/client.py:684-710 sends `portrait` and `un`; client.py:172-185 reads
 * the portrait from a profile URL's `id`, `portrait` or `un`, cut at "?").
 */
export type TiebaCreatorRef = { portrait: string } | { userName: string };

/**
 * A creator: a profile URL (`/home/main?id=tb.1.xxxx` or `/home/main?un=name`), a
 * portrait (`tb.1.` then letters, digits, `.`, `_`, `-`, e.g. `tb.1.e0a1ef7e.7fUfL9zL`), or else a user name.
 */
export function parseCreatorRef(input: string): TiebaCreatorRef | undefined {
  const value = input.trim();
  if (value === "") return undefined;
  if (/^https?:\/\//i.test(value)) {
    const url = parseUrl(value);
    if (url === undefined || !/^\/home\/main\/?$/.test(url.pathname)) return undefined;
    const portrait = url.searchParams.get("id") ?? url.searchParams.get("portrait");
    if (portrait) return { portrait: portrait.split("?")[0] ?? portrait };
    const userName = url.searchParams.get("un");
    return userName ? { userName } : undefined;
  }
  if (/^tb\.1\.[\w.-]+$/.test(value)) return { portrait: value };
  // User names are at most 14 Chinese characters / 32 bytes on tieba; allow some slack.
  return value.length <= 64 && !/[\s/?#&]/.test(value) ? { userName: value } : undefined;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * A forum (吧) as a search input: its page, `https://tieba.baidu.com/f?kw=<name>` (the link
 * MC stores as tieba_link, help.py:81), so the crawler's search can tell it from a keyword.
 * The name is given without 吧, as the site's links carry it.
 */
export function forumInput(name: string): string {
  return `https://tieba.baidu.com/f?${new URLSearchParams({ kw: name.trim().replace(/吧$/, "") })}`;
}

/** The forum name a search input names (any host: a stand-in's too); undefined for a keyword. */
export function parseForumInput(input: string): string | undefined {
  if (!/^https?:\/\//i.test(input)) return undefined;
  try {
    const url = new URL(input);
    const name = url.pathname === "/f" ? url.searchParams.get("kw")?.trim() : undefined;
    return name ? name : undefined;
  } catch {
    return undefined;
  }
}
