/**
 * The cookie formats users bring (core/accounts/cookies.ts): a Cookie header, a browser
 * export, the export as a JSON string — their bounds, their errors (which never echo a
 * cookie), and the fingerprint that is the same whatever the format.
 */
import { describe, expect, it } from "vitest";
import {
  cookieFingerprint,
  cookiesInput,
  MAX_COOKIES,
  MAX_COOKIES_BYTES,
  normalizeCookies,
} from "../../core/accounts/index.js";
import { parseOrThrow } from "../../core/validation.js";

const parse = (input: unknown) => parseOrThrow(cookiesInput, input, ["cookies"]);
const failure = (input: unknown): string => {
  try {
    parse(input);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a validation error");
};

/** What Cookie-Editor / EditThisCookie export: extra keys, expirationDate in epoch seconds. */
const exported = [
  {
    domain: ".xiaohongshu.com",
    expirationDate: 1_893_456_000.5,
    hostOnly: false,
    httpOnly: true,
    name: "web_session",
    path: "/",
    sameSite: "lax",
    secure: true,
    session: false,
    storeId: "0",
    value: "040069b5-sess",
  },
  {
    domain: ".xiaohongshu.com",
    hostOnly: false,
    httpOnly: false,
    name: "a1",
    path: "/",
    secure: false,
    session: true,
    value: "18f0c0ffee",
    id: 2,
  },
];

describe("cookie formats", () => {
  it("reads a Cookie header, with or without the 'Cookie:' prefix, keeping '=' inside values", () => {
    expect(parse("a1=18f0c0ffee; web_session=040069b5-sess")).toEqual([
      { name: "a1", value: "18f0c0ffee" },
      { name: "web_session", value: "040069b5-sess" },
    ]);
    expect(parse("Cookie: token=abc==; empty=;  ")).toEqual([
      { name: "token", value: "abc==" },
      { name: "empty", value: "" },
    ]);
  });

  it("reads a browser export, keeping name/value/domain/path/expires/flags and dropping the rest", () => {
    expect(parse(exported)).toEqual([
      {
        name: "web_session",
        value: "040069b5-sess",
        domain: ".xiaohongshu.com",
        path: "/",
        expires: 1_893_456_000.5,
        httpOnly: true,
        secure: true,
      },
      { name: "a1", value: "18f0c0ffee", domain: ".xiaohongshu.com", path: "/", httpOnly: false, secure: false },
    ]);
  });

  it("reads the export pasted as a JSON string the same way", () => {
    expect(parse(JSON.stringify(exported))).toEqual(parse(exported));
    expect(parse(`  ${JSON.stringify([{ name: "a", value: "1", expires: 5 }])}\n`)).toEqual([
      { name: "a", value: "1", expires: 5 },
    ]);
  });

  it.each([
    ["an empty header", "", "cookies: must contain at least one cookie"],
    ["an empty array", [], "cookies: must contain at least one cookie"],
    ["a pair without '='", "a=1; s3cr3t-token; b=2", 'entry 2 of the Cookie header has no "="'],
    ["broken JSON", "[{name: a}]", "looks like a JSON array but is not valid JSON"],
    ["a name with a space", "my cookie=1", "cookies.0.name: must be a cookie name"],
    [
      "a control character in a value",
      [{ name: "a", value: "x\u0001y" }],
      "cookies.0.value: must not contain ';' or control characters",
    ],
    ["a ';' in an exported value", [{ name: "a", value: "x;y" }], "cookies.0.value:"],
    ["a value that is not a string", [{ name: "a", value: 1 }], "cookies.0.value:"],
    ["a number", 42, "cookies: must be a Cookie header string"],
  ])("refuses %s", (_case, input, message) => {
    expect(failure(input)).toContain(message);
  });

  it("never echoes a cookie in a message", () => {
    expect(failure("a=1; s3cr3t-token; b=2")).not.toContain("s3cr3t");
    expect(failure([{ name: "a", value: "s3cr3t\u0001" }])).not.toContain("s3cr3t");
  });

  it(`allows ${MAX_COOKIES} cookies and ${MAX_COOKIES_BYTES} bytes, not one more`, () => {
    const many = (count: number) => Array.from({ length: count }, (_, i) => ({ name: `c${i}`, value: "v" }));
    expect(parse(many(MAX_COOKIES))).toHaveLength(MAX_COOKIES);
    expect(failure(many(MAX_COOKIES + 1))).toBe(`cookies: must have at most ${MAX_COOKIES} cookies`);

    const header = (bytes: number) => `big=${"x".repeat(bytes - 4)}`;
    expect(parse(header(MAX_COOKIES_BYTES))).toHaveLength(1);
    expect(failure(header(MAX_COOKIES_BYTES + 1))).toBe(
      `cookies: must be at most ${MAX_COOKIES_BYTES} bytes (got ${MAX_COOKIES_BYTES + 1})`,
    );
    // Multi-byte characters count as bytes, not characters.
    expect(failure(`big=${"é".repeat(MAX_COOKIES_BYTES / 2)}`)).toContain("must be at most");
  });
});

describe("fingerprint", () => {
  it("is 16 hex of SHA-256 of the normalized list, the same for a header, an export and a JSON string", () => {
    const fromHeader = parse("web_session=040069b5-sess; a1=18f0c0ffee");
    expect(normalizeCookies(fromHeader)).toBe("a1=18f0c0ffee; web_session=040069b5-sess");
    const fingerprint = cookieFingerprint(fromHeader);
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    // printf "a1=18f0c0ffee; web_session=040069b5-sess" | sha256sum | cut -c1-16
    expect(fingerprint).toBe("82d11543a23319a1");
    expect(cookieFingerprint(parse(exported))).toBe(fingerprint);
    expect(cookieFingerprint(parse(JSON.stringify(exported)))).toBe(fingerprint);
  });

  it("changes when a value changes", () => {
    expect(cookieFingerprint(parse("a1=18f0c0ffee; web_session=040069b5-sesS"))).not.toBe(
      cookieFingerprint(parse("a1=18f0c0ffee; web_session=040069b5-sess")),
    );
  });
});
