/**
 * One stack per data directory: the DynamoDB-API server's LevelDB files cannot be shared,
 * and a second opener fails deep inside with "Database is closed". A pid file taken at
 * start turns that into one clear line; a pid file left by a crashed stack is taken over.
 * The file is removed when the process exits (not after SIGKILL: then the next start takes it over).
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`${dataDir} is in use by another stack (pid ${pid})`);
    this.name = "DataDirInUseError";
  }
}

const LOCK_FILE = "stack.pid";

/** Whether `pid` is alive and, where /proc tells, still runs `script` (pids get reused, e.g. in containers). */
function isOwnerAlive(pid: number, script: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(script);
  } catch {
    return true; // no /proc (macOS): trust the pid
  }
}

/**
 * Makes `dir` and everything below it private to its owner: folders 0700, files 0600. The
 * stack keeps its keys, stored cookies and tasks there; a data directory made by an older
 * version (0755 folders, 0644 files) is fixed at the next start. Symbolic links are left alone.
 */
export function makePrivate(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) makePrivate(path);
    else if (entry.isFile() && (lstatSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  }
}

/** Claims `dataDir` for this process (creating it, private: see {@link makePrivate}); returns the function that lets it go. */
export function claimDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  makePrivate(dataDir);
  const lockPath = join(dataDir, LOCK_FILE);
  const script = basename(process.argv[1] ?? "main");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, `${process.pid}\n${script}\n`, { flag: "wx" });
      const release = () => rmSync(lockPath, { force: true });
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const [pidLine = "", ownerScript = script] = readFileSync(lockPath, "utf8").split("\n");
      const owner = Number.parseInt(pidLine, 10);
      if (Number.isInteger(owner) && owner !== process.pid && isOwnerAlive(owner, ownerScript))
        throw new DataDirInUseError(dataDir, owner);
      rmSync(lockPath, { force: true }); // left by a stack that died
    }
  }
  throw new Error(`could not claim ${dataDir}`);
}
