import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { EgressRecord } from "./egressRecords.js";
import { BlockedTargetError } from "./errors.js";

/** What the egress proxy says on the wire: its own answers and which headers it forwards. */

/** Marks the proxy's own 403 (refused by the policy); a fixed value, the reason is in the records. */
export const EGRESS_BLOCKED_HEADER = "x-egress-blocked";
/** Marks the proxy's own 502 (allowed, but not resolvable or reachable); a fixed value too. */
export const EGRESS_ERROR_HEADER = "x-egress-error";

/** Headers that belong to one hop (client↔proxy or proxy↔server), never forwarded. */
const HOP_BY_HOP = new Set([
  "connection",
  "proxy-connection",
  "keep-alive",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * What the browser — and so the page's own scripts — is told: a status and a fixed word,
 * never the resolved address, the network error or the upstream proxy (a page could read
 * them and learn about the network it runs in). The details stay in the proxy's records.
 */
const ANSWERS = {
  blocked: { status: 403, statusText: "Forbidden", header: EGRESS_BLOCKED_HEADER, value: "refused by egress policy" },
  failed: { status: 502, statusText: "Bad Gateway", header: EGRESS_ERROR_HEADER, value: "target unreachable" },
} as const;

export function answerHttp(response: ServerResponse, kind: EgressRecord["kind"]): void {
  const answer = ANSWERS[kind];
  response.writeHead(answer.status, {
    "content-type": "text/plain",
    "cache-control": "no-store",
    [answer.header]: answer.value,
  });
  response.end(`egress proxy: ${answer.value}\n`);
}

export function answerTunnel(client: Duplex, kind: EgressRecord["kind"]): void {
  const answer = ANSWERS[kind];
  client.end(
    `HTTP/1.1 ${answer.status} ${answer.statusText}\r\n${answer.header}: ${answer.value}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
  );
}

export function connectTimeout(): Error {
  return Object.assign(new Error("connect timed out"), { code: "ETIMEDOUT" });
}

export function endToEndHeaders(headers: IncomingMessage["headers"]): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  }
  return kept;
}

export function endToEndRawHeaders(raw: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? "";
    if (!HOP_BY_HOP.has(name.toLowerCase())) kept.push(name, raw[i + 1] ?? "");
  }
  return kept;
}

export function errorText(error: unknown): string {
  if (error instanceof BlockedTargetError) return error.message;
  const code = (error as NodeJS.ErrnoException)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
}
