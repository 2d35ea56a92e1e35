/**
 * An estimate of what crawling 1,000 web pages costs on AWS, from a measured crawl rate and
 * measured write units (bench/taskWrites.ts). Every price and count is a named constant
 * below or a measured figure passed in, so the estimate can be checked and redone with
 * other prices; nothing here talks to AWS.
 */

/** us-east-1 list prices (on-demand), as published in 2026; check them before relying on them. */
export const AWS_PRICES = {
  /** Lambda x86_64, per GB-second. */
  lambdaGbSecond: 0.0000166667,
  /** Lambda, per request. */
  lambdaRequest: 0.2 / 1e6,
  /** DynamoDB on-demand, per write request unit (1 KB). */
  dynamoWriteUnit: 0.625 / 1e6,
  /** DynamoDB on-demand, per read request unit (4 KB strongly consistent). */
  dynamoReadUnit: 0.125 / 1e6,
  /** SQS standard, per request (64 KB chunk). */
  sqsRequest: 0.4 / 1e6,
} as const;

/**
 * Write units (table + GSIs) of each write a crawl makes, measured by bench/taskWrites.ts on a
 * real crawl against the tables as core/aws/tables.ts defines them (means over the run).
 */
export interface MeasuredWriteUnits {
  taskCreated: number;
  /** The claim: pending → running. */
  claimed: number;
  /** running → completed. */
  finished: number;
  /** Progress after each flush of results. */
  progressWritten: number;
  /** One heartbeat. */
  leaseRenewed: number;
  /** The checkpoint saved after each flush (gzipped frontier). */
  checkpointSaved: number;
  /** The checkpoint dropped when the task ends. */
  checkpointDeleted: number;
  /** Politeness slot writes (take and give back a host slot, refused takes included), per page. */
  politenessPerPage: number;
}

/** How the crawler is deployed (infra/crawler.ts) and how a crawl writes (core/crawl, core/politeness). */
export interface CrawlCostModel {
  /** Crawler function memory, GB. infra/crawler.ts: 2048 MB. */
  memoryGb: number;
  /** Pages per second one crawler invocation gets through. */
  pagesPerSecond: number;
  /** Pages per task (a task is one message, one or more invocations). */
  pagesPerTask: number;
  /** Average stored result item, KB (a write unit per started KB). */
  resultItemKb: number;
  /** Result items flushed per BatchWriteItem flush (core/crawl runTask flushEveryItems; also every 1 s). */
  flushEveryItems: number;
  /** Seconds between lease renewals (core/crawl runTask heartbeatMs). */
  heartbeatSecs: number;
  /** Measured units of each write (bench/taskWrites.ts). */
  writes: MeasuredWriteUnits;
  /** Politeness reads per page: one consistent get of the host's slot. */
  politenessReadsPerPage: number;
  /** Seconds of a cold start (Chromium unpack + launch) paid once per this many pages. */
  coldStartSecs: number;
  coldStartEveryPages: number;
}

export interface CrawlCost {
  lambdaSeconds: number;
  gbSeconds: number;
  lambda: number;
  lambdaRequests: number;
  writeUnits: number;
  readUnits: number;
  dynamo: number;
  sqs: number;
  total: number;
}

/** Write units of 1,000 pages under `model`, by table (tasks: table and GSIs). */
export function writeUnitsPerThousandPages(model: Omit<CrawlCostModel, "resultItemKb"> & { resultItemKb?: number }): {
  results: number;
  politeness: number;
  tasks: number;
} {
  const pages = 1000;
  const tasks = pages / model.pagesPerTask;
  // The recorder flushes when an item arrives and 25 are buffered or the oldest waited a
  // second: about one flush per second's worth of items, between 1 and 25 items each.
  const crawlSeconds = pages / model.pagesPerSecond;
  const flushes = pages / Math.min(model.flushEveryItems, Math.max(1, model.pagesPerSecond));
  const { writes } = model;
  return {
    results: pages * Math.ceil(model.resultItemKb ?? 0),
    politeness: pages * writes.politenessPerPage,
    tasks:
      flushes * (writes.progressWritten + writes.checkpointSaved) +
      (crawlSeconds / model.heartbeatSecs) * writes.leaseRenewed +
      tasks * (writes.taskCreated + writes.claimed + writes.finished + writes.checkpointDeleted),
  };
}

/** Cost of 1,000 pages under `model`, in US dollars. */
export function costPerThousandPages(model: CrawlCostModel, prices = AWS_PRICES): CrawlCost {
  const pages = 1000;
  const tasks = pages / model.pagesPerTask;
  const crawlSeconds = pages / model.pagesPerSecond;
  const lambdaSeconds = crawlSeconds + model.coldStartSecs * (pages / model.coldStartEveryPages);
  const gbSeconds = lambdaSeconds * model.memoryGb;
  const lambda = gbSeconds * prices.lambdaGbSecond;
  const lambdaRequests = tasks * prices.lambdaRequest;
  const units = writeUnitsPerThousandPages(model);
  const writeUnits = units.results + units.politeness + units.tasks;
  const readUnits = pages * model.politenessReadsPerPage + tasks * 2;
  const dynamo = writeUnits * prices.dynamoWriteUnit + readUnits * prices.dynamoReadUnit;
  // send, receive, delete per task; the long polls of an event source mapping are AWS's, not billed per message here.
  const sqs = tasks * 3 * prices.sqsRequest;
  return {
    lambdaSeconds,
    gbSeconds,
    lambda,
    lambdaRequests,
    writeUnits,
    readUnits,
    dynamo,
    sqs,
    total: lambda + lambdaRequests + dynamo + sqs,
  };
}

