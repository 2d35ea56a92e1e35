/** The CLI's copy of one results page (cli/commands/results.ts copyBody): bytes through, a stalled body given up. */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { copyBody } from "../../cli/commands/results.js";
import { NetworkError } from "../../cli/errors.js";

const encoder = new TextEncoder();

describe("copyBody", () => {
  it("copies every chunk of a page and counts the bytes", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode("task_id,item_key,ok\r\n"));
        controller.enqueue(encoder.encode("t1,page:a,true\r\n"));
        controller.close();
      },
    });
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on("data", (chunk: Buffer) => chunks.push(chunk));
    const bytes = await copyBody(body, sink, 1000);
    expect(Buffer.concat(chunks).toString()).toBe("task_id,item_key,ok\r\nt1,page:a,true\r\n");
    expect(bytes).toBe(37);
  });

  it("gives up with a network error (exit 3) when the body stops arriving", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode("task_id,item_key,ok\r\n"));
        // …and nothing more, never closed: a stuck connection.
      },
    });
    const started = Date.now();
    const copying = copyBody(body, new PassThrough().resume(), 100);
    await expect(copying).rejects.toBeInstanceOf(NetworkError);
    await expect(copying).rejects.toThrow(/no data from the API/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
