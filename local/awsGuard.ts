/**
 * The door in front of the embedded DynamoDB-API and SQS-API servers. They accept any
 * request, and a web page in the user's own browser can send them some (a form POST, a
 * fetch with no-cors): without a door, the stack's data and queue are open to every page
 * and, with HOST=0.0.0.0, to the network, whatever the API key says.
 *
 * The door takes only what the stack's own AWS SDK clients send:
 * - a `Host` of the loopback address and port it listens on (so a DNS-rebound name fails);
 * - no `Origin` and no `Sec-Fetch-*` headers: browsers add them, the SDK does not;
 * - a SigV4 signature made with the credentials this start generated (`credentials`),
 *   verified with the SDK's own signer over the headers the request says it signed, and an
 *   `X-Amz-Date` within 15 minutes, as AWS checks them.
 * Everything else gets a 403 with no CORS headers, so a page cannot even read the refusal.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { SignatureV4 } from "@smithy/signature-v4";
import { closeServer, listen } from "./servers.js";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Fresh credentials for one start of the stack. */
export function generateCredentials(): AwsCredentials {
  return {
    accessKeyId: `LOCAL${randomBytes(8).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64url"),
  };
}

/** node:crypto in the shape the SDK's signer wants (a Checksum constructor, HMAC when given a secret). */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData) =>
  typeof data === "string"
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
class Sha256 {
  readonly #hash;
  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: SourceData): void {
    this.#hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.#hash.digest();
  }
  reset(): void {
    throw new Error("not used");
  }
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const MAX_CLOCK_SKEW_MS = 15 * 60_000;

/** Why a request is refused, or undefined when it carries a valid signature by `credentials`. */
export async function refusal(
  req: { method: string; url: string; headers: IncomingHttpHeaders },
  body: Buffer,
  credentials: AwsCredentials,
  allowedHosts: readonly string[],
): Promise<string | undefined> {
  const host = String(req.headers.host ?? "");
  if (!allowedHosts.includes(host)) return `Host ${JSON.stringify(host.slice(0, 100))} is not this server`;
  if (req.headers.origin !== undefined || Object.keys(req.headers).some((name) => name.startsWith("sec-fetch-")))
    return "browser requests are refused";
  const match = AUTHORIZATION.exec(String(req.headers.authorization ?? ""));
  if (match === null) return "no SigV4 signature";
  const [, accessKeyId, , region, service, signedHeaderList, signature] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (accessKeyId !== credentials.accessKeyId) return "unknown access key";
  const amzDate = String(req.headers["x-amz-date"] ?? "");
  const signedAt = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (signedAt === null) return "no X-Amz-Date";
  const date = new Date(
    Date.UTC(+signedAt[1]!, +signedAt[2]! - 1, +signedAt[3]!, +signedAt[4]!, +signedAt[5]!, +signedAt[6]!),
  );
  if (Math.abs(Date.now() - date.getTime()) > MAX_CLOCK_SKEW_MS) return "signature expired";

  const signedHeaders = signedHeaderList.split(";");
  if (!signedHeaders.includes("host")) return "Host is not signed";
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) return `signed header ${name} is missing`;
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const url = new URL(req.url, "http://localhost");
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const previous = query[key];
    query[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  // applyChecksum off: the signer would add and sign x-amz-content-sha256 on its own; the
  // request's SignedHeaders already say whether the client signed it.
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256, applyChecksum: false });
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: "http:",
      hostname: host.replace(/:\d+$/, ""),
      path: decodeURIComponent(url.pathname),
      query,
      headers,
      body,
    },
    { signingDate: date, signableHeaders: new Set(signedHeaders) },
  );
  const expected =
    /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization ?? ""))?.[1] ??
    "";
  const ok = expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
  return ok ? undefined : "signature does not match";
}

export interface GuardedServer {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export interface ForwardingProxyOptions {
  /** Where allowed requests go, e.g. the embedded server's internal endpoint. */
  upstream: string;
  /** @default "127.0.0.1" */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** What the proxy is, for a port-in-use message. */
  what: string;
  /**
   * Undefined lets the request through unchanged (its signature stays valid); an answer
   * refuses it. Gets the whole body, which the proxy reads first.
   */
  check: (
    req: IncomingMessage,
    body: Buffer,
    port: number,
  ) => Promise<{ status: number; headers?: Record<string, string>; body: string } | undefined>;
}

/** A proxy that reads each request, asks `check`, and forwards what passes to `upstream` as it came. */
export async function startForwardingProxy(options: ForwardingProxyOptions): Promise<GuardedServer> {
  const upstream = new URL(options.upstream);
  let port = 0;
  const server: Server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const refused = await options.check(req, body, port);
    if (refused !== undefined) {
      res.writeHead(refused.status, { "content-type": "application/x-amz-json-1.0", ...refused.headers });
      res.end(refused.body);
      return;
    }
    const forwarded = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on("error", () => res.writeHead(502).end());
    forwarded.end(body);
  }
  port = await listen(server, options.host ?? "127.0.0.1", options.port, options.what);
  return { endpoint: `http://127.0.0.1:${port}`, port, close: () => closeServer(server) };
}

/** The door (see the top of this file) in front of `upstream`, on loopback `port`. */
export function startAwsGuard(options: {
  upstream: string;
  port: number;
  what: string;
  credentials: AwsCredentials;
  log?: (line: string) => void;
}): Promise<GuardedServer> {
  return startForwardingProxy({
    upstream: options.upstream,
    port: options.port,
    what: options.what,
    check: async (req, body, port) => {
      const why = await refusal(
        { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers },
        body,
        options.credentials,
        [`127.0.0.1:${port}`, `localhost:${port}`],
      );
      if (why === undefined) return undefined;
      options.log?.(`${options.what}: refused ${req.method} from ${req.socket.remoteAddress}: ${why}`);
      const message = `refused: ${why}. This server takes only the stack's own signed requests (see docs/security.md, "The one-machine stack: who can reach what").`;
      return {
        status: 403,
        headers: { "x-amzn-errortype": "AccessDeniedException" },
        body: JSON.stringify({ __type: "com.amazon.coral.service#AccessDeniedException", message, Message: message }),
      };
    },
  });
}

/** The file under DATA_DIR that holds this start's keys, for `set -a; . <file>; set +a` before the AWS CLI. */
export const AWS_ENV_FILE = "aws.env";

/** Writes {@link AWS_ENV_FILE} (mode 0600) and returns its path. */
export function writeAwsEnvFile(
  dataDir: string,
  credentials: AwsCredentials,
  endpoints: { dynamo: string; sqs: string },
): string {
  const path = join(dataDir, AWS_ENV_FILE);
  const lines = [
    "# The one-machine stack's AWS keys for this start: npm start makes new ones each time.",
    "# The embedded DynamoDB-API and SQS-API servers take only requests signed with them.",
    `# Use: set -a; . ${path}; set +a; aws dynamodb list-tables`,
    `AWS_ACCESS_KEY_ID=${credentials.accessKeyId}`,
    `AWS_SECRET_ACCESS_KEY=${credentials.secretAccessKey}`,
    "AWS_DEFAULT_REGION=us-east-1",
    `AWS_ENDPOINT_URL_DYNAMODB=${endpoints.dynamo}`,
    `AWS_ENDPOINT_URL_SQS=${endpoints.sqs}`,
  ];
  writeFileSync(path, `${lines.join("\n")}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}
