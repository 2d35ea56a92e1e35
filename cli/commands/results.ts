/**
 * `tasks results <ID>`: every result page, in order, as one file on stdout or --out, one
 * page in memory at a time. csv/jsonl pages arrive as raw continuations of one file (header
 * and BOM on the first page only, next cursor in `x-next-cursor`), so they are written as
 * they come; json pages arrive as envelopes and are joined into one array.
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { MC_ITEM_TYPES, type McItemType, mcFileName } from "../../core/results/mediacrawler/layout.js";
import { mcJsonArrayEnd, mcJsonArrayEntry } from "../../core/results/mediacrawler/pythonJson.js";
import type { CrawlTasksClient } from "../../sdk/typescript/src/index.js";
import { choiceOption, flag, integerOption, stringValue } from "../args.js";
import type { Command } from "../command.js";
import { EXIT, NetworkError, UsageError } from "../errors.js";

const FORMATS = ["csv", "jsonl", "json"] as const;
export type ResultFormat = (typeof FORMATS)[number];
const LAYOUTS = ["ours", "mediacrawler"] as const;

/** The API's largest page: fewest round trips. */
const DEFAULT_PAGE_SIZE = 1000;

export const resultsCommand: Command = {
  name: "results",
  summary: "write all of a task's results as csv, jsonl or json",
  usage: "<TASK_ID> --format csv|jsonl|json [--bom] [--out FILE] [--page-size N] [--layout mediacrawler [--dir DIR]]",
  options: {
    format: { type: "string", value: "F", description: "csv, jsonl or json (default jsonl)" },
    bom: { type: "boolean", description: "csv, jsonl: start with a UTF-8 byte-order mark (so Excel reads UTF-8)" },
    layout: {
      type: "string",
      value: "L",
      description:
        "ours (default) or mediacrawler: MediaCrawler's three files (contents, comments, creators), named as it names them, in --dir",
    },
    dir: {
      type: "string",
      value: "DIR",
      description: "--layout mediacrawler: the directory to write into (default .)",
    },
    out: {
      type: "string",
      value: "FILE",
      description: "write to FILE (replaced only once complete) instead of stdout",
    },
    "page-size": { type: "string", value: "N", description: "results per request (1-1000, default 1000)" },
  },
  args: { names: ["TASK_ID"] },
  async run({ values, args, client, out }) {
    const format = choiceOption(values, "format", FORMATS) ?? "jsonl";
    const pageSize = integerOption(values, "page-size") ?? DEFAULT_PAGE_SIZE;
    const target = stringValue(values, "out");
    if (flag(values, "bom") && format === "json") throw new UsageError("--bom: only with --format csv or jsonl");
    const layout = choiceOption(values, "layout", LAYOUTS) ?? "ours";
    const dir = stringValue(values, "dir");
    if (layout === "mediacrawler") {
      if (target !== undefined)
        throw new UsageError("--out: not with --layout mediacrawler (it writes three files: --dir)");
      const directory = dir ?? ".";
      const written = await exportMediaCrawlerFiles(
        client(),
        args[0]!,
        { format, pageSize, bom: flag(values, "bom") },
        directory,
      );
      for (const file of written) out.note(`wrote ${file.pages} page(s), ${file.bytes} bytes to ${file.path}`);
      return EXIT.ok;
    }
    if (dir !== undefined) throw new UsageError("--dir: only with --layout mediacrawler");
    const options = { format, pageSize, bom: flag(values, "bom") };
    if (target === undefined) {
      await exportResults(client(), args[0]!, options, out.streams.stdout);
      return EXIT.ok;
    }
    // A half-written export never replaces a good file: write beside it, then rename.
    const partial = `${target}.partial`;
    const file = createWriteStream(partial);
    try {
      const stats = await exportResults(client(), args[0]!, options, file);
      file.end();
      await once(file, "finish");
      await rename(partial, target);
      out.note(`wrote ${stats.pages} page(s), ${stats.bytes} bytes to ${target}`);
    } catch (error) {
      file.destroy();
      await rm(partial, { force: true });
      throw error;
    }
    return EXIT.ok;
  },
};

export interface ExportOptions {
  format: ResultFormat;
  pageSize: number;
  bom: boolean;
  /** layout=mediacrawler: which of its files (the API answers that file's records only). */
  mediaCrawlerFile?: McItemType;
}

