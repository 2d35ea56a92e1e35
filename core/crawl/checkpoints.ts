import { gunzipSync, gzipSync } from "node:zlib";
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { callDependency } from "../aws/dependency.js";
import type { TaskProgress } from "../tasks/model.js";

/**
 * How far a task's crawl got, saved after every batch of stored results so a run that
 * dies (function timeout, kill -9, out of memory) or hands over before its deadline is
 * resumed by the next delivery instead of starting again.
 */
export interface Checkpoint {
  /** The platform's resumable state (for web: the frontier). */
  cursor: unknown;
  /** Counts as of the checkpoint; pages after it are crawled (and counted) again. */
  progress: TaskProgress;
  succeeded: number;
  /** since_last_run: items skipped as stored unchanged by an earlier run of the schedule. */
  unchanged?: number;
  firstError?: { code: string; message: string };
  saved_at: string;
}

export interface CheckpointStore {
  load(taskId: string): Promise<Checkpoint | undefined>;
  save(taskId: string, checkpoint: Checkpoint): Promise<void>;
  delete(taskId: string): Promise<void>;
}

/** DynamoDB keeps items under 400 KB; a checkpoint that would not fit is refused. */
const MAX_CHECKPOINT_BYTES = 350 * 1024;

/**
 * Checkpoints live in the tasks table beside their task, under `<task_id>#checkpoint`,
 * gzipped (a 10,000-URL frontier compresses to well under the item limit). They carry
 * none of the index attributes, so listings never see them.
 */
export class DynamoCheckpointStore implements CheckpointStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private key(taskId: string) {
    return { task_id: `${taskId}#checkpoint` };
  }

  async load(taskId: string): Promise<Checkpoint | undefined> {
    const result = await callDependency("tasks_table", () =>
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: this.key(taskId), ConsistentRead: true })),
    );
    const blob = result.Item?.checkpoint as Uint8Array | undefined;
    if (blob === undefined) return undefined;
    return JSON.parse(gunzipSync(Buffer.from(blob)).toString("utf8")) as Checkpoint;
  }

  async save(taskId: string, checkpoint: Checkpoint): Promise<void> {
    const blob = gzipSync(Buffer.from(JSON.stringify(checkpoint), "utf8"));
    if (blob.byteLength > MAX_CHECKPOINT_BYTES)
      throw new CheckpointTooLargeError(blob.byteLength, MAX_CHECKPOINT_BYTES);
    await callDependency("tasks_table", () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...this.key(taskId), kind: "checkpoint", checkpoint: blob, saved_at: checkpoint.saved_at },
        }),
      ),
    );
  }

  async delete(taskId: string): Promise<void> {
    await callDependency("tasks_table", () =>
      this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: this.key(taskId) })),
    );
  }
}

export class CheckpointTooLargeError extends Error {
  constructor(bytes: number, limit: number) {
    super(`checkpoint of ${bytes} bytes exceeds ${limit}`);
    this.name = "CheckpointTooLargeError";
  }
}
