/**
 * A worker process for tests of local/worker-pool.ts: it speaks the real worker's IPC
 * protocol (local/worker-process.ts WorkerMessage) and then does what the test asks, so the
 * pool's watchdog can be driven into each case without a crawl. Forked by the real pool
 * (its `entry` option), with NODE_OPTIONS="--import tsx".
 *
 * env SCRIPTED_WORKER_BEHAVIOUR:
 * - "block": takes task SCRIPTED_TASK, starts a child (a stand-in for its Chromium, in a
 *   process group of its own as puppeteer starts it), then blocks its event loop for good;
 * - "overrun": the same, but its event loop runs (heartbeats go on) and the task never ends;
 * - "busy": handles a task for SCRIPTED_WORKER_BUSY_MS while heart-beating, then goes idle;
 * - "idle": only heart-beats.
 * env SCRIPTED_WORKER_MARK: a file; the first worker to create it misbehaves, the ones after
 * it (the pool's replacements) stay idle.
 */
import { spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import type { WorkerMessage } from "../../local/worker-process.js";

/** Faster than the real worker's 1 s, for watchdog limits of a second in tests. */
const HEARTBEAT_MS = 100;

const send = (message: WorkerMessage) => process.connected && process.send?.(message);

function firstToMisbehave(): boolean {
  const mark = process.env.SCRIPTED_WORKER_MARK;
  if (mark === undefined) return true;
  try {
    closeSync(openSync(mark, "wx"));
    return true;
  } catch {
    return false;
  }
}

const behaviour = firstToMisbehave() ? (process.env.SCRIPTED_WORKER_BEHAVIOUR ?? "idle") : "idle";
const taskId = process.env.SCRIPTED_TASK ?? "T1";

setInterval(() => send({ type: "heartbeat" }), HEARTBEAT_MS);
process.on("SIGTERM", () => process.exit(0));
send({ type: "ready" });

setTimeout(() => {
  if (behaviour === "idle") return;
  send({ type: "busy", messageId: "M1", taskId });
  send({ type: "claimed", taskId, leaseOwner: "owner-1" });
  if (behaviour === "busy") {
    setTimeout(() => send({ type: "busy" }), Number(process.env.SCRIPTED_WORKER_BUSY_MS ?? 1000));
    return;
  }
  spawn("sleep", ["600"], { detached: true, stdio: "ignore" }).unref();
  if (behaviour === "block") {
    // Give the pool a moment to read the messages above, then never yield again.
    setTimeout(() => {
      for (;;) {
        // spin
      }
    }, 200);
  }
}, 200);
