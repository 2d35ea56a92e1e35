/**
 * What users paste as 微博 inputs, turned into what m.weibo.cn's pages take.
 *
 * - Posts: the numeric `mid` (`5012345678901234`), the base62 `bid` (`Oa1bC2dEf`), or a
 *   post URL: `https://m.weibo.cn/detail/<mid>`, `https://m.weibo.cn/status/<mid|bid>`,
 *   `https://weibo.com/<uid>/<bid>`. m.weibo.cn's `/detail/<id>` page takes either form.
 * - Creators: the numeric `uid`, or a profile URL: `https://m.weibo.cn/u/<uid>`,
 *   `https://m.weibo.cn/profile/<uid>`, `https://weibo.com/u/<uid>`, `https://weibo.com/<uid>`.
 */

const MID = /^\d{6,20}$/;
const BID = /^[0-9A-Za-z]{9}$/;
const UID = /^\d{1,20}$/;

/** The post id (mid or bid) for m.weibo.cn/detail/<id>, or undefined when the input names none. */
export function parseWeiboPost(input: string): string | undefined {
  const value = input.trim();
  const url = tryWeiboUrl(value);
  if (url === undefined) return MID.test(value) || BID.test(value) ? value : undefined;
  const segments = url.pathname.split("/").filter(Boolean);
  const [first, second] = segments;
  // m.weibo.cn/detail/<id>, m.weibo.cn/status/<id>
  if ((first === "detail" || first === "status") && second !== undefined)
    return MID.test(second) || BID.test(second) ? second : undefined;
  // weibo.com/<uid>/<bid>
  if (first !== undefined && UID.test(first) && second !== undefined)
    return MID.test(second) || BID.test(second) ? second : undefined;
  return undefined;
}

/** The creator's numeric uid a user's id or profile URL names, or undefined. */
export function parseWeiboCreator(input: string): string | undefined {
  const value = input.trim();
  if (UID.test(value)) return value;
  const url = tryWeiboUrl(value);
  if (url === undefined) return undefined;
  const [first, second] = url.pathname.split("/").filter(Boolean);
  if ((first === "u" || first === "profile") && second !== undefined && UID.test(second)) return second;
  if (first !== undefined && UID.test(first) && second === undefined) return first;
  return undefined;
}

function tryWeiboUrl(value: string): URL | undefined {
  if (!/^https?:\/\//i.test(value)) return undefined;
  try {
    const url = new URL(value);
    return /(^|\.)weibo\.(cn|com)$/.test(url.hostname) ? url : undefined;
  } catch {
    return undefined;
  }
}
