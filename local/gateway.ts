/**
 * A local stand-in for an API Gateway HTTP API with one `$default` route to a Lambda
 * function: each HTTP request becomes a payload-format-2.0 event for the handler it is
 * given, called in-process, and the handler's result becomes the HTTP response.
 *
 * Like API Gateway it caps request bodies (10 MiB), gives up on a handler after 30 s, and
 * never shows a stack: a handler that throws or answers nonsense yields a 500 envelope.
 *
 * Unlike API Gateway it runs on the user's own machine, where any web page the user opens
 * can send it requests. So before anything else it answers only its own names (`Host`:
 * 127.0.0.1, localhost or [::1] with its port, and `allowedHosts`; anything else, such as a
 * name rebound to 127.0.0.1 by a hostile page, gets 421), refuses a state-changing request
 * whose `Origin` is not its own (403), and checks the API key from the headers
 * (`authorize`) and a declared body size before reading a byte of the body.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from "aws-lambda";
import { createLambdaContext } from "./lambda.js";
import { closeServer, listen } from "./servers.js";

/** The API function, as Lambda would call it. */
export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2 | unknown>;

export interface GatewayOptions {
  /** Called once per request. */
  handler: ApiHandler;
  /** @default "127.0.0.1" */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** Larger bodies get 413 before the handler runs (API Gateway's limit). @default 10 MiB */
  maxBodyBytes?: number;
  /** The handler's answer is awaited this long, then the client gets 504. @default 30_000 */
  timeoutMs?: number;
  /** Name in the fake Lambda context. @default "api" */
  functionName?: string;
  /** Where a line about a handler failure goes. @default console.error */
  log?: (line: string) => void;
  /**
   * Answers GET and HEAD requests before the handler is called (the dashboard's files,
   * local/dashboard.ts); undefined passes the request on to the handler. On AWS the
   * dashboard is a separate static site, so the API function never sees these paths.
   */
  staticFiles?: (path: string) => Promise<HttpAnswer | undefined>;
  /**
   * Answers a request before the API key check when it is one of the stack's signed media
   * links (local/mediaRoute.ts: the signature is the permission); false passes it on.
   */
  signedFiles?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** `Host` values answered besides 127.0.0.1, localhost and [::1] with the port: `name` (with the gateway's port) or `name:port`. @default [] */
  allowedHosts?: readonly string[];
  /**
   * Looks at a request's method, path and lower-cased headers before its body is read; an
   * answer refuses it (the API key check: an unauthenticated caller never gets to send a body).
   */
  authorize?: (request: { method: string; path: string; headers: Record<string, string> }) => HttpAnswer | undefined;
}

export interface RunningGateway {
  /** e.g. http://127.0.0.1:8888 */
  url: string;
  port: number;
  /** Stops accepting connections, lets requests in flight finish for up to `graceMs`, then drops them. */
  close(graceMs?: number): Promise<void>;
}

const defaults = {
  host: "127.0.0.1",
  port: 0,
  maxBodyBytes: 10 * 1024 * 1024,
  timeoutMs: 30_000,
  functionName: "api",
  log: (line: string) => console.error(line),
} satisfies Omit<Required<GatewayOptions>, "handler" | "staticFiles" | "allowedHosts" | "authorize" | "signedFiles">;

const TEXT_CONTENT_TYPE =
  /^(text\/|application\/([\w.+-]+\+)?(json|xml|javascript|graphql)\b|application\/x-www-form-urlencoded\b)/i;
const utf8 = new TextDecoder("utf-8", { fatal: true });

class BodyTooLargeError extends Error {
  /** "drained": the body was read to its end; "drop": the connection must be closed. */
  constructor(readonly state: "drained" | "drop") {
    super("request body too large");
  }
}

/** API Gateway's `time` format: `12/Mar/2020:19:03:58 +0000`. */
function gatewayTime(date: Date): string {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/**
 * Reads the whole body. Past `maxBytes` it keeps reading but discards, so the client can
 * finish sending and then read the 413; past `discardBytes` it gives up on the connection.
 */
function readBody(req: IncomingMessage, maxBytes: number, discardBytes = 10 * maxBytes): Promise<Buffer> {
  // A body declared too large is refused before it is sent; only an undeclared (chunked) one is read to find out.
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(new BodyTooLargeError("drop"));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else if (size > discardBytes) reject(new BodyTooLargeError("drop"));
      else chunks.length = 0;
    });
    req.on("end", () => (size > maxBytes ? reject(new BodyTooLargeError("drained")) : resolve(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

/** Turns one HTTP request (and its complete body) into an HTTP API payload 2.0 event. */
export function toApiEvent(req: IncomingMessage, body: Buffer, now = new Date()): APIGatewayProxyEventV2 {
  const rawUrl = req.url ?? "/";
  const queryAt = rawUrl.indexOf("?");
  const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? "" : rawUrl.slice(queryAt + 1);

  // Maps, not objects, while collecting: a header or parameter named __proto__ must stay data.
  const headerMap = new Map<string, string>();
  let cookies: string[] | undefined;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1] ?? "";
    if (name === "cookie") {
      cookies = [
        ...(cookies ?? []),
        ...value
          .split(";")
          .map((c) => c.trim())
          .filter(Boolean),
      ];
      continue;
    }
    const previous = headerMap.get(name);
    headerMap.set(name, previous === undefined ? value : `${previous},${value}`);
  }
  const headers: Record<string, string> = Object.fromEntries(headerMap);

  let queryStringParameters: Record<string, string> | undefined;
  if (rawQueryString !== "") {
    const params = new Map<string, string>();
    for (const [key, value] of new URLSearchParams(rawQueryString)) {
      const previous = params.get(key);
      params.set(key, previous === undefined ? value : `${previous},${value}`);
    }
    queryStringParameters = Object.fromEntries(params);
  }

  const host = headerMap.get("host") ?? `${req.socket.localAddress}:${req.socket.localPort}`;
  const event: APIGatewayProxyEventV2 = {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: host,
      domainPrefix: host.split(".")[0] ?? host,
      http: {
        method: req.method ?? "GET",
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.socket.remoteAddress ?? "").replace(/^::ffff:/, ""),
        userAgent: headerMap.get("user-agent") ?? "",
      },
      requestId: randomBytes(12).toString("base64url"),
      routeKey: "$default",
      stage: "$default",
      time: gatewayTime(now),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (cookies) event.cookies = cookies;
  if (queryStringParameters) event.queryStringParameters = queryStringParameters;
  if (body.length > 0) {
    const text = TEXT_CONTENT_TYPE.test(headerMap.get("content-type") ?? "") ? decodeUtf8(body) : undefined;
    event.body = text ?? body.toString("base64");
    event.isBase64Encoded = text === undefined;
  }
  return event;
}

function decodeUtf8(body: Buffer): string | undefined {
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

function envelope(statusCode: number, message: string, extraHeaders: Record<string, string> = {}): HttpAnswer {
  return {
    statusCode,
    headers: { "content-type": "application/json; charset=utf-8", ...extraHeaders },
    body: Buffer.from(JSON.stringify({ code: statusCode, message, data: null })),
  };
}

/** Reads a handler result the way API Gateway reads payload 2.0 responses; throws if it cannot. */
export function toHttpAnswer(result: unknown): HttpAnswer {
  const structured = typeof result === "object" && result !== null && "statusCode" in result;
  if (!structured) {
    // No statusCode: API Gateway assumes 200 and JSON, and sends a string as it is.
    const body = typeof result === "string" ? result : JSON.stringify(result ?? null);
    return { statusCode: 200, headers: { "content-type": "application/json" }, body: Buffer.from(body) };
  }
  const r = result as Record<string, unknown>;
  const statusCode = r.statusCode;
  if (typeof statusCode !== "number" || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new Error(`handler returned an invalid statusCode: ${String(statusCode)}`);
  }
  if (r.body !== undefined && typeof r.body !== "string")
    throw new Error("handler returned a body that is not a string");
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries((r.headers ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
  }
  if (Array.isArray(r.cookies) && r.cookies.length > 0) headers["set-cookie"] = r.cookies.map(String);
  const text = (r.body as string | undefined) ?? "";
  const body = r.isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text);
  return { statusCode, headers, body };
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  answer: HttpAnswer,
  requestId: string,
  closeAfter = false,
): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | string[]> = { ...answer.headers, "apigw-requestid": requestId };
  delete headers["content-length"];
  delete headers["transfer-encoding"];
  if (closeAfter) headers.connection = "close";
  res.writeHead(answer.statusCode, { ...headers, "content-length": String(answer.body.length) });
  res.end(req.method === "HEAD" ? undefined : answer.body);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
const TIMED_OUT = Symbol("timed out");

/** Methods a page may send cross-origin without changing anything (HTTP's safe methods). */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Starts the gateway; rejects with PortInUseError (from ./servers.js) when the port is taken. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const settings = { ...defaults, ...options };
  const maxMiB = Math.round((settings.maxBodyBytes / 1024 / 1024) * 100) / 100;
  let ownHosts = new Set<string>();

  /** A refusal of what a browser page could abuse (see the top of the file), or undefined. */
  function misdirected(req: IncomingMessage): HttpAnswer | undefined {
    const host = (req.headers.host ?? "").toLowerCase();
    if (!ownHosts.has(host)) {
      return envelope(
        421,
        `host: this API answers as ${[...ownHosts][0]}, not ${JSON.stringify(host.slice(0, 100))} (ALLOWED_HOSTS adds names)`,
      );
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !SAFE_METHODS.has(req.method ?? "GET")) {
      let originHost: string | undefined;
      try {
        const url = new URL(origin);
        originHost = url.protocol === "http:" ? url.host.toLowerCase() : undefined;
      } catch {
        originHost = undefined;
      }
      if (
        originHost === undefined ||
        !ownHosts.has(originHost.includes(":") && !originHost.endsWith("]") ? originHost : `${originHost}:80`)
      ) {
        return envelope(
          403,
          `origin: ${JSON.stringify(origin.slice(0, 100))} may not change anything here; only pages of this API's own origin (the dashboard) may`,
        );
      }
    }
    return undefined;
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusedEarly = misdirected(req);
    if (refusedEarly) return send(req, res, refusedEarly, randomBytes(12).toString("base64url"), true);
    if (settings.signedFiles && (await settings.signedFiles(req, res))) return;
    if (settings.staticFiles && (req.method === "GET" || req.method === "HEAD")) {
      const file = await settings.staticFiles((req.url ?? "/").split("?")[0]!);
      if (file) return send(req, res, file, randomBytes(12).toString("base64url"));
    }
    if (settings.authorize) {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers))
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
      const refused = settings.authorize({
        method: req.method ?? "GET",
        path: (req.url ?? "/").split("?")[0]!,
        headers,
      });
      // Not read into memory: Node discards what is left of the body once the answer is sent
      // (IncomingMessage._dump). Closing instead would reset a client still uploading, which
      // can then lose the answer before reading it (a "lingering close" avoids that, RFC 9112 9.6).
      if (refused) return send(req, res, refused, randomBytes(12).toString("base64url"));
    }
    let body: Buffer;
    try {
      body = await readBody(req, settings.maxBodyBytes);
    } catch (error) {
      const requestId = randomBytes(12).toString("base64url");
      if (error instanceof BodyTooLargeError) {
        const drop = error.state === "drop";
        send(req, res, envelope(413, `request body is larger than ${maxMiB} MiB`), requestId, drop);
        if (drop) res.once("finish", () => req.destroy());
      } else req.destroy();
      return;
    }
    const event = toApiEvent(req, body);
    const requestId = event.requestContext.requestId;
    let answer: HttpAnswer;
    try {
      const context = createLambdaContext({
        functionName: settings.functionName,
        timeoutMs: settings.timeoutMs,
        memoryLimitMb: 1024,
      });
      const result = await withTimeout(
        Promise.resolve().then(() => settings.handler(event, context)),
        settings.timeoutMs,
      );
      if (result === TIMED_OUT) {
        settings.log(
          `gateway: ${event.requestContext.http.method} ${event.rawPath} timed out after ${settings.timeoutMs} ms`,
        );
        answer = envelope(504, `the API did not answer within ${settings.timeoutMs / 1000} s`);
      } else answer = toHttpAnswer(result);
    } catch (error) {
      settings.log(
        `gateway: ${event.requestContext.http.method} ${event.rawPath} failed: ${(error as Error)?.message ?? String(error)}`,
      );
      answer = envelope(500, "internal server error");
    }
    send(req, res, answer, requestId);
  }

  const server: Server = createServer((req, res) => {
    onRequest(req, res).catch(() => {
      if (!res.headersSent) send(req, res, envelope(500, "internal server error"), "-");
      else res.destroy();
    });
  });
  const port = await listen(server, settings.host, settings.port, "API");
  const withPort = (entry: string) =>
    (entry.startsWith("[") ? /\]:\d+$/ : /:\d+$/).test(entry) ? entry : `${entry}:${port}`;
  ownHosts = new Set([
    `127.0.0.1:${port}`,
    `localhost:${port}`,
    `[::1]:${port}`,
    ...(settings.allowedHosts ?? []).map((h) => withPort(h.toLowerCase())),
  ]);
  const hostInUrl = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
  return {
    url: `http://${hostInUrl}:${port}`,
    port,
    async close(graceMs = 1000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => void closeServer(server), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
