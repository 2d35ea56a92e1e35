import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { TASK_INDEXES, TASKS_TABLE } from "../core/aws/tables.js";
import { WarmBrowser } from "../core/browser/index.js";
import { DynamoCheckpointStore, runTask } from "../core/crawl/index.js";
import { DynamoHostLimiter, HostPoliteness } from "../core/politeness/index.js";
import { SqsTaskQueue } from "../core/queue/taskQueue.js";
import { DynamoResultStore } from "../core/results/store.js";
import { TASK_INDEX_ATTRIBUTES } from "../core/tasks/indexKeys.js";
import { TaskService } from "../core/tasks/service.js";
import { DynamoTaskStore } from "../core/tasks/store.js";
import { startTestAws } from "../tests/support/aws.js";
import { DEPLOYED_MODEL, writeUnitsPerThousandPages, type MeasuredWriteUnits } from "./cost.js";
import { measuredLine } from "./report.js";
import { startBenchSite } from "./site.js";
import { checkAgainstServer, meterWrites, type MeteredWrite } from "./writeMeter.js";
import {
  failedConditionUnits,
  itemBytes,
  totalUnits,
  writeUnits,
  type Image,
  type TableLayout,
  type WriteUnits,
} from "./writeUnits.js";

/**
 * Write units per page crawled, before and after the task indexes became keys-only and
 * sharded (issue 10). One real web crawl: a task created by TaskService and run by runTask
 * (real Chromium, the per-host politeness slots, results in batches, progress, heartbeats,
 * checkpoints) against dynalite, every write through a metering client (bench/writeMeter.ts)
 * that keeps the item before and after. The same writes are then priced with DynamoDB's rules
 * (bench/writeUnits.ts) under two layouts of the tasks table:
 * - before: four GSIs projecting ALL attributes, on unsharded keys (list_pk "task", status,
 *   platform, platform_status), and the items as that code wrote them (./legacyImage);
 * - after: core/aws/tables.ts as it is (keys-only, sharded).
 */

export interface TaskWritesOptions {
  quick: boolean;
  /** Pages the crawl task fetches. @default 200 (quick: 60) */
  pages?: number;
}

export interface OpFigures {
  table: "tasks" | "results" | "politeness";
  op: string;
  count: number;
  failed: number;
  before: WriteUnits;
  after: WriteUnits;
}

export interface TaskWritesFigures {
  loadAtStart: number;
  pages: number;
  crawlMs: number;
  heartbeatMs: number;
  ops: OpFigures[];
  server: { checked: number; agreeing: number };
  /** Size of the task item at its end, bytes (DynamoDB's measure, as stored now). */
  taskItemBytes: number;
}

/** The layout of the tasks table before issue 10. */
const LEGACY_TASKS_LAYOUT: TableLayout = {
  hashKey: TASKS_TABLE.hashKey,
  indexes: [
    { name: TASK_INDEXES.byCreated.name, hashKey: "list_pk", rangeKey: "task_id", projection: "ALL" },
    { name: TASK_INDEXES.byStatus.name, hashKey: "status", rangeKey: "task_id", projection: "ALL" },
    { name: TASK_INDEXES.byPlatform.name, hashKey: "platform", rangeKey: "task_id", projection: "ALL" },
    { name: TASK_INDEXES.byPlatformStatus.name, hashKey: "platform_status", rangeKey: "task_id", projection: "ALL" },
  ],
};

const TASKS_LAYOUT: TableLayout = TASKS_TABLE;
const NO_INDEXES: TableLayout = { hashKey: "", indexes: [] };

/**
 * A tasks-table item as the code before issue 10 wrote it: the same attributes but for the
 * index keys, which were list_pk "task" and platform_status "<platform>#<status>".
 */
export function legacyImage(image: Image | undefined): Image | undefined {
  if (image === undefined) return undefined;
  const copy = { ...image };
  for (const name of TASK_INDEX_ATTRIBUTES) delete copy[name];
  const [status, platform] = [image.status?.S, image.platform?.S];
  if (status !== undefined && platform !== undefined) {
    copy.list_pk = { S: "task" };
    copy.platform_status = { S: `${platform}#${status}` };
  }
  return copy;
}

