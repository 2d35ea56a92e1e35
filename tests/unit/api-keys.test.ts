import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  ApiKeyConfigError,
  MAX_API_KEY_LENGTH,
  digestsOfKeys,
  isValidKey,
  parseKeyDigests,
  presentedKey,
  sha256Hex,
} from "../../core/auth/index.js";

const KEY = "k3y-0123456789abcdef";
const OTHER = "other-key-0123456789";
const hex = (value: string) => createHash("sha256").update(value).digest("hex");

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiKeyConfigError);
    return (error as Error).message;
  }
  throw new Error("expected an ApiKeyConfigError");
}

describe("digestsOfKeys", () => {
  it("hashes each comma-separated key, skipping blanks and spaces around them", () => {
    expect(sha256Hex(KEY)).toBe(hex(KEY));
    expect(digestsOfKeys(KEY)).toBe(hex(KEY));
    expect(digestsOfKeys(` ${KEY} ,, ${OTHER} `)).toBe(`${hex(KEY)},${hex(OTHER)}`);
  });

  it("refuses a value with no key at all, which would leave the API open", () => {
    expect(configError(() => digestsOfKeys(" , "))).toBe("no key given (keys are comma-separated)");
  });

  it("refuses short, long or non-ASCII keys without showing them", () => {
    for (const bad of ["short", "x".repeat(MAX_API_KEY_LENGTH + 1), "sixteen chars ok?", "ключ-ключ-ключ-ключ"]) {
      const message = configError(() => digestsOfKeys(`${KEY},${bad}`));
      expect(message).toMatch(/^key 2 of 2 must be 16–512 visible ASCII characters/);
      expect(message).not.toContain(bad);
      expect(message).not.toContain(KEY);
    }
  });
});

describe("parseKeyDigests", () => {
  it("reads comma-separated hex digests in either case; nothing configured is an empty list", () => {
    const digests = parseKeyDigests(`${hex(KEY).toUpperCase()}, ${hex(OTHER)}`);
    expect(digests.map((d) => d.toString("hex"))).toEqual([hex(KEY), hex(OTHER)]);
    expect(parseKeyDigests(undefined)).toEqual([]);
    expect(parseKeyDigests(" ")).toEqual([]);
  });

  it("refuses an entry that is not a digest (fails closed)", () => {
    expect(configError(() => parseKeyDigests(`${hex(KEY)},${KEY}`))).toBe(
      "API_KEY_SHA256 entry 2 is not 64 hex digits",
    );
    expect(configError(() => parseKeyDigests(hex(KEY).slice(1)))).toBe("API_KEY_SHA256 entry 1 is not 64 hex digits");
  });
});

describe("isValidKey", () => {
  const digests = parseKeyDigests(digestsOfKeys(`${KEY},${OTHER}`));

  it("accepts any configured key (rotation) and nothing else", () => {
    expect(isValidKey(KEY, digests)).toBe(true);
    expect(isValidKey(OTHER, digests)).toBe(true);
    expect(isValidKey(`${KEY}x`, digests)).toBe(false);
    expect(isValidKey(KEY.slice(0, -1), digests)).toBe(false);
    expect(isValidKey(hex(KEY), digests)).toBe(false);
    expect(isValidKey("", digests)).toBe(false);
    expect(isValidKey(KEY, [])).toBe(false);
  });

  it("refuses over-long keys", () => {
    const long = "a".repeat(MAX_API_KEY_LENGTH + 1);
    expect(isValidKey(long, [Buffer.from(hex(long), "hex")])).toBe(false);
  });
});

describe("presentedKey", () => {
  it("takes a Bearer token (any case of the scheme), else x-api-key", () => {
    expect(presentedKey({ authorization: `Bearer ${KEY}` })).toBe(KEY);
    expect(presentedKey({ authorization: `bearer   ${KEY} ` })).toBe(KEY);
    expect(presentedKey({ "x-api-key": ` ${KEY} ` })).toBe(KEY);
    expect(presentedKey({ authorization: `Bearer ${KEY}`, "x-api-key": OTHER })).toBe(KEY);
    expect(presentedKey({ authorization: `Basic ${KEY}`, "x-api-key": OTHER })).toBe(OTHER);
  });

  it("is undefined when no key is presented", () => {
    expect(presentedKey(undefined)).toBeUndefined();
    expect(presentedKey({})).toBeUndefined();
    expect(presentedKey({ authorization: "Bearer" })).toBeUndefined();
    expect(presentedKey({ authorization: "Bearer a b" })).toBeUndefined();
    expect(presentedKey({ authorization: `Basic ${KEY}` })).toBeUndefined();
    expect(presentedKey({ "x-api-key": "  " })).toBeUndefined();
  });
});
