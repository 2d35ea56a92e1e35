import { gunzipSync, gzipSync } from "node:zlib";
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { callDependency } from "../aws/dependency.js";
import { ValidationError } from "../errors.js";
import type { UrlListRef } from "./urlListRef.js";

/**
 * Long URL lists (a web `detail` task of up to 10,000 URLs) are stored beside the task, not
 * in it, so the task item stays small whatever the list: readable in the console, cheap to
 * read and update on every progress write, far from DynamoDB's 400 KB item limit.
 *
 * A list is gzipped JSON cut into pieces of at most {@link PIECE_BYTES}, each an item of the
 * tasks table keyed `urls#<list id>#<n>` (like `<task>#checkpoint`, outside every index, so
 * task listings never see them). The list is written before the task: a task never points
 * at a list that is not there. The task carries a {@link UrlListRef}: the list's id, its
 * size, the URLs per host (most first) and the first few URLs.
 */

/** Up to this many URLs stay in the task's own `urls`; longer lists are stored apart. */
export const INLINE_URL_LIMIT = 100;
/** Bytes of gzipped list per item (under DynamoDB's 400 KB with room for the key). */
const PIECE_BYTES = 350 * 1024;
/** A list longer than this, gzipped, is refused (a body of 4 MiB of URLs gzips to far less). */
const MAX_PIECES = 12;
/** Hosts listed by name in a list's `hosts` (./urlListRef.ts); the others are summed under {@link OTHER_HOSTS}. */
export const NAMED_HOSTS = 100;
export const OTHER_HOSTS = "(other hosts)";

export { isUrlListRef, type UrlListRef } from "./urlListRef.js";

/** A stored list lost a piece: it will not come back, so the task cannot run. */
export class UrlListMissingError extends Error {
  override name = "UrlListMissingError";
}

export interface UrlListStore {
  /** Stores `urls` under `id` (the task's id, or one derived from its Idempotency-Key); saving again overwrites. */
  save(urls: readonly string[], id: string): Promise<UrlListRef>;
  load(ref: UrlListRef): Promise<string[]>;
  /** Deletes the list's pieces (a deleted task's). */
  remove(ref: UrlListRef): Promise<void>;
}

export class DynamoUrlListStore implements UrlListStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** @throws {ValidationError} (field `urls`) when the list is too long even gzipped. */
  async save(urls: readonly string[], id: string): Promise<UrlListRef> {
    const blob = gzipSync(Buffer.from(JSON.stringify(urls), "utf8"));
    const pieces = Math.ceil(blob.byteLength / PIECE_BYTES);
    if (pieces > MAX_PIECES)
      throw new ValidationError(
        `urls: the list is too long to store (${blob.byteLength} bytes gzipped; at most ${MAX_PIECES * PIECE_BYTES})`,
        "urls",
      );
    for (let n = 0; n < pieces; n++) {
      const piece = blob.subarray(n * PIECE_BYTES, (n + 1) * PIECE_BYTES);
      await callDependency("tasks_table", () =>
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { task_id: pieceKey(id, n), kind: "url_list", piece, count: urls.length },
          }),
        ),
      );
    }
    return { id, count: urls.length, pieces, hosts: hostCounts(urls), preview: urls.slice(0, 5) };
  }

  async load(ref: UrlListRef): Promise<string[]> {
    const pieces: Buffer[] = [];
    for (let n = 0; n < ref.pieces; n++) {
      const result = await callDependency("tasks_table", () =>
        this.doc.send(
          new GetCommand({ TableName: this.tableName, Key: { task_id: pieceKey(ref.id, n) }, ConsistentRead: true }),
        ),
      );
      const piece = result.Item?.piece as Uint8Array | undefined;
      if (piece === undefined)
        throw new UrlListMissingError(`URL list ${ref.id} is missing piece ${n} of ${ref.pieces}`);
      pieces.push(Buffer.from(piece));
    }
    return JSON.parse(gunzipSync(Buffer.concat(pieces)).toString("utf8")) as string[];
  }

  async remove(ref: UrlListRef): Promise<void> {
    for (let n = 0; n < ref.pieces; n++) {
      await callDependency("tasks_table", () =>
        this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { task_id: pieceKey(ref.id, n) } })),
      );
    }
  }
}

function pieceKey(id: string, n: number): string {
  return `urls#${id}#${n}`;
}

/** The keys of a stored list's items in the tasks table (the store gives them its task's TTL). */
export function urlListPieceKeys(ref: UrlListRef): string[] {
  return Array.from({ length: ref.pieces }, (_, n) => pieceKey(ref.id, n));
}

/** URLs per host, most first, the long tail summed under "(other hosts)". */
export function hostCounts(urls: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const url of urls) {
    const host = hostOf(url);
    counts.set(host, (counts.get(host) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const named = Object.fromEntries(sorted.slice(0, NAMED_HOSTS));
  const rest = sorted.slice(NAMED_HOSTS).reduce((sum, [, count]) => sum + count, 0);
  return rest > 0 ? { ...named, [OTHER_HOSTS]: rest } : named;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return OTHER_HOSTS;
  }
}
