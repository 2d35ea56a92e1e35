import { createReadStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { signedMediaPath } from "./linkSignature.js";
import { isMediaKey, type MediaLink, type MediaStore } from "./store.js";

/**
 * Media files on the one-machine stack: one file per key under `dir` (DATA_DIR/media),
 * written to a temporary name and renamed, so a reader never sees half a file. Links are
 * signed with the stack's media key and served by its gateway (local/mediaRoute.ts).
 */
export class FileMediaStore implements MediaStore {
  constructor(
    private readonly dir: string,
    private readonly secret: string,
    /** The gateway's URL, e.g. http://127.0.0.1:8888: links are absolute. */
    private readonly baseUrl: () => string,
  ) {}

  #path(key: string): string {
    if (!isMediaKey(key)) throw new Error(`not a media key: ${JSON.stringify(key.slice(0, 200))}`);
    return join(this.dir, ...key.split("/"));
  }

  async put(key: string, body: Uint8Array, _contentType: string): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const partial = `${path}.partial`;
    await writeFile(partial, body, { mode: 0o600 });
    await rename(partial, path);
  }

  async bytesUnder(prefix: string): Promise<number> {
    let total = 0;
    for (const path of await filesUnder(join(this.dir, prefix))) total += (await stat(path)).size;
    return total;
  }

  async deleteUnder(prefix: string): Promise<number> {
    const root = join(this.dir, prefix);
    const count = (await filesUnder(root)).length;
    await rm(root, { recursive: true, force: true });
    return count;
  }

  async link(key: string, expiresInSecs: number): Promise<MediaLink> {
    const expires = Math.floor(Date.now() / 1000) + expiresInSecs;
    return {
      url: `${this.baseUrl()}${signedMediaPath(this.secret, key, expires)}`,
      expires_at: new Date(expires * 1000).toISOString(),
    };
  }

  /** The file of `key` and its size, or undefined when there is none. */
  async open(key: string): Promise<{ stream: Readable; bytes: number } | undefined> {
    const path = this.#path(key);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return { stream: createReadStream(path), bytes: info.size };
  }

  /** Task folders (their ids) with files, for the expiry sweep. */
  async taskIds(): Promise<string[]> {
    const entries = await readdir(this.dir, { withFileTypes: true }).catch(() => []);
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  }
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}
