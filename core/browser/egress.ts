import type { Browser } from "puppeteer-core";
import { EgressProxy, type EgressPolicy } from "../net/index.js";

/**
 * Chromium's network goes through an {@link EgressProxy} started with it (see launch.ts):
 * these flags leave it no other way out, and {@link egressProxyOf} lets a page find the
 * proxy of its browser to report what was refused.
 */

/**
 * - `--proxy-bypass-list=<-loopback>`: without it Chromium connects to localhost and
 *   127.0.0.1 directly, past the proxy.
 * - `--disable-quic`: HTTP/3 is UDP, which an HTTP proxy does not carry.
 * - WebRTC: only proxied (TCP) candidates, no UDP straight to a peer.
 */
export function egressArgs(proxyUrl: string): string[] {
  return [
    `--proxy-server=${proxyUrl}`,
    `--proxy-bypass-list=${LOOPBACK_THROUGH_PROXY}`,
    "--disable-quic",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
  ];
}

/** The bypass rule that takes loopback out of Chromium's implicit bypass list (for the flag and for per-context proxies). */
export const LOOPBACK_THROUGH_PROXY = "<-loopback>";

/** Flags that would route around the proxy; refused in `extraArgs` while the proxy is on. */
const CONFLICTING_FLAGS =
  /^--(proxy-server|proxy-bypass-list|proxy-pac-url|no-proxy-server|proxy-auto-detect|enable-quic)(=|$)/;

export function assertNoProxyOverride(extraArgs: readonly string[]): void {
  const conflict = extraArgs.find((flag) => CONFLICTING_FLAGS.test(flag));
  if (conflict !== undefined)
    throw new TypeError(
      `extraArgs may not contain ${conflict.split("=")[0]} while egress is on; pass egress: false to manage the network yourself`,
    );
}

const proxies = new WeakMap<Browser, EgressProxy>();

/** The egress proxy a browser from launchChromium sends its requests through; undefined with `egress: false`. */
export function egressProxyOf(browser: Browser): EgressProxy | undefined {
  return proxies.get(browser);
}

/** Starts the proxy for a browser about to be launched. */
export function startEgressProxy(policy: EgressPolicy): Promise<EgressProxy> {
  return EgressProxy.start({ policy });
}

/** Ties the proxy's life to the browser's: it closes when the browser disconnects (closed, crashed, killed). */
export function bindEgressProxy(browser: Browser, proxy: EgressProxy): void {
  proxies.set(browser, proxy);
  if (!browser.connected) return void proxy.close();
  browser.once("disconnected", () => void proxy.close());
}

/**
 * Sends the requests of the browser's tasks through an upstream proxy until the returned
 * function is called (undefined: straight to targets). Only for a browser whose tasks take
 * turns (single-process): it is set on the egress proxy every context of the browser uses.
 *
 * @throws {TypeError} for an upstream with a browser launched without egress (`egress: false`).
 * @throws {UpstreamProxyError} for a URL that is not a usable http:// proxy.
 */
export function useUpstreamForTurn(browser: Browser, upstreamProxy: string | undefined): () => void {
  const proxy = proxies.get(browser);
  if (proxy === undefined) {
    if (upstreamProxy !== undefined)
      throw new TypeError("an upstream proxy needs the egress proxy; this browser was launched with egress: false");
    return () => undefined;
  }
  // Set even when undefined: a turn never inherits the previous task's upstream.
  proxy.setUpstream(upstreamProxy);
  return () => proxy.setUpstream(undefined);
}