/** Writes, waiting whenever the destination asks to (a slow pipe or disk): memory stays bounded. */
async function write(destination: NodeJS.WritableStream, chunk: string | Uint8Array): Promise<number> {
  if (!destination.write(chunk)) await once(destination, "drain");
  return typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
}

export async function exportResults(
  client: CrawlTasksClient,
  taskId: string,
  options: ExportOptions,
  destination: NodeJS.WritableStream,
): Promise<{ pages: number; bytes: number }> {
  const path = `/api/v1/tasks/${encodeURIComponent(taskId)}/results`;
  let cursor: string | undefined;
  let pages = 0;
  let bytes = 0;
  let items = 0;
  const mc = options.mediaCrawlerFile;
  // MC's JSON file is an indented array (core/results/mediacrawler/pythonJson.ts), opened by its first record.
  if (options.format === "json" && mc === undefined) bytes += await write(destination, "[");
  do {
    const query = {
      format: options.format,
      limit: options.pageSize,
      cursor,
      // Asked for on the first page only; the API adds the BOM there.
      bom: options.bom && cursor === undefined ? "1" : undefined,
      ...(mc === undefined ? {} : { layout: "mediacrawler", item_type: mc }),
    };
    if (options.format === "json") {
      const page = (
        await client.request<{ items: Record<string, unknown>[]; next_cursor: string | null }>("GET", path, { query })
      ).data;
      for (const item of page.items) {
        const entry =
          mc === undefined ? `${items === 0 ? "\n" : ",\n"}${JSON.stringify(item)}` : mcJsonArrayEntry(item, items);
        items++;
        bytes += await write(destination, entry);
      }
      cursor = page.next_cursor ?? undefined;
    } else {
      const response = await client.requestStream(path, query);
      if (response.body !== null) bytes += await copyBody(response.body, destination);
      cursor = response.headers.get("x-next-cursor") ?? undefined;
    }
    pages++;
  } while (cursor);
  if (options.format === "json") {
    bytes += await write(destination, mc === undefined ? (items === 0 ? "]\n" : "\n]\n") : mcJsonArrayEnd(items));
  }
  return { pages, bytes };
}

/**
 * MediaCrawler's three files of a task (contents, comments, creators) in `directory`, each
 * named as MC names it (`{crawler_type}_{item_type}_{date}.{format}`, the same name the API
 * gives in Content-Disposition) and each written beside its name, then renamed once complete.
 * A web task is the API's 400 naming `layout`.
 */
export async function exportMediaCrawlerFiles(
  client: CrawlTasksClient,
  taskId: string,
  options: Omit<ExportOptions, "mediaCrawlerFile">,
  directory: string,
): Promise<{ path: string; pages: number; bytes: number }[]> {
  const task = await client.getTask(taskId);
  await mkdir(directory, { recursive: true });
  const written: { path: string; pages: number; bytes: number }[] = [];
  for (const itemType of MC_ITEM_TYPES) {
    const path = join(directory, mcFileName(task, itemType, options.format));
    const partial = `${path}.partial`;
    const file = createWriteStream(partial);
    try {
      const stats = await exportResults(client, taskId, { ...options, mediaCrawlerFile: itemType }, file);
      file.end();
      await once(file, "finish");
      await rename(partial, path);
      written.push({ path, ...stats });
    } catch (error) {
      file.destroy();
      await rm(partial, { force: true });
      throw error;
    }
  }
  return written;
}

/** A page's body that stops arriving for this long is given up (the API sends each page whole). */
export const BODY_IDLE_TIMEOUT_MS = 60_000;

/**
 * One raw page into the destination. A connection that breaks mid-page, or goes quiet for
 * `idleTimeoutMs`, is a network error (exit 3), not a crash or a hang.
 */
export async function copyBody(
  body: ReadableStream<Uint8Array>,
  destination: NodeJS.WritableStream,
  idleTimeoutMs = BODY_IDLE_TIMEOUT_MS,
): Promise<number> {
  const reader = body.getReader();
  let bytes = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new NetworkError(`no data from the API for ${Math.round(idleTimeoutMs / 1000)} s while reading results`),
          ),
        idleTimeoutMs,
      );
    });
    try {
      next = await Promise.race([reader.read(), idle]);
    } catch (error) {
      void reader.cancel().catch(() => undefined);
      if (error instanceof NetworkError) throw error;
      throw new NetworkError(
        `the connection broke while reading results: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
    if (next.done) return bytes;
    bytes += await write(destination, next.value);
  }
}