/** Names a tasks-table write from what it sets, the way DynamoTaskStore and DynamoCheckpointStore write. */
function labelTaskWrite(command: unknown, input: Record<string, any>): string {
  if (command instanceof PutCommand) {
    if (input.Item?.kind === "checkpoint") return "checkpoint saved";
    if (input.Item?.kind === "idempotency_key") return "idempotency marker";
    return "task created";
  }
  if (command instanceof UpdateCommand) {
    const values = input.ExpressionAttributeValues ?? {};
    // A status move may carry progress too (the final counts): it is a status move.
    if (":to" in values) return `status → ${String(values[":to"])}`;
    if (":progress" in values) return "progress written";
    if (":expires" in values) return "lease renewed";
    return "other update";
  }
  return "checkpoint deleted";
}

function sumUnits(list: WriteUnits[], layout: TableLayout): WriteUnits {
  const indexes = Object.fromEntries(layout.indexes.map((index) => [index.name, 0]));
  let table = 0;
  for (const units of list) {
    table += units.table;
    for (const [name, value] of Object.entries(units.indexes)) indexes[name] = (indexes[name] ?? 0) + value;
  }
  return { table, indexes };
}

function price(write: MeteredWrite, layout: TableLayout, legacy: boolean): WriteUnits {
  const [before, after] = legacy ? [legacyImage(write.before), legacyImage(write.after)] : [write.before, write.after];
  return write.failed ? failedConditionUnits(layout, before) : writeUnits(layout, before, after);
}

export function opFigures(
  writes: readonly MeteredWrite[],
  tables: { tasks: string; results: string; politeness: string },
): OpFigures[] {
  const groups = new Map<string, MeteredWrite[]>();
  for (const write of writes) {
    const key = `${write.table}\u0000${write.op}`;
    groups.set(key, [...(groups.get(key) ?? []), write]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    const table = first.table === tables.tasks ? "tasks" : first.table === tables.results ? "results" : "politeness";
    const [beforeLayout, afterLayout] =
      table === "tasks" ? [LEGACY_TASKS_LAYOUT, TASKS_LAYOUT] : [NO_INDEXES, NO_INDEXES];
    return {
      table,
      op: first.op,
      count: group.length,
      failed: group.filter((write) => write.failed).length,
      before: sumUnits(
        group.map((write) => price(write, beforeLayout, table === "tasks")),
        beforeLayout,
      ),
      after: sumUnits(
        group.map((write) => price(write, afterLayout, false)),
        afterLayout,
      ),
    };
  });
}

export async function measureTaskWrites(options: TaskWritesOptions): Promise<TaskWritesFigures> {
  const pages = options.pages ?? (options.quick ? 60 : 200);
  const heartbeatMs = 1000;
  const loadAtStart = loadavg()[0] ?? 0;
  // The crawl reaches the benchmark site on 127.0.0.1 through the egress proxy.
  const allowPrivate = process.env.ALLOW_PRIVATE_TARGETS;
  process.env.ALLOW_PRIVATE_TARGETS = "1";
  const aws = await startTestAws({ setEnv: false });
  const site = await startBenchSite({ pages });
  const browser = new WarmBrowser();
  try {
    const keys = {
      [aws.tasksTable]: ["task_id"],
      [aws.resultsTable]: ["task_id", "item_key"],
      [aws.politenessTable]: ["limit_key"],
    };
    const meter = meterWrites(aws.clients.doc, aws.clients.dynamo, keys, (table, command, input) =>
      table === aws.tasksTable
        ? labelTaskWrite(command, input)
        : table === aws.resultsTable
          ? "result item stored"
          : "politeness slot",
    );
    const tasks = new DynamoTaskStore(meter.client, aws.tasksTable);
    const results = new DynamoResultStore(meter.client, aws.resultsTable);
    const queue = new SqsTaskQueue(aws.clients.sqs, aws.queueUrl);
    const service = new TaskService({ tasks, results, queue });
    const { task } = await service.create({
      platform: "web",
      crawler_type: "crawl",
      urls: [site.url],
      max_pages: pages,
      max_depth: site.maxDepth,
      // The writes per page are what is measured, not the wait between pages.
      host_delay_ms: 0,
    });
    const started = performance.now();
    const outcome = await runTask(
      task.task_id,
      {
        tasks,
        results,
        queue,
        checkpoints: new DynamoCheckpointStore(meter.client, aws.tasksTable),
        browser,
        hostSlots: new HostPoliteness(new DynamoHostLimiter(meter.client, aws.politenessTable)),
      },
      // Deployed: every 15 s. Every second here, so a short crawl renews its lease a few times.
      { heartbeatMs },
    );
    const crawlMs = performance.now() - started;
    if (outcome.kind !== "completed") throw new Error(`the measured crawl ended ${outcome.kind}`);
    const done = await tasks.get(task.task_id);
    const finalImage = meter.writes
      .filter((write) => write.table === aws.tasksTable && write.op.startsWith("status"))
      .at(-1)?.after;
    console.error(
      `task writes: ${done?.progress.pages_done} pages in ${(crawlMs / 1000).toFixed(1)} s, ${meter.writes.length} writes metered`,
    );
    return {
      loadAtStart,
      pages: done?.progress.pages_done ?? 0,
      crawlMs,
      heartbeatMs,
      ops: opFigures(meter.writes, {
        tasks: aws.tasksTable,
        results: aws.resultsTable,
        politeness: aws.politenessTable,
      }),
      server: checkAgainstServer(meter.writes),
      taskItemBytes: finalImage ? itemBytes(finalImage) : 0,
    };
  } finally {
    await browser.close();
    await site.close();
    await aws.close();
    if (allowPrivate === undefined) delete process.env.ALLOW_PRIVATE_TARGETS;
    else process.env.ALLOW_PRIVATE_TARGETS = allowPrivate;
  }
}

