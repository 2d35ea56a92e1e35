import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A tiny site for the stack benchmarks: every path is a small HTML page, served on one or
 * more loopback addresses (127.0.0.1, 127.0.0.2, …: all of 127/8 reaches this machine on
 * Linux). Each address is another host name to the crawler, so its per-host politeness
 * (one page start every 250 ms by default) applies to each separately.
 * It notes when the first request for each path arrived: the crawler's first navigation.
 */

export interface LoopbackSite {
  /** Origins, one per address: `http://127.0.0.<k>:<port>`. */
  origins: string[];
  /** URL of `path` on host number `host` (taken modulo the number of hosts). */
  urlFor(host: number, path: string): string;
  /** Epoch ms at which the first request for `path` (any host) arrived, if it did. */
  firstRequestAt(path: string): number | undefined;
  /** Resolves with that time once the request arrives; rejects after `timeoutMs`. */
  waitForRequest(path: string, timeoutMs: number): Promise<number>;
  /** HTML requests served so far. */
  requests(): number;
  close(): Promise<void>;
}

const page = (path: string): Buffer =>
  Buffer.from(
    `<!doctype html><html><head><title>Bench ${path}</title></head><body><h1>${path}</h1><p>${"Benchmark page. ".repeat(30)}</p></body></html>`,
  );

export async function startLoopbackSite(options: { hosts?: number } = {}): Promise<LoopbackSite> {
  const hosts = options.hosts ?? 1;
  if (hosts < 1 || hosts > 250) throw new Error(`hosts must be 1–250 (got ${hosts})`);
  const firstAt = new Map<string, number>();
  const waiters = new Map<string, Array<(at: number) => void>>();
  let served = 0;

  const servers: Server[] = [];
  const origins: string[] = [];
  for (let k = 1; k <= hosts; k += 1) {
    const server = createServer((request, response) => {
      const arrivedAt = Date.now();
      const path = new URL(request.url ?? "/", "http://x").pathname;
      if (path === "/favicon.ico" || path === "/robots.txt") {
        response.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      served += 1;
      if (!firstAt.has(path)) {
        firstAt.set(path, arrivedAt);
        for (const resolve of waiters.get(path) ?? []) resolve(arrivedAt);
        waiters.delete(path);
      }
      const body = page(path);
      response.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "content-length": body.length,
        "cache-control": "no-store",
      });
      response.end(body);
    });
    const address = `127.0.0.${k}`;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, address, () => resolve());
    });
    servers.push(server);
    origins.push(`http://${address}:${(server.address() as AddressInfo).port}`);
  }

  return {
    origins,
    urlFor: (host, path) => `${origins[host % origins.length]}${path}`,
    firstRequestAt: (path) => firstAt.get(path),
    waitForRequest: (path, timeoutMs) => {
      const seen = firstAt.get(path);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no request for ${path} within ${timeoutMs} ms`)), timeoutMs);
        const list = waiters.get(path) ?? [];
        list.push((at) => {
          clearTimeout(timer);
          resolve(at);
        });
        waiters.set(path, list);
      });
    },
    requests: () => served,
    close: async () => {
      await Promise.all(
        servers.map((server) => {
          server.closeAllConnections();
          return new Promise<void>((resolve) => server.close(() => resolve()));
        }),
      );
    },
  };
}
