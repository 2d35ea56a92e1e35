import type { CrawlContext, ResultItem } from "../types.js";
import { commentSwitchedOn, notesFull } from "./caps.js";
import { PlatformAccessError } from "./errors.js";
import { mediaItemKey } from "./itemKey.js";
import { seenInARowToStop } from "./newestFirst.js";
import { creatorFields, creatorHashSecret } from "./privacy.js";
import { openMediaSession, type MediaSessionOptions, type OwnedMediaSession } from "./session.js";
import { sampleOf, type ProbeTrace } from "./probe.js";
import { toErrorSummary } from "../../errors.js";
import { mediaSourcesOf } from "../../media/sources.js";
import type { MediaCursor, MediaPlatform, MediaRecord, MediaTaskParams } from "./types.js";

/**
 * What a media crawl saves as its checkpoint (see ResultItem.resumeCursor) and gets back
 * as `context.resumeFrom`: the input it was on, the platform's page token to fetch next
 * for that input (null: from the start), and the content records counted before that page.
 */
export interface MediaResumeCursor {
  inputIndex: number;
  page: string | number | null;
  notesDone: number;
}

/**
 * Runs one media task: opens a session (the account's cookies, see session.ts), walks
 * the mode's inputs in order — search: `keywords`, detail: `specified_ids`, creator:
 * `creator_ids` — through the platform's iterator, and turns its records into stored
 * items.
 *
 * The rules every platform gets here, whatever its iterator does:
 * - at most `max_notes_count` content records per keyword / creator (detail: in total);
 * - at most `max_comments_count` comments (top-level plus replies) per post;
 * - comments only with `enable_comments`, replies (records with `parentId`) only with
 *   `enable_sub_comments`;
 * - creator identity hashed and masked unless `keep_user_info` (privacy.ts);
 * - `item_key` = "<platform>:<item_type>:<id>" (creators: the hash instead of the id
 *   unless keep_user_info), so a re-crawl overwrites;
 * - every item carries a resume cursor; a resumed crawl starts at the saved input and
 *   page (pages before it are not yielded again, so their comments are not fetched again);
 * - since_last_run (a schedule's run, `context.sinceLastRun`): a post an earlier run stored
 *   with the same content is not stored again, nor are its comments fetched into the store;
 *   in a newest-first listing (newestFirst.ts) such posts in a row end the input's listing;
 * - cancellation is checked between records; an aborted `context.signal` ends the crawl
 *   quietly (the runner hands over or stops) — a {@link PlatformAccessError} is always thrown.
 *
 * @example
 * for await (const item of crawlMedia(xhsPlatform, params, context)) await results.put(item);
 */
export async function* crawlMedia<Params extends MediaTaskParams>(
  platform: MediaPlatform<Params>,
  params: Params,
  context: CrawlContext,
  options: MediaSessionOptions = {},
): AsyncGenerator<ResultItem, void, undefined> {
  // Fail before opening anything when the hashing key is missing.
  if (!params.keep_user_info) creatorHashSecret();
  let session: OwnedMediaSession | undefined;
  const counts: Record<string, number> = {};
  let failure: unknown;
  try {
    session = await openMediaSession(
      platform as unknown as MediaPlatform,
      context,
      { ...options, probe: params.probe === true },
      platform.editionOf?.(params),
    );
    for await (const item of crawlInputs(platform, params, context, session)) {
      const type = String(item.data.item_type);
      counts[type] = (counts[type] ?? 0) + 1;
      if (counts[type] === 1)
        session.note({
          step: `${params.crawler_type}: ${type} items`,
          kind: "items",
          count: 1,
          sample: sampleOf(item.data),
        });
      yield item;
    }
  } catch (error) {
    // A pause or capture interrupted by the runner's stop: not a failure of the task.
    if (!(context.signal.aborted && !(error instanceof PlatformAccessError))) failure = error;
  } finally {
    await session?.close();
  }
  // The probe's report is stored whatever happened: a failed step is what it is for.
  if (session?.trace !== undefined) yield probeItem(platform, params, session.trace, counts, failure);
  if (failure !== undefined) throw failure;
}