const indexSum = (units: WriteUnits): number => Object.values(units.indexes).reduce((a, b) => a + b, 0);

/**
 * The mean units of each kind of write, and politeness per page: with `side` "after" (the
 * layout as it is now) what the cost model uses.
 */
export function measuredWriteUnits(figures: TaskWritesFigures, side: "before" | "after" = "after"): MeasuredWriteUnits {
  const mean = (op: string): number => {
    const found = figures.ops.find((o) => o.table === "tasks" && o.op === op);
    return found === undefined || found.count === 0 ? 0 : totalUnits(found[side]) / found.count;
  };
  const politeness = figures.ops
    .filter((o) => o.table === "politeness")
    .reduce((sum, o) => sum + totalUnits(o[side]), 0);
  return {
    taskCreated: mean("task created"),
    claimed: mean("status → running"),
    finished: mean("status → completed"),
    progressWritten: mean("progress written"),
    leaseRenewed: mean("lease renewed"),
    checkpointSaved: mean("checkpoint saved"),
    checkpointDeleted: mean("checkpoint deleted"),
    politenessPerPage: figures.pages === 0 ? 0 : politeness / figures.pages,
  };
}

/** The report line bench/cost.ts reads the measured units back from (`--only cost`). */
const UNITS_MARK = "measured-write-units";

export function measuredWriteUnitsFromReport(markdown: string): MeasuredWriteUnits | undefined {
  const match = new RegExp(`<!-- ${UNITS_MARK} (\\{.*?\\}) -->`).exec(markdown);
  if (match === null) return undefined;
  try {
    return JSON.parse(match[1]!) as MeasuredWriteUnits;
  } catch {
    return undefined;
  }
}

