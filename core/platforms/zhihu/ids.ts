/**
 * What zhihu task inputs may look like, parsed once so the schema can refuse bad ones
 * and the crawler gets them structured. Hosts are not checked: the same paths work on
 * the real site and on a stand-in (base URLs are configurable).
 */

export const ZHIHU_CONTENT_TYPES = ["answer", "article", "zvideo"] as const;
export type ZhihuContentType = (typeof ZHIHU_CONTENT_TYPES)[number];

/** A post on zhihu: which kind, its id, and for answers the question it answers. */
export type ZhihuContentRef =
  | { type: "answer"; id: string; questionId: string }
  | { type: "article"; id: string }
  | { type: "zvideo"; id: string };

/**
 * A post URL (a bare id does not say which kind it is):
 * - answer: `https://www.zhihu.com/question/<qid>/answer/<id>`
 * - article: `https://zhuanlan.zhihu.com/p/<id>` (or www.zhihu.com/p/<id>)
 * - zvideo: `https://www.zhihu.com/zvideo/<id>`
 */
export function parseContentRef(input: string): ZhihuContentRef | undefined {
  const url = parseUrl(input.trim());
  if (url === undefined) return undefined;
  const path = url.pathname.replace(/\/+$/, "");
  const answer = path.match(/^\/question\/(\d{1,20})\/answers?\/(\d{1,20})$/);
  if (answer?.[1] && answer[2]) return { type: "answer", id: answer[2], questionId: answer[1] };
  const article = path.match(/^\/p\/(\d{1,20})$/);
  if (article?.[1]) return { type: "article", id: article[1] };
  const zvideo = path.match(/^\/zvideo\/(\d{1,20})$/);
  if (zvideo?.[1]) return { type: "zvideo", id: zvideo[1] };
  return undefined;
}

/**
 * A creator's url_token: `kaifulee` or a profile URL `https://www.zhihu.com/people/kaifulee`
 * (also /org/<token> for organisations). Tokens are letters, digits, `-` and `_`. The
 * user's id (32 hex digits, what stored items carry as `user_id`) works the same way:
 * zhihu serves /people/<id> too (zhihu-custom-mobile links profiles so).
 */
export function parseUrlToken(input: string): string | undefined {
  const value = input.trim();
  if (/^[\w-]{1,100}$/.test(value)) return value;
  const url = parseUrl(value);
  const match = url?.pathname.match(/^\/(?:people|org)\/([\w-]{1,100})(?:\/[a-z]*)?\/?$/);
  return match?.[1];
}

function parseUrl(value: string): URL | undefined {
  if (!/^https?:\/\//i.test(value)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