/** The model's fixed parts, from the code and infra as they are. */
export const DEPLOYED_MODEL: Omit<CrawlCostModel, "pagesPerSecond" | "resultItemKb" | "writes"> = {
  memoryGb: 2,
  pagesPerTask: 100,
  flushEveryItems: 25,
  heartbeatSecs: 15,
  politenessReadsPerPage: 1,
  coldStartSecs: 3,
  coldStartEveryPages: 1000,
};

/** Lambda at 2048 MB gets about 1.16 vCPU (1 vCPU at 1769 MB); this machine has `cores`. */
export function lambdaRateFromLocal(
  localPagesPerSecond: number,
  cores: number,
  memoryGb = DEPLOYED_MODEL.memoryGb,
): number {
  const lambdaVcpu = (memoryGb * 1024) / 1769;
  return localPagesPerSecond * Math.min(1, lambdaVcpu / cores);
}

/**
 * Our engine's median pages/s from a RESULTS.md crawl table (the row starting "| ours ("),
 * for an estimate redone without crawling again (`--only cost`).
 */
export function oursRateFromReport(markdown: string): number | undefined {
  const row = markdown.split("\n").find((line) => line.startsWith("| ours ("));
  const cells = row?.split("|").map((cell) => cell.trim());
  const rate = Number(cells?.[5]);
  return Number.isFinite(rate) && rate > 0 ? rate : undefined;
}

const dollars = (value: number): string => `$${value.toFixed(4)}`;

/** The RESULTS.md section: three scenarios from the measured local rate and write units. */
export function costMarkdown(localPagesPerSecond: number, cores: number, writes: MeasuredWriteUnits): string {
  const lambdaRate = lambdaRateFromLocal(localPagesPerSecond, cores);
  const scenarios: Array<{ name: string; model: CrawlCostModel }> = [
    {
      name: `CPU-bound: pages as fast as the local benchmark site, scaled to Lambda's CPU (${lambdaRate.toFixed(1)} pages/s), 2 kB items`,
      model: { ...DEPLOYED_MODEL, pagesPerSecond: lambdaRate, resultItemKb: 2, writes },
    },
    {
      name: "typical site: 2 pages/s (network-bound, within the default politeness), 8 kB items",
      model: { ...DEPLOYED_MODEL, pagesPerSecond: 2, resultItemKb: 8, writes },
    },
    {
      name: "slow site: 0.5 pages/s, 8 kB items",
      model: { ...DEPLOYED_MODEL, pagesPerSecond: 0.5, resultItemKb: 8, writes },
    },
  ];
  const rows = scenarios.map(({ name, model }) => {
    const cost = costPerThousandPages(model);
    return `| ${name} | ${cost.gbSeconds.toFixed(0)} GB-s = ${dollars(cost.lambda)} | ${cost.writeUnits.toFixed(0)} WRU + ${cost.readUnits.toFixed(0)} RRU = ${dollars(cost.dynamo)} | ${dollars(cost.lambdaRequests + cost.sqs)} | **${dollars(cost.total)}** |`;
  });
  const f = (units: number): string => (Number.isInteger(units) ? String(units) : units.toFixed(2));
  return `## Estimated AWS cost per 1,000 web pages

From the crawl rate measured above (ours, median ${localPagesPerSecond.toFixed(1)} pages/s on ${cores} cores) and bench/cost.ts's model:
crawler at 2048 MB x86_64 (infra/crawler.ts), us-east-1 on-demand list prices (Lambda $0.0000166667 per GB-s and $0.20 per
million requests; DynamoDB $0.625 per million write units and $0.125 per million read units; SQS $0.40 per million requests).
Write units as measured on a real crawl (the write-units part of the result-writes section, tasks-table GSIs included): per page,
one result item (a write unit per started KB) and the politeness slot (${f(writes.politenessPerPage)} WCU, one consistent read); per flush (about
once a second, 1 to 25 items each): the task's progress (${f(writes.progressWritten)} WCU) and a checkpoint (${f(writes.checkpointSaved)} WCU); per heartbeat
(every 15 s): ${f(writes.leaseRenewed)} WCU; per task (100 pages): create ${f(writes.taskCreated)}, claim ${f(writes.claimed)}, finish ${f(writes.finished)} and checkpoint
delete ${f(writes.checkpointDeleted)} WCU, three SQS requests, one Lambda request; a 3 s cold start per 1,000 pages. API Gateway ($1 per million),
CloudWatch Logs, the API's reads and data transfer are left out.

| scenario | Lambda | DynamoDB | Lambda requests + SQS | total per 1,000 pages |
|---|---|---|---|---|
${rows.join("\n")}

For fast pages Lambda and DynamoDB cost about the same; once pages wait on the network, Lambda time dominates. Larger items
(long texts, up to the 400 kB item cap) cost a write unit per KB.
`;
}
