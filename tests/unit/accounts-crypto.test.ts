/**
 * Cookies at rest (core/accounts/crypto.ts): AES-256-GCM round trip, a fresh IV per seal,
 * every kind of tampering refused, key rotation, and key errors that never show the key.
 */
import { describe, expect, it } from "vitest";
import {
  AccountCookiesUnreadableError,
  AccountsKeyError,
  AccountsKeyring,
  keyId,
  openCookies,
  sealCookies,
  type SealedCookies,
} from "../../core/accounts/index.js";

const KEY_A = Buffer.alloc(32, 1).toString("base64");
const KEY_B = Buffer.alloc(32, 2).toString("base64");
const ring = (value: string) => AccountsKeyring.fromEnv({ ACCOUNTS_ENCRYPTION_KEY: value });
const account = { account_id: "01J0000000000000000000000A", platform: "xhs" };
const cookies = [
  { name: "web_session", value: "040069b5-secret-session", domain: ".xiaohongshu.com", httpOnly: true },
  { name: "a1", value: "18f0c0ffee" },
];

/** Flips one bit of a base64 field. */
function flip(base64: string): string {
  const bytes = Buffer.from(base64, "base64");
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return bytes.toString("base64");
}

describe("sealing cookies", () => {
  it("opens what it sealed, and the sealed form shows no cookie", () => {
    const keyring = ring(KEY_A);
    const sealed = sealCookies(keyring, account, cookies);
    expect(sealed).toMatchObject({ alg: "A256GCM", key_id: keyId(Buffer.from(KEY_A, "base64")) });
    expect(Buffer.from(sealed.iv, "base64")).toHaveLength(12);
    expect(Buffer.from(sealed.tag, "base64")).toHaveLength(16);
    const stored = JSON.stringify(sealed);
    for (const text of ["web_session", "040069b5", "18f0c0ffee", "xiaohongshu"]) expect(stored).not.toContain(text);
    expect(openCookies(keyring, { ...account, sealed_cookies: sealed })).toEqual(cookies);
  });

  it("uses a new random IV every time, so the same cookies never seal the same way", () => {
    const keyring = ring(KEY_A);
    const first = sealCookies(keyring, account, cookies);
    const second = sealCookies(keyring, account, cookies);
    expect(first.iv).not.toBe(second.iv);
    expect(first.data).not.toBe(second.data);
  });

  it.each([
    ["ciphertext", (s: SealedCookies) => ({ ...s, data: flip(s.data) })],
    ["IV", (s: SealedCookies) => ({ ...s, iv: flip(s.iv) })],
    ["tag", (s: SealedCookies) => ({ ...s, tag: flip(s.tag) })],
    [
      "tag, truncated",
      (s: SealedCookies) => ({ ...s, tag: Buffer.from(s.tag, "base64").subarray(0, 8).toString("base64") }),
    ],
  ])("refuses a blob whose %s was altered", (_part, tamper) => {
    const keyring = ring(KEY_A);
    const sealed = tamper(sealCookies(keyring, account, cookies));
    expect(() => openCookies(keyring, { ...account, sealed_cookies: sealed })).toThrow(AccountCookiesUnreadableError);
    expect(() => openCookies(keyring, { ...account, sealed_cookies: sealed })).toThrow(/authentication failed/);
  });

  it("refuses a blob copied onto another account or platform (authenticated data)", () => {
    const keyring = ring(KEY_A);
    const sealed = sealCookies(keyring, account, cookies);
    expect(() =>
      openCookies(keyring, { ...account, account_id: "01J0000000000000000000000B", sealed_cookies: sealed }),
    ).toThrow(/authentication failed/);
    expect(() => openCookies(keyring, { ...account, platform: "dy", sealed_cookies: sealed })).toThrow(
      /authentication failed/,
    );
  });

  it("opens old items after a rotation (new key first) and names the key an item needs once it is dropped", () => {
    const before = sealCookies(ring(KEY_A), account, cookies);
    const rotating = ring(`${KEY_B},${KEY_A}`);
    expect(openCookies(rotating, { ...account, sealed_cookies: before })).toEqual(cookies);
    expect(sealCookies(rotating, account, cookies).key_id).toBe(keyId(Buffer.from(KEY_B, "base64")));

    const error = (() => {
      try {
        openCookies(ring(KEY_B), { ...account, sealed_cookies: before });
      } catch (caught) {
        return caught as AccountCookiesUnreadableError;
      }
    })();
    expect(error).toBeInstanceOf(AccountCookiesUnreadableError);
    expect(error?.code).toBe("ACCOUNT_UNREADABLE");
    expect(error?.key_id).toBe(before.key_id);
    expect(error?.message).toContain("unknown key");
  });
});

describe("ACCOUNTS_ENCRYPTION_KEY", () => {
  it.each([
    ["unset", undefined, "is not set"],
    ["empty", "  ", "is not set"],
    ["not base64", "not a key!", "must be base64"],
    ["16 bytes", Buffer.alloc(16, 7).toString("base64"), "must be 32 bytes"],
  ])("is refused when %s, without showing the value", (_case, value, message) => {
    const attempt = () => AccountsKeyring.fromEnv(value === undefined ? {} : { ACCOUNTS_ENCRYPTION_KEY: value });
    expect(attempt).toThrow(AccountsKeyError);
    expect(attempt).toThrow(message);
    if (value?.trim()) expect(attempt).not.toThrow(value);
  });

  it("is a 503-class dependency error naming accounts_key", () => {
    try {
      AccountsKeyring.fromEnv({});
    } catch (error) {
      expect(error).toMatchObject({ code: "DEPENDENCY_UNAVAILABLE", dependency: "accounts_key" });
    }
    expect.assertions(1);
  });

  it("generates keys it accepts", () => {
    const generated = AccountsKeyring.generateKey();
    expect(Buffer.from(generated, "base64")).toHaveLength(32);
    expect(ring(generated).currentKeyId).toMatch(/^[0-9a-f]{8}$/);
    expect(AccountsKeyring.generateKey()).not.toBe(generated);
  });
});
