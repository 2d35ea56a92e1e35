import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

/**
 * A small HTTP proxy on 127.0.0.1 standing in for a task's upstream proxy: plain HTTP in
 * absolute form and CONNECT tunnels, with Basic credentials checked (407 otherwise), and
 * every request it forwarded counted — so a test can tell whether the egress proxy sent a
 * page through it.
 *
 * @example
 * const upstream = await startUpstreamProxy({ username: "u", password: "p" });
 * try { ...newTaskContext({ upstreamProxy: upstream.url })...; expect(upstream.forwarded).toHaveLength(1); }
 * finally { await upstream.close(); }
 */
export interface UpstreamProxyStandIn {
  /** `http://user:pass@127.0.0.1:<port>` (credentials percent-encoded). */
  url: string;
  /** `http://127.0.0.1:<port>`, without credentials. */
  bareUrl: string;
  /** What it forwarded: the absolute URL (plain HTTP) or `CONNECT host:port`. */
  forwarded: string[];
  /** Requests refused with 407 (missing or wrong credentials). */
  refused: string[];
  close(): Promise<void>;
}

export async function startUpstreamProxy(
  credentials: { username: string; password: string } = { username: "proxy-user", password: "proxy-pass" },
): Promise<UpstreamProxyStandIn> {
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
  const forwarded: string[] = [];
  const refused: string[] = [];
  const sockets = new Set<Duplex>();
  const authorized = (request: IncomingMessage, what: string) => {
    if (request.headers["proxy-authorization"] === expected) return true;
    refused.push(what);
    return false;
  };

  const server: Server = createServer((request, response) => {
    const target = request.url ?? "";
    if (!authorized(request, target))
      return void response.writeHead(407, { "proxy-authenticate": 'Basic realm="stand-in"' }).end();
    forwarded.push(target);
    const url = new URL(target);
    const { "proxy-authorization": _auth, "proxy-connection": _pc, ...headers } = request.headers;
    const outgoing = httpRequest(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: request.method, headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    outgoing.on("error", () => response.writeHead(502).end());
    request.pipe(outgoing);
  });
  server.on("connect", (request: IncomingMessage, client: Duplex, head: Buffer) => {
    const authority = request.url ?? "";
    sockets.add(client);
    client.on("error", () => undefined);
    if (!authorized(request, `CONNECT ${authority}`))
      return void client.end("HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n");
    forwarded.push(`CONNECT ${authority}`);
    const [host, port] = [
      authority.slice(0, authority.lastIndexOf(":")),
      Number(authority.slice(authority.lastIndexOf(":") + 1)),
    ];
    const target = connect({ host, port }, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) target.write(head);
      target.pipe(client);
      client.pipe(target);
    });
    sockets.add(target);
    target.on("error", () => client.destroy());
    target.on("close", () => client.destroy());
    client.on("close", () => target.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const userinfo = `${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}`;
  return {
    url: `http://${userinfo}@127.0.0.1:${port}`,
    bareUrl: `http://127.0.0.1:${port}`,
    forwarded,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
