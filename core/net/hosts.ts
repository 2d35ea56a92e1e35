/** How the egress guard's parts spell hosts and ports. Pure functions, no I/O. */

/** A host without the brackets URLs put around IPv6 addresses: `[::1]` → `::1`. */
export function bareHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, "$1");
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { "http:": 80, "ws:": 80, "https:": 443, "wss:": 443 };

/** The port a URL connects to: its own, else its scheme's default; undefined for other schemes. */
export function portOfUrl(url: URL): number | undefined {
  return url.port === "" ? DEFAULT_PORTS[url.protocol] : Number(url.port);
}
