import type { PlatformName } from "../platforms/types.js";

/**
 * The key a fetch is limited under. Web fetches are limited per host name
 * (`host:example.com`: the port is ignored, `www.example.com` is another host); a media
 * platform is one service behind many host names, so all its fetches share
 * `platform:<name>`.
 *
 * @example
 * limitKeyFor("web", "https://Example.com:8443/a") // "host:example.com"
 * limitKeyFor("xhs", "https://edith.xiaohongshu.com/api") // "platform:xhs"
 */
export function limitKeyFor(platform: PlatformName, url: string): string {
  if (platform !== "web") return `platform:${platform}`;
  try {
    return `host:${new URL(url).hostname}`;
  } catch {
    // Not a URL (the crawler only fetches normalised ones): limit it under its own text.
    return `host:${url.toLowerCase()}`;
  }
}