/** The mode's inputs in order, through the platform's iterator, with the caps and switches above. */
async function* crawlInputs<Params extends MediaTaskParams>(
  platform: MediaPlatform<Params>,
  params: Params,
  context: CrawlContext,
  session: OwnedMediaSession,
): AsyncGenerator<ResultItem, void, undefined> {
  const inputs = inputsOf(platform, params);
  const resumed = resumeCursorOf(context.resumeFrom);
  const totalCap = params.crawler_type === "detail";
  let carriedNotes = totalCap ? (resumed?.notesDone ?? 0) : 0;
  for (let index = resumed?.inputIndex ?? 0; index < inputs.length; index++) {
    if (await stopped(context)) return;
    if (totalCap && notesFull({ notesDone: carriedNotes }, params)) return;
    const resuming = resumed !== undefined && index === resumed.inputIndex;
    const cursor = new InputCursor(
      index,
      resuming ? (resumed.page ?? undefined) : undefined,
      resuming ? resumed.notesDone : carriedNotes,
    );
    const records = platform[params.crawler_type](session, params, inputs[index] as string, cursor);
    let commentsOfPost = 0;
    const stopAfterSeen = context.sinceLastRun && seenInARowToStop(platform.name, params, index);
    if (context.sinceLastRun !== undefined && stopAfterSeen === undefined && params.crawler_type === "search")
      context.log("since_last_run: this listing is not newest first; paged to the cap, unchanged posts skipped", {
        input: index,
        sort: params.sort ?? null,
      });
    let seenInARow = 0;
    /** The post these comments belong to was stored unchanged by an earlier run: they are not stored again. */
    let postUnchanged = false;
    for await (const record of records) {
      if (record.item_type === "content") {
        if (notesFull(cursor, params)) break;
        cursor.countNote();
        commentsOfPost = 0;
      } else if (record.item_type === "comment") {
        if (!commentSwitchedOn(params, record)) continue;
        if (postUnchanged) continue;
        if (commentsOfPost >= params.max_comments_count) continue;
        commentsOfPost++;
      }
      const snapshot = cursor.snapshot();
      const item = toResultItem(platform.name, record, params.keep_user_info);
      if (record.item_type === "content" && context.sinceLastRun !== undefined) {
        // Checked before its media is downloaded: an unchanged post's files are not fetched again.
        postUnchanged = await context.sinceLastRun.unchanged(item);
        seenInARow = postUnchanged ? seenInARow + 1 : 0;
        if (postUnchanged) {
          // Newest first: the rest of this input's listing is older still, and stored already.
          if (stopAfterSeen !== undefined && seenInARow >= stopAfterSeen) break;
          if (await stopped(context)) return;
          continue;
        }
      }
      if (params.download_media === true && record.item_type === "content" && record.error === undefined)
        await addPostMedia(item, platform.name, record.fields, context);
      yield { ...item, resumeCursor: () => snapshot };
      if (await stopped(context)) return;
    }
    if (totalCap) carriedNotes = cursor.notesDone;
  }
}

/**
 * With download_media: the post's images and video stored (context.media, see
 * core/media/download.ts) and listed on the item; a file that could not be stored is in
 * `media_errors`, and the post is stored whatever happened to its files.
 */
async function addPostMedia(
  item: ResultItem,
  platform: MediaPlatform["name"],
  fields: Record<string, unknown>,
  context: CrawlContext,
): Promise<void> {
  const sources = mediaSourcesOf(platform, fields);
  if (sources.length === 0) return;
  if (context.media === undefined) {
    item.data.media_files = [];
    item.data.media_errors = sources.map((source) => ({
      source_url: source.url,
      code: "MEDIA_STORE_UNAVAILABLE",
      message: "this crawler has no media storage",
    }));
    return;
  }
  const { media_files, media_errors } = await context.media.downloadPost(item.item_key, sources, context.signal);
  item.data.media_files = media_files;
  if (media_errors.length > 0) item.data.media_errors = media_errors;
}

