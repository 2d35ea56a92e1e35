/**
 * The index partition keys a task carries (core/aws/tables.ts TASK_INDEXES), and which index
 * a listing reads. One place builds them, for the store's writes, its queries and the
 * one-machine stack's re-keying of old data.
 */
import { TASK_INDEX_SHARDS, TASK_INDEXES, type TaskIndex } from "../aws/tables.js";
import type { PlatformName } from "../platforms/types.js";
import type { TaskStatus } from "./status.js";

/** Attributes that exist only to feed the list indexes; never shown to API clients. */
export interface TaskIndexAttributes {
  list_pk: string;
  status_pk: string;
  platform_pk: string;
  platform_status_pk: string;
}

export const TASK_INDEX_ATTRIBUTES = Object.values(TASK_INDEXES).map((index) => index.hashKey) as Array<
  keyof TaskIndexAttributes
>;

/**
 * The task's shard, 0 … TASK_INDEX_SHARDS − 1: FNV-1a of its id. Stable (the id never
 * changes) and even (ULIDs end in 80 random bits), so every index entry of a task lands in
 * the same shard number and the shards fill alike.
 */
export function taskShard(taskId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < taskId.length; i++) {
    hash ^= taskId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % TASK_INDEX_SHARDS;
}

/** One shard's partition key value: "<value>#<shard>". */
export function shardKey(value: string, shard: number): string {
  return `${value}#${shard}`;
}

/** What a listing filters on. */
export interface TaskFilter {
  status?: TaskStatus | undefined;
  platform?: PlatformName | undefined;
}

/** The index a listing reads, and its partition key value before the shard is added. */
export interface TaskListing {
  index: TaskIndex;
  value: string;
  /** Names the listing in its cursors, so a cursor is refused by any other listing. */
  id: string;
  filter: TaskFilter;
}

export function taskListing(filter: TaskFilter): TaskListing {
  const { status, platform } = filter;
  const [index, value] =
    status && platform
      ? [TASK_INDEXES.byPlatformStatus, `${platform}#${status}`]
      : status
        ? [TASK_INDEXES.byStatus, status]
        : platform
          ? [TASK_INDEXES.byPlatform, platform]
          : [TASK_INDEXES.byCreated, "task"];
  return { index, value, id: `${index.name}=${value}`, filter: { status, platform } };
}

/** Whether a task (as read from the table) belongs in the listing: an index may lag its table. */
export function inListing(listing: TaskListing, task: { status?: unknown; platform?: unknown }): boolean {
  return (
    (listing.filter.status === undefined || task.status === listing.filter.status) &&
    (listing.filter.platform === undefined || task.platform === listing.filter.platform)
  );
}

/** Every index partition key of a task with this id, platform and status. */
export function indexAttributes(task: {
  task_id: string;
  platform: PlatformName;
  status: TaskStatus;
}): TaskIndexAttributes {
  const shard = taskShard(task.task_id);
  const key = (filter: TaskFilter) => shardKey(taskListing(filter).value, shard);
  return {
    list_pk: key({}),
    status_pk: key({ status: task.status }),
    platform_pk: key({ platform: task.platform }),
    platform_status_pk: key({ status: task.status, platform: task.platform }),
  };
}

/** The index keys that move with the status (by_created and by_platform keep theirs for life). */
export function statusIndexAttributes(task: {
  task_id: string;
  platform: PlatformName;
  status: TaskStatus;
}): Pick<TaskIndexAttributes, "status_pk" | "platform_status_pk"> {
  const { status_pk, platform_status_pk } = indexAttributes(task);
  return { status_pk, platform_status_pk };
}
