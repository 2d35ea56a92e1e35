import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { claimDataDir, DataDirInUseError } from "../../local/data-dir.js";

const fresh = () => mkdtempSync(join(tmpdir(), "data-dir-"));

describe("claimDataDir", () => {
  it("creates the directory, writes this pid, and removes the file on release", () => {
    const dir = join(fresh(), "nested");
    const release = claimDataDir(dir);
    expect(readFileSync(join(dir, "stack.pid"), "utf8").split("\n")[0]).toBe(String(process.pid));
    release();
    expect(existsSync(join(dir, "stack.pid"))).toBe(false);
  });

  it("refuses a directory held by a live stack", () => {
    const dir = fresh();
    // The parent process is alive and its command line contains "vitest".
    writeFileSync(join(dir, "stack.pid"), `${process.ppid}\nvitest\n`);
    expect(() => claimDataDir(dir)).toThrow(DataDirInUseError);
    expect(() => claimDataDir(dir)).toThrow(`is in use by another stack (pid ${process.ppid})`);
  });

  it("takes over a file left by a dead stack, or by a pid now running something else", () => {
    const dead = fresh();
    writeFileSync(join(dead, "stack.pid"), "4194000\nmain.ts\n");
    claimDataDir(dead)();

    const reused = fresh();
    writeFileSync(join(reused, "stack.pid"), `${process.ppid}\nlocal/main.ts\n`);
    const release = claimDataDir(reused);
    expect(readFileSync(join(reused, "stack.pid"), "utf8").split("\n")[0]).toBe(String(process.pid));
    release();
  });
});