/** The probe's report as one item (key `<platform>:probe:<mode>`, so a new probe overwrites the last). */
function probeItem(
  definition: MediaPlatform,
  params: MediaTaskParams,
  trace: ProbeTrace,
  counts: Record<string, number>,
  failure: unknown,
): ResultItem {
  const error = failure === undefined ? undefined : toErrorSummary(failure);
  const platform = definition.name;
  return {
    item_key: mediaItemKey(platform, "probe", params.crawler_type),
    ok: error === undefined,
    data: {
      item_type: "probe",
      platform,
      crawled_at: new Date().toISOString(),
      crawler_type: params.crawler_type,
      inputs: inputsOf(definition, params),
      counts,
      steps: trace.steps,
      ...(trace.dropped > 0 ? { steps_dropped: trace.dropped } : {}),
      ...(error ? { error } : {}),
    },
  };
}

/** The run must stop (deadline, shutdown) or the task was cancelled. */
async function stopped(context: CrawlContext): Promise<boolean> {
  return context.signal.aborted || (await context.isCancelled());
}

/** The inputs of the task's mode, in order (a platform may add its own to search: searchInputs). */
function inputsOf(platform: MediaPlatform, params: MediaTaskParams): string[] {
  if (params.crawler_type === "search") return platform.searchInputs?.(params) ?? params.keywords;
  if (params.crawler_type === "detail") return params.specified_ids;
  return params.creator_ids;
}

/** Turns one platform record into a stored item: common fields, privacy, stable key. */
export function toResultItem(platform: MediaPlatform["name"], record: MediaRecord, keepUserInfo: boolean): ResultItem {
  const creator = creatorFields(platform, record.creator, keepUserInfo);
  const data: Record<string, unknown> = {
    item_type: record.item_type,
    platform,
    crawled_at: new Date().toISOString(),
    ...record.fields,
    ...creator,
  };
  // Mapper fields never override what identifies the item.
  data.item_type = record.item_type;
  data.platform = platform;
  if (record.error !== undefined) data.error = record.error;
  const id =
    record.item_type === "creator" && !keepUserInfo
      ? ((creator as { creator_hash: string | null }).creator_hash ?? record.id)
      : record.id;
  return { item_key: mediaItemKey(platform, record.item_type, id), ok: record.error === undefined, data };
}

/** A saved cursor, or undefined when there is none (or it is not one of ours). */
export function resumeCursorOf(value: unknown): MediaResumeCursor | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { inputIndex, page, notesDone } = value as Record<string, unknown>;
  if (!Number.isInteger(inputIndex) || (inputIndex as number) < 0) return undefined;
  const token = typeof page === "string" || typeof page === "number" ? page : null;
  return {
    inputIndex: inputIndex as number,
    page: token,
    notesDone: Number.isInteger(notesDone) ? (notesDone as number) : 0,
  };
}

/** The cursor a platform iterator gets for one input; the framework counts notes into it. */
class InputCursor implements MediaCursor {
  readonly inputIndex: number;
  #page: string | number | undefined;
  #notesDone: number;
  /** Notes counted when the current page started: a resume re-counts that page. */
  #notesAtPage: number;

  constructor(inputIndex: number, page: string | number | undefined, notesDone: number) {
    this.inputIndex = inputIndex;
    this.#page = page;
    this.#notesDone = notesDone;
    this.#notesAtPage = notesDone;
  }

  get page(): string | number | undefined {
    return this.#page;
  }

  get notesDone(): number {
    return this.#notesDone;
  }

  advance(page: string | number | undefined): void {
    this.#page = page;
    this.#notesAtPage = this.#notesDone;
  }

  countNote(): void {
    this.#notesDone++;
  }

  snapshot(): MediaResumeCursor {
    return { inputIndex: this.inputIndex, page: this.#page ?? null, notesDone: this.#notesAtPage };
  }
}
