/**
 * What makes a value a platform's short link, and what its redirect names (browser-free:
 * the task schema uses it; resolving is shortLinks.ts, in the crawler).
 */
export interface ShortLinkRule {
  /** Hosts whose links are short links, e.g. ["v.douyin.com"]. */
  hosts: readonly string[];
  /** The base-URL key (media/baseUrls.ts) the short-link host is reached at: "short". */
  baseKey: string;
  /** The post a redirect target names, in the form the platform's detail input takes; undefined when it names none. */
  postOf(target: string): string | undefined;
}

/** Whether `value` is a short link of `rule` (http or https, one of its hosts). */
export function isShortLink(value: string, rule: Pick<ShortLinkRule, "hosts">): boolean {
  try {
    const url = new URL(value.trim());
    return (url.protocol === "https:" || url.protocol === "http:") && rule.hosts.includes(url.hostname.toLowerCase());
  } catch {
    return false;
  }
}
