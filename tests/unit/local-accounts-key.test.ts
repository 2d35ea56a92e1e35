/**
 * The one-machine stack's accounts key (local/accounts-key.ts): created once under
 * DATA_DIR with mode 0600, the same after a restart, overridden by the variable, and a
 * bad key is one clear line without the key.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AccountsKeyring } from "../../core/accounts/index.js";
import { ACCOUNTS_KEY_FILE, ensureAccountsKey } from "../../local/accounts-key.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "accounts-key-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("ensureAccountsKey", () => {
  it("creates a private key file once and gives the same key after a restart", () => {
    const first = ensureAccountsKey(dir, {});
    expect(first.source).toBe("created");
    const path = join(dir, ACCOUNTS_KEY_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8").trim()).toBe(first.key);
    expect(AccountsKeyring.fromEnv({ ACCOUNTS_ENCRYPTION_KEY: first.key }).currentKeyId).toBe(first.keyId);

    const again = ensureAccountsKey(dir, {});
    expect(again).toEqual({ ...first, source: "file" });
  });

  it("prefers ACCOUNTS_ENCRYPTION_KEY and then writes no file", () => {
    const key = AccountsKeyring.generateKey();
    expect(ensureAccountsKey(dir, { ACCOUNTS_ENCRYPTION_KEY: key })).toMatchObject({ key, source: "env" });
    expect(() => statSync(join(dir, ACCOUNTS_KEY_FILE))).toThrow();
  });

  it("makes a key file readable by others private again", () => {
    const path = join(dir, ACCOUNTS_KEY_FILE);
    writeFileSync(path, `${AccountsKeyring.generateKey()}\n`);
    chmodSync(path, 0o644);
    expect(ensureAccountsKey(dir, {}).source).toBe("file");
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("refuses a malformed key in one line that names where it came from, not the value", () => {
    writeFileSync(join(dir, ACCOUNTS_KEY_FILE), "c2hvcnQ=\n", { mode: 0o600 });
    expect(() => ensureAccountsKey(dir, {})).toThrow(`${join(dir, ACCOUNTS_KEY_FILE)} is not a valid accounts key`);
    expect(() => ensureAccountsKey(dir, { ACCOUNTS_ENCRYPTION_KEY: "c2hvcnQ=" })).toThrow(
      /^ACCOUNTS_ENCRYPTION_KEY is not a valid accounts key/,
    );
    expect(() => ensureAccountsKey(dir, { ACCOUNTS_ENCRYPTION_KEY: "c2hvcnQ=" })).not.toThrow("c2hvcnQ");
  });
});
