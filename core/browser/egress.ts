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
    "--proxy-bypass-list=<-loopback>",
    "--disable-quic",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
  ];
}

/** Flags that would route around the proxy; refused in `extraArgs` while the proxy is on. */
const CONFLICTING_FLAGS = /^--(proxy-server|proxy-bypass-list|proxy-pac-url|no-proxy-server|proxy-auto-detect|enable-quic)(=|$)/;

export function assertNoProxyOverride(extraArgs: readonly string[]): void {
  const conflict = extraArgs.find((flag) => CONFLICTING_FLAGS.test(flag));
  if (conflict !== undefined) throw new TypeError(`extraArgs may not contain ${conflict.split("=")[0]} while egress is on; pass egress: false to manage the network yourself`);
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
