import { afterAll, beforeAll } from "vitest";
import { WarmBrowser } from "../../core/browser/index.js";
import {
  baseUrlEnvName,
  crawlMedia,
  type CrawlAccount,
  type MediaSessionOptions,
} from "../../core/platforms/media/index.js";
import type { MediaPlatform, MediaTaskParams } from "../../core/platforms/media/types.js";
import type { CrawlContext, ResultItem } from "../../core/platforms/types.js";
import { testCrawlContext } from "./crawlContext.js";
import { expectItemsMatchSchemas } from "./itemSchemas.js";

/**
 * The shared harness of the per-platform media tests (tests/integration/platform-*.test.ts):
 * real Chromium (one WarmBrowser for the file) crawling a local stand-in through crawlMedia.
 *
 *   let bili: BiliStandIn;
 *   const { task, run, failure, pointBaseUrls } = mediaHarness({ platform: biliPlatform, schema: biliTaskInput, account: ACCOUNT });
 *   beforeAll(async () => {
 *     bili = await startBiliStandIn();
 *     pointBaseUrls({ WWW: bili.baseUrl, API: bili.baseUrl });
 *   });
 *   afterAll(() => bili?.close());
 *   …
 *   const { items, cursor } = await run(task({ crawler_type: "search", keywords: "原神" }), { stopAfter: 5 });
 *
 * Call it once, at the top of a test file: it registers that file's beforeAll (start the
 * browser) and afterAll (close it, and remove the env vars `pointBaseUrls` set). The
 * stand-in, and resetting it between tests, stay the file's own. The returned functions
 * do not use `this`, so they can be destructured.
 */
export interface MediaHarnessOptions<Params extends MediaTaskParams> {
  platform: MediaPlatform<Params>;
  /** The platform's task schema: what the API parses a task with (e.g. biliTaskInput). */
  schema: { parse(input: unknown): Params & { platform: string } };
  /** The account runs use unless they name one (or `null`); absent: none. */
  account?: CrawlAccount;
  /** CrawlContext.taskId; default `task-<platform>`. */
  taskId?: string;
  /**
   * A browser the file already started, for a file that crawls several platforms in one
   * browser (the file starts and closes it); absent: the harness starts and closes its own.
   */
  browser?: WarmBrowser;
}

export interface RunOptions {
  /** This run's account: `null` for none; absent: the harness's default account. */
  account?: CrawlAccount | null;
  /** CrawlContext.resumeFrom: the cursor a cut-short run saved. */
  resumeFrom?: unknown;
  /** Stop after this many items (like a run cut short), keeping the last item's cursor. */
  stopAfter?: number;
  /**
   * This run's session options, e.g. short capture and selector timeouts for a drift test:
   * a request the page never makes is otherwise waited for the framework's full 20 s / 15 s.
   */
  session?: MediaSessionOptions;
  /** More of the crawl context, e.g. `media` (the download_media downloader). */
  context?: Partial<CrawlContext>;
}

export interface RunResult {
  /** Every item the crawl yielded, in order. */
  items: ResultItem[];
  /** The last item's resumeCursor() (undefined when no item had one). */
  cursor: unknown;
  /** What the crawl reported as drift that did not stop it (CrawlContext.warn). */
  warnings: string[];
}

export interface MediaHarness<Params extends MediaTaskParams> {
  /** Points `<PLATFORM>_BASE_URL_<KEY>` at the stand-in for each key; removed again after all tests. */
  pointBaseUrls(urls: Record<string, string>): void;
  /** Task params as the API hands them over: parsed by the real schema, defaults applied, `platform` dropped. */
  task(fields: Record<string, unknown>): Params;
  /** Crawls to the end (or `stopAfter`) in a fresh browser context; rejects with the crawl's error. */
  run(params: Params, options?: RunOptions): Promise<RunResult>;
  /** Like run, but never rejects: `error` is what the crawl threw, after the items it yielded. */
  attempt(params: Params, options?: RunOptions): Promise<RunResult & { error?: unknown }>;
  /** The error a crawl must end with, and the items it yielded before; throws if the crawl succeeds. */
  failure(params: Params, options?: RunOptions): Promise<{ error: unknown; items: ResultItem[] }>;
}

