/**
 * Where a task's downloaded media files are kept (S3 on AWS, `DATA_DIR/media` on one
 * machine), and how a reader gets a time-limited link to one. Keys are per task,
 * `<task_id>/<item key>/<n>.<ext>`, so deleting a task deletes its prefix.
 */

export interface MediaLink {
  url: string;
  /** ISO time after which the link is refused. */
  expires_at: string;
}

export interface MediaStore {
  /** Stores `body` under `key` (replacing what was there). */
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Bytes stored under `prefix` (what a resumed task has already used of its budget). */
  bytesUnder(prefix: string): Promise<number>;
  /** Deletes every file under `prefix`; resolves with how many there were. */
  deleteUnder(prefix: string): Promise<number>;
  /** A link that downloads `key` until `expiresInSecs` from now; nothing is stored. */
  link(key: string, expiresInSecs: number): Promise<MediaLink>;
}

/** A task's prefix: everything it stored is under it. Ends with "/" so task "a" never matches task "ab". */
export function taskMediaPrefix(taskId: string): string {
  return `${taskId}/`;
}

/**
 * The key of a post's n-th file. The item key ("xhs:content:66f…") keeps its characters
 * except those a path or an S3 key should not carry.
 */
export function mediaFileKey(taskId: string, itemKey: string, n: number, ext: string): string {
  return `${taskMediaPrefix(taskId)}${itemKey.replace(/[^\w.:-]/g, "_")}/${n}.${ext}`;
}

/** A key the stores accept: built by {@link mediaFileKey}, nothing that climbs out of a folder. */
export function isMediaKey(key: string): boolean {
  return (
    /^[\w-]+\/[\w.:-]+\/\d+\.[a-z0-9]+$/.test(key) && !key.split("/").some((part) => part === ".." || part === ".")
  );
}
