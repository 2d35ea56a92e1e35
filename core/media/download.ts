import { createHash } from "node:crypto";
import type { EgressPolicy } from "../net/addressPolicy.js";
import { BlockedTargetError } from "../net/errors.js";
import { FetchTimeoutError, safeFetch } from "../net/safeFetch.js";
import { parseUpstreamProxy } from "../net/upstreamProxy.js";
import type { ResolveHost } from "../net/resolveTarget.js";
import { declaredMediaKind, sniffMedia } from "./sniff.js";
import type { MediaSource } from "./sources.js";
import { mediaFileKey, taskMediaPrefix, type MediaStore } from "./store.js";

/** One stored file, as the item records it (`media_files`); its link is added on read (links.ts). */
export interface MediaFileEntry {
  key: string;
  content_type: string;
  bytes: number;
  sha256: string;
  source_url: string;
}

/** A file that was not stored (`media_errors`): the post itself is kept. */
export interface MediaFileError {
  source_url: string;
  code: MediaErrorCode;
  message: string;
}

export type MediaErrorCode =
  | "MEDIA_STORE_UNAVAILABLE"
  | "MEDIA_BLOCKED"
  | "MEDIA_FETCH_FAILED"
  | "MEDIA_HTTP_STATUS"
  | "MEDIA_BAD_TYPE"
  | "MEDIA_FILE_TOO_LARGE"
  | "MEDIA_TASK_CAP"
  | "MEDIA_STORE_FAILED";

export interface PostMedia {
  media_files: MediaFileEntry[];
  media_errors: MediaFileError[];
}

export interface TaskMediaDownloaderOptions {
  taskId: string;
  /** Absent: nowhere to keep files (MEDIA_BUCKET unset); every file is recorded as MEDIA_STORE_UNAVAILABLE. */
  store: MediaStore | undefined;
  maxFileBytes: number;
  maxTaskBytes: number;
  /** The task's upstream proxy (its `proxy` or the pool's, see core/crawl/mediaSetup.ts); it may carry credentials. */
  proxy?: string;
  /** @default env ALLOW_PRIVATE_TARGETS */
  policy?: EgressPolicy;
  resolveHost?: ResolveHost;
  /** One file's whole download. @default 60_000 */
  timeoutMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

// Sites serve their CDNs to browsers; a library's default agent is refused by some.
const BROWSER_HEADERS = {
  "user-agent":
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  accept: "image/avif,image/webp,image/*,video/*;q=0.9,*/*;q=0.5",
};

/**
 * Downloads a task's post media into its {@link MediaStore}: each file through the egress
 * policy (safeFetch: every hop resolved and checked, redirects included) and the task's
 * upstream proxy, at most `maxFileBytes` each and `maxTaskBytes` for the task (what earlier
 * deliveries stored counts), kept only when the server says image/* or video/* and the
 * bytes' magic number agrees with what the post said the file is. A file that is refused or
 * fails is an entry of `media_errors` and a log line: the post is stored either way.
 */
export class TaskMediaDownloader {
  readonly #options: TaskMediaDownloaderOptions;
  #usedBytes: number | undefined;

  constructor(options: TaskMediaDownloaderOptions) {
    this.#options = options;
  }