export function taskWritesMarkdown(figures: TaskWritesFigures, quick: boolean): string {
  const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2));
  const each = (units: WriteUnits, count: number): string =>
    `${fmt(units.table / count)} + ${fmt(indexSum(units) / count)} = ${fmt(totalUnits(units) / count)}`;
  const order = [
    "task created",
    "status → running",
    "progress written",
    "lease renewed",
    "checkpoint saved",
    "status → completed",
    "checkpoint deleted",
  ];
  const rank = (o: OpFigures) =>
    o.table === "tasks" ? order.indexOf(o.op) + 1 || order.length + 1 : o.table === "results" ? 100 : 101;
  const ops = [...figures.ops].sort((a, b) => rank(a) - rank(b));
  const rows = ops.map(
    (o) =>
      `| ${o.table}: ${o.op}${o.failed ? ` (${o.failed} refused by their condition)` : ""} | ${o.count} | ${each(o.before, o.count)} | ${each(o.after, o.count)} | ${fmt(totalUnits(o.before))} | ${fmt(totalUnits(o.after))} |`,
  );
  const sum = (table: OpFigures["table"], side: "before" | "after", part: "table" | "indexes" | "all") =>
    figures.ops
      .filter((o) => o.table === table)
      .reduce(
        (acc, o) =>
          acc + (part === "table" ? o[side].table : part === "indexes" ? indexSum(o[side]) : totalUnits(o[side])),
        0,
      );
  const perPage = (n: number) => (n / figures.pages).toFixed(2);
  const [tasksBefore, tasksAfter] = [sum("tasks", "before", "all"), sum("tasks", "after", "all")];
  const all = (side: "before" | "after") =>
    sum("tasks", side, "all") + sum("results", side, "all") + sum("politeness", side, "all");
  const perIndex = (side: "before" | "after") =>
    Object.values(TASK_INDEXES)
      .map(
        (index) =>
          `${index.name} ${perPage(figures.ops.filter((o) => o.table === "tasks").reduce((acc, o) => acc + (o[side].indexes[index.name] ?? 0), 0))}`,
      )
      .join(", ");
  const units = measuredWriteUnits(figures);
  // The same writes at a deployed crawl's pace (bench/cost.ts's "typical site"): a flush about every second, a heartbeat every 15 s.
  const deployed = (side: "before" | "after", pagesPerSecond: number) =>
    (
      writeUnitsPerThousandPages({ ...DEPLOYED_MODEL, pagesPerSecond, writes: measuredWriteUnits(figures, side) })
        .tasks / 1000
    ).toFixed(2);
  return `### Write units per page crawled (issue 10: keys-only, sharded task indexes)

${measuredLine(quick, figures.loadAtStart)}

One web crawl task of ${figures.pages} pages of the benchmark site (bench/site.ts), created by TaskService and run by runTask with
Chromium, the per-host politeness slots, results in batches of up to 25, progress after each batch, a checkpoint after each batch,
against dynalite (${(figures.crawlMs / 1000).toFixed(1)} s). The lease is renewed every ${figures.heartbeatMs / 1000} s here (deployed: 15 s) so a short crawl shows renewals.
Every write went through a metering client that read the item before and after it (bench/writeMeter.ts); each is priced with
DynamoDB's write-unit rules (bench/writeUnits.ts): the table pays a unit per started KB of the larger image, a GSI pays only when
its key or a projected attribute changed (two writes when its key changed). *Before*: the tasks table before issue 10, four
GSIs projecting ALL attributes on unsharded keys, the items as that code wrote them. *After*: core/aws/tables.ts now, keys-only
GSIs on keys sharded 8 ways. dynalite reports no index units for writes; the table units it reported agree with the sizes
computed here for ${figures.server.agreeing} of ${figures.server.checked} single-item writes. The task item was ${figures.taskItemBytes} bytes at its end.

| write | count | WCU each before: table + GSIs | WCU each after: table + GSIs | WCU before, all | WCU after, all |
|---|---|---|---|---|---|
${rows.join("\n")}

- **Tasks table per page crawled, this crawl: ${perPage(tasksBefore)} WCU before (table ${perPage(sum("tasks", "before", "table"))} + GSIs ${perPage(sum("tasks", "before", "indexes"))}), ${perPage(tasksAfter)} WCU after (table ${perPage(sum("tasks", "after", "table"))} + GSIs ${perPage(sum("tasks", "after", "indexes"))})**: ${(tasksBefore / tasksAfter).toFixed(1)}× fewer.
- The same kinds of write at a deployed crawl's pace (bench/cost.ts: a flush of results, progress and checkpoint about every second,
  a heartbeat every 15 s, 100 pages per task), tasks table per page: **2 pages/s: ${deployed("before", 2)} WCU before, ${deployed("after", 2)} after**;
  0.5 pages/s: ${deployed("before", 0.5)} before, ${deployed("after", 0.5)} after; 13.5 pages/s: ${deployed("before", 13.5)} before, ${deployed("after", 13.5)} after.
- GSI WCU per page in this crawl, by index: before ${perIndex("before")}; after ${perIndex("after")}.
- Every table, per page (results and politeness slots included, the same both times): ${perPage(all("before"))} WCU before, ${perPage(all("after"))} after.
- A progress write or a lease renewal now writes the table alone; an index is written when a task is created (each of the four)
  and when its status moves (by_status and by_platform_status: the old entry out, the new one in).

<!-- ${UNITS_MARK} ${JSON.stringify(units)} -->
`;
}
