/**
 * Hosts of analytics, advertising and session-recording scripts. A crawl reads a page's
 * document; these only cost requests, CPU and time (some keep the network busy for
 * seconds, delaying `networkidle`). Blocked inside Chromium when a task's
 * `block_resources` includes `"tracker"` (the default).
 *
 * Kept short on purpose: hosts that serve nothing a page needs to render. A site that
 * breaks without one of them can be crawled with `block_resources` not listing "tracker".
 */
export const TRACKER_HOSTS = [
  // International
  "google-analytics.com",
  "googletagmanager.com",
  "googlesyndication.com",
  "googleadservices.com",
  "doubleclick.net",
  "connect.facebook.net",
  "hotjar.com",
  "clarity.ms",
  "segment.io",
  "mixpanel.com",
  "amplitude.com",
  "scorecardresearch.com",
  // Common on Chinese sites
  "hm.baidu.com",
  "cnzz.com",
  "umeng.com",
  "mmstat.com",
  "growingio.com",
  "zhugeio.com",
  "sensorsdata.cn",
  "tongji.baidu.com",
] as const;

/** CDP Fetch URL patterns matching each tracker host and its subdomains, over any scheme. */
export function trackerUrlPatterns(hosts: readonly string[] = TRACKER_HOSTS): string[] {
  return hosts.flatMap((host) => [`*://${host}/*`, `*://*.${host}/*`]);
}