export function mediaHarness<Params extends MediaTaskParams>(
  options: MediaHarnessOptions<Params>,
): MediaHarness<Params> {
  const { platform, schema } = options;
  const taskId = options.taskId ?? `task-${platform.name}`;
  const envNames: string[] = [];
  let warm: WarmBrowser | undefined = options.browser;

  beforeAll(async () => {
    warm ??= new WarmBrowser();
    await warm.browser();
  });

  afterAll(async () => {
    for (const name of envNames.splice(0)) delete process.env[name];
    if (options.browser === undefined) await warm?.close();
  });

  const attempt = async (params: Params, runOptions: RunOptions = {}): Promise<RunResult & { error?: unknown }> => {
    if (!warm) throw new Error("mediaHarness: the browser starts in beforeAll; run crawls inside tests");
    const browser = await warm.newTaskContext();
    const account = runOptions.account === undefined ? options.account : (runOptions.account ?? undefined);
    const context = testCrawlContext(taskId, browser, {
      warn: (example) => warnings.push(example),
      ...(account ? { account } : {}),
      ...(runOptions.resumeFrom !== undefined ? { resumeFrom: runOptions.resumeFrom } : {}),
      ...runOptions.context,
    });
    const items: ResultItem[] = [];
    const warnings: string[] = [];
    let cursor: unknown;
    let outcome: { error: unknown } | undefined;
    try {
      for await (const item of crawlMedia(platform, params, context, runOptions.session)) {
        items.push(item);
        cursor = item.resumeCursor?.();
        if (runOptions.stopAfter !== undefined && items.length >= runOptions.stopAfter) break;
      }
    } catch (error) {
      outcome = { error };
    } finally {
      await browser.close();
    }
    // Every item a crawl stores, also before a failure, is one the published schema describes.
    expectItemsMatchSchemas(items);
    return { items, cursor, warnings, ...outcome };
  };

  return {
    pointBaseUrls(urls) {
      for (const [key, url] of Object.entries(urls)) {
        const name = baseUrlEnvName(platform.name, key);
        process.env[name] = url;
        envNames.push(name);
      }
    },
    task(fields) {
      const { platform: _platform, ...params } = schema.parse({ platform: platform.name, ...fields });
      return params as unknown as Params;
    },
    attempt,
    async run(params, runOptions) {
      const result = await attempt(params, runOptions);
      if ("error" in result) throw result.error;
      return result;
    },
    async failure(params, runOptions) {
      const { items, ...result } = await attempt(params, runOptions);
      if (!("error" in result)) throw new Error(`expected the crawl to fail, it yielded ${items.length} item(s)`);
      return { error: result.error, items };
    },
  };
}

/** The items of one `item_type` ("content", "comment", "creator"). */
export const ofType = (items: ResultItem[], type: string) => items.filter((item) => item.data.item_type === type);

/** One step a probe run reports (core/platforms/media/probe.ts). */
export interface ProbeStep {
  kind: string;
  step: string;
  shape?: string;
  detail?: string;
}

/** The steps the probe item of a `probe: true` crawl reports ([] without one). */
export const probeStepsOf = (items: ResultItem[]): ProbeStep[] =>
  (ofType(items, "probe")[0]?.data.steps as ProbeStep[] | undefined) ?? [];

/** The names of the steps whose answer shape the probe checked, and those that did not match. */
export function shapeStepsOf(items: ResultItem[]): { checked: Set<string>; mismatched: ProbeStep[] } {
  const shapes = probeStepsOf(items).filter((step) => step.kind === "shape");
  return {
    checked: new Set(shapes.map((step) => step.step)),
    mismatched: shapes.filter((step) => step.shape !== "ok"),
  };
}

/** Fields of a detail task for one post with its comments and their replies, up to `max` in all. */
export const detailWithReplies = (id: string, max: number) => ({
  crawler_type: "detail",
  specified_ids: [id],
  enable_comments: true,
  enable_sub_comments: true,
  max_comments_count: max,
});
