import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { performance } from "node:perf_hooks";
import { loadavg } from "node:os";
import { DynamoResultStore, toStoredResult } from "../core/results/store.js";
import type { ResultItem } from "../core/platforms/types.js";
import { startTestAws } from "../tests/support/aws.js";
import { measuredLine } from "./report.js";
import { median } from "./stats.js";

/**
 * "Batch the table writes": storing a crawl's result items one PutItem per item (what a
 * crawler writing each page as it finishes would do) against the way the recorder stores
 * them, ResultStore.putMany in flushes of 25 (one BatchWriteItem each). Both against the
 * embedded DynamoDB API (dynalite over HTTP, the real SDK client), same items, fresh keys
 * per round. Batching saves round trips, not capacity: DynamoDB bills the same write units.
 */

export interface WritesBenchOptions {
  quick: boolean;
  /** Items stored per round. @default 1000 (quick: 200) */
  items?: number;
  /** @default 3 (quick: 1) */
  rounds?: number;
}

export interface WritesFigures {
  loadAtStart: number;
  items: number;
  itemBytes: number;
  singleMs: number[];
  batchedMs: number[];
}

/** Items shaped like web page results, about 5 kB of text each. */
function pageItems(count: number, round: number): ResultItem[] {
  const text = "lorem ipsum dolor sit amet ".repeat(190);
  return Array.from({ length: count }, (_, i) => ({
    item_key: `page:http://bench.example/${round}/${i}`,
    ok: true,
    data: { url: `http://bench.example/${round}/${i}`, status: 200, title: `Page ${i}`, text, links: [], depth: 1 },
  }));
}

export async function measureWrites(options: WritesBenchOptions): Promise<WritesFigures> {
  const items = options.items ?? (options.quick ? 200 : 1000);
  const rounds = options.rounds ?? (options.quick ? 1 : 3);
  const loadAtStart = loadavg()[0] ?? 0;
  const aws = await startTestAws();
  try {
    const store = new DynamoResultStore(aws.clients.doc, aws.resultsTable);
    const singleMs: number[] = [];
    const batchedMs: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      // Alternate which goes first, so a warming server favours neither.
      const single = async (): Promise<void> => {
        const batch = pageItems(items, round * 2);
        const started = performance.now();
        for (const item of batch) {
          await aws.clients.doc.send(
            new PutCommand({ TableName: aws.resultsTable, Item: toStoredResult("bench-single", item) }),
          );
        }
        singleMs.push(performance.now() - started);
      };
      const batched = async (): Promise<void> => {
        const batch = pageItems(items, round * 2 + 1);
        const started = performance.now();
        for (let i = 0; i < batch.length; i += 25) await store.putMany("bench-batched", batch.slice(i, i + 25));
        batchedMs.push(performance.now() - started);
      };
      if (round % 2 === 0) {
        await single();
        await batched();
      } else {
        await batched();
        await single();
      }
      console.error(
        `writes round ${round + 1}: one by one ${singleMs.at(-1)?.toFixed(0)} ms, batched ${batchedMs.at(-1)?.toFixed(0)} ms`,
      );
    }
    const itemBytes = Buffer.byteLength(JSON.stringify(pageItems(1, 0)[0]?.data));
    return { loadAtStart, items, itemBytes, singleMs, batchedMs };
  } finally {
    await aws.close();
  }
}

export function writesMarkdown(figures: WritesFigures, quick: boolean): string {
  const rate = (ms: number) => ((figures.items / ms) * 1000).toFixed(0);
  const [single, batched] = [median(figures.singleMs), median(figures.batchedMs)];
  return `## Result writes: one by one vs batched (issue 5, "batch the table writes"), and write units per page crawled (issue 10)

${measuredLine(quick, figures.loadAtStart)}

${figures.items} web-page result items of about ${(figures.itemBytes / 1024).toFixed(1)} kB each, stored in the embedded DynamoDB API (dynalite,
over HTTP with the real SDK client), ${figures.singleMs.length} round(s), the order alternating. *One by one*: a PutItem per item, awaited in turn.
*Batched*: ResultStore.putMany with 25 items (one BatchWriteItem) per call, as the crawl's recorder flushes them.

| writes | requests | median time | items/s | rounds, ms |
|---|---|---|---|---|
| one by one (PutItem) | ${figures.items} | ${(single / 1000).toFixed(2)} s | ${rate(single)} | ${figures.singleMs.map((ms) => ms.toFixed(0)).join(", ")} |
| batched (BatchWriteItem × 25) | ${Math.ceil(figures.items / 25)} | ${(batched / 1000).toFixed(2)} s | ${rate(batched)} | ${figures.batchedMs.map((ms) => ms.toFixed(0)).join(", ")} |

Batched ÷ one by one, items/s: **${(single / batched).toFixed(1)}×**. On AWS each request is a network round trip (a few ms from
Lambda to DynamoDB in the same region), so the saving there is about the request count; write units billed are the same.
`;
}