  /** Downloads one post's files, in order; keys `<task>/<itemKey>/<n>.<ext>` with n from 0. */
  async downloadPost(itemKey: string, sources: readonly MediaSource[], signal: AbortSignal): Promise<PostMedia> {
    const result: PostMedia = { media_files: [], media_errors: [] };
    for (const [n, source] of sources.entries()) {
      if (signal.aborted) break;
      const outcome = await this.#downloadOne(itemKey, n, source, signal);
      if ("code" in outcome) {
        result.media_errors.push(outcome);
        this.#options.log?.("media file not stored", {
          item_key: itemKey,
          code: outcome.code,
          message: outcome.message,
        });
      } else result.media_files.push(outcome);
    }
    return result;
  }

  async #downloadOne(
    itemKey: string,
    n: number,
    source: MediaSource,
    signal: AbortSignal,
  ): Promise<MediaFileEntry | MediaFileError> {
    const fail = (code: MediaErrorCode, message: string): MediaFileError => ({
      source_url: source.url,
      code,
      message,
    });
    const { store, maxFileBytes, maxTaskBytes } = this.#options;
    if (store === undefined)
      return fail("MEDIA_STORE_UNAVAILABLE", "this deployment has no media storage (MEDIA_BUCKET)");
    const used = await this.#used(store);
    if (used >= maxTaskBytes)
      return fail(
        "MEDIA_TASK_CAP",
        `the task already stored ${used} bytes of media (MEDIA_MAX_TASK_BYTES ${maxTaskBytes})`,
      );
    let answer: Awaited<ReturnType<typeof safeFetch>>;
    try {
      answer = await safeFetch(source.url, {
        timeoutMs: this.#options.timeoutMs ?? 60_000,
        maxBytes: maxFileBytes,
        headers: BROWSER_HEADERS,
        signal,
        ...(this.#options.policy ? { policy: this.#options.policy } : {}),
        ...(this.#options.resolveHost ? { resolveHost: this.#options.resolveHost } : {}),
        ...(this.#options.proxy ? { upstream: parseUpstreamProxy(this.#options.proxy) } : {}),
      });
    } catch (error) {
      if (error instanceof BlockedTargetError) return fail("MEDIA_BLOCKED", error.message);
      if (error instanceof FetchTimeoutError) return fail("MEDIA_FETCH_FAILED", error.message);
      return fail("MEDIA_FETCH_FAILED", (error as Error)?.message ?? String(error));
    }
    if (answer.status < 200 || answer.status > 299)
      return fail("MEDIA_HTTP_STATUS", `the server answered ${answer.status}`);
    if (answer.truncated)
      return fail("MEDIA_FILE_TOO_LARGE", `the file is larger than ${maxFileBytes} bytes (MEDIA_MAX_FILE_BYTES)`);
    const declared = String(answer.headers["content-type"] ?? "");
    const declaredKind = declaredMediaKind(declared);
    if (declaredKind === undefined)
      return fail("MEDIA_BAD_TYPE", `content-type ${JSON.stringify(declared.slice(0, 100))} is not image/* or video/*`);
    const sniffed = sniffMedia(answer.body);
    if (sniffed === undefined)
      return fail("MEDIA_BAD_TYPE", `the bytes are no known image or video format (content-type said ${declared})`);
    if (sniffed.kind !== declaredKind || sniffed.kind !== source.kind)
      return fail(
        "MEDIA_BAD_TYPE",
        `the bytes are ${sniffed.contentType}; content-type said ${declared}, the post a ${source.kind}`,
      );
    const bytes = answer.body.length;
    if ((this.#usedBytes ?? 0) + bytes > maxTaskBytes)
      return fail("MEDIA_TASK_CAP", `storing ${bytes} more bytes would pass MEDIA_MAX_TASK_BYTES (${maxTaskBytes})`);
    const key = mediaFileKey(this.#options.taskId, itemKey, n, sniffed.ext);
    try {
      await store.put(key, answer.body, sniffed.contentType);
    } catch (error) {
      return fail("MEDIA_STORE_FAILED", (error as Error)?.message ?? String(error));
    }
    this.#usedBytes = (this.#usedBytes ?? 0) + bytes;
    return {
      key,
      content_type: sniffed.contentType,
      bytes,
      sha256: createHash("sha256").update(answer.body).digest("hex"),
      source_url: source.url,
    };
  }

  /** Bytes the task stored so far, earlier deliveries included (read once per delivery). */
  async #used(store: MediaStore): Promise<number> {
    this.#usedBytes ??= await store.bytesUnder(taskMediaPrefix(this.#options.taskId)).catch(() => 0);
    return this.#usedBytes;
  }
}
