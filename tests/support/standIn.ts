import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The HTTP plumbing of a site stand-in on 127.0.0.1 (tests/fixtures/<platform>/server.ts):
 * a server, a log of every request with the cookies the browser sent, and answer
 * helpers. What a stand-in answers is up to its `handle`.
 */

export interface StandInRequest {
  method: string;
  /** Pathname only. */
  path: string;
  /** Query parameters. */
  query: Record<string, string>;
  /** The raw query string without "?", as sent (signatures are computed over it). */
  search: string;
  /** Raw request body ("" for GET). */
  body: string;
  /** Cookies the browser sent, by name. */
  cookies: Record<string, string>;
  /** Request headers, lower-case names (request signatures such as zhihu's x-zse-96 travel in them). */
  headers: IncomingHttpHeaders;
}

export interface StandInServer {
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** Every request, in arrival order (clear with `requests.length = 0`). */
  requests: StandInRequest[];
  close(): Promise<void>;
}

export type StandInHandler = (request: StandInRequest, response: ServerResponse) => void | Promise<void>;

export async function startStandInServer(handle: StandInHandler): Promise<StandInServer> {
  const requests: StandInRequest[] = [];
  const server = createServer((incoming, response) => {
    void (async () => {
      const url = new URL(incoming.url ?? "/", "http://stand-in");
      const request: StandInRequest = {
        method: incoming.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        search: url.search.slice(1),
        body: incoming.method === "POST" ? await readBody(incoming) : "",
        cookies: parseCookies(incoming.headers.cookie),
        headers: incoming.headers,
      };
      requests.push(request);
      await handle(request, response);
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(response: ServerResponse, body: unknown, status = 200): void {
  response
    .writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" })
    .end(JSON.stringify(body));
}

/** An answer with nothing in it, as sites send to a blocked account. */
export function sendEmpty(response: ServerResponse, status = 200): void {
  response
    .writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": "0",
      "cache-control": "no-store",
    })
    .end();
}

export function sendHtml(response: ServerResponse, body: string, status = 200): void {
  response.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(body);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index > 0) cookies[part.slice(0, index).trim()] = part.slice(index + 1).trim();
  }
  return cookies;
}
