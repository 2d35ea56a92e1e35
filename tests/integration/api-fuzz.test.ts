/**
 * Property-based fuzzing of `POST /api/v1/tasks` through the real API handler, against real
 * dynalite and local-aws-sqs servers. Bodies: valid web tasks, valid tasks with one field
 * broken, random JSON, deeply nested junk, bodies near the size limits, non-JSON text, wrong
 * content types; sometimes base64-encoded, with an Idempotency-Key, or without a valid API key.
 * Issue 11's crafted inputs too: `__proto__`, `constructor` and `prototype` as keys in every
 * object-valued field (and in objects put where another value belongs), and the ReDoS family
 * in include/exclude next to patterns RE2 refuses.
 *
 * Property: every answer is a 201 with a pending task, or a 4xx envelope whose message names
 * the field (`<field>: …` or `unknown field …`); never a 5xx, never a stack. At the end the
 * table holds exactly the tasks answered 201, and the queue exactly one message for each.
 *
 * Replay a failure with FUZZ_SEED=<seed printed below>; FUZZ_RUNS changes the number of bodies.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestsOfKeys } from "../../core/auth/index.js";
import { BLOCKABLE_RESOURCES, WEB_RESULT_FIELDS, webTaskInput } from "../../core/platforms/web/schema.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { httpEvent, lambdaContext } from "../support/events.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_611);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1200);
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const KEY = "fuzz-key-0123456789abcdef";

/** Names a message may start with: the body's fields and the request's other parts. */
const FIELD_NAMES = new Set([
  ...Object.keys(webTaskInput.shape),
  "body",
  "content-type",
  "Idempotency-Key",
  "authorization",
]);

// ---- Generators ---------------------------------------------------------------------------

/** What the request must get: created (201), rejected (4xx; with this status when given), or either. */
type Expect = { outcome: "created" } | { outcome: "rejected"; status?: number } | { outcome: "either" };

interface Case {
  kind: string;
  /** The raw body, or undefined for none. */
  body: string | undefined;
  expect: Expect;
  /** undefined: no content-type header. */
  contentType?: string | undefined;
}

type Task = Record<string, unknown>;

const segment = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);
const url = fc
  .tuple(
    fc.constantFrom("http", "https"),
    fc.constantFrom("example.com", "example.org", "127.0.0.1:8080", "[::1]", "sub.example.net"),
    fc.array(segment, { maxLength: 4 }),
  )
  .map(([scheme, host, path]) => `${scheme}://${host}/${path.join("/")}`);
/** The issue's ReDoS family: accepted, since RE2 matches them in linear time. */
const REDOS_PATTERNS = [
  "(a+)+$",
  "(a|a)*$",
  "(a|aa)+$",
  "(a|b|ab)*c",
  "(.*?,){30}z",
  "(\\w+\\s?)*$",
  "(\\w*)*x",
  "^(([a-z])+.)+[A-Z]([a-z])+$",
];
const pattern = fc.constantFrom("^/blog/", "\\.html$", "products?", "/(a|b)/", "[0-9]+", ...REDOS_PATTERNS);
/** Keys that name JavaScript's object internals; refused wherever they appear. */
const PROTOTYPE_KEYS = ["__proto__", "constructor", "prototype"] as const;
const selectorName = fc
  .stringMatching(/^[a-z_][a-z0-9_]{0,20}$/)
  .filter(
    (name) =>
      !(WEB_RESULT_FIELDS as readonly string[]).includes(name) && !(PROTOTYPE_KEYS as readonly string[]).includes(name),
  );
/** Any well-formed text of 1–60 graphemes (astral characters included). */
const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 });

const validTask: fc.Arbitrary<Task> = fc.record(
  {
    platform: fc.constant("web"),
    crawler_type: fc.constantFrom("detail", "crawl"),
    urls: fc.array(url, { minLength: 1, maxLength: 5 }),
    max_pages: fc.integer({ min: 1, max: 10_000 }),
    max_depth: fc.integer({ min: 0, max: 20 }),
    include: fc.array(pattern, { maxLength: 3 }),
    exclude: fc.array(pattern, { maxLength: 3 }),
    same_origin: fc.boolean(),
    selectors: fc.dictionary(selectorName, text, { maxKeys: 5 }),
    wait_for: text,
    wait_until: fc.constantFrom("load", "domcontentloaded", "networkidle"),
    page_timeout_secs: fc.integer({ min: 1, max: 120 }),
    block_resources: fc.subarray([...BLOCKABLE_RESOURCES]),
  },
  { requiredKeys: ["platform", "crawler_type", "urls"], noNullPrototype: true },
);

const many = <T>(count: number, value: T): T[] => Array.from({ length: count }, () => value);
const selectorsOf = (count: number, value = "a") =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`s${i}`, value]));

/** For each field, values that are never valid there: wrong type, out of range, too long, too many. */
const INVALID: Record<string, unknown[]> = {
  platform: [null, 1, "WEB", "", "xhs", ["web"]],
  crawler_type: [null, 1, "Crawl", "", {}],
  urls: [
    null,
    "https://example.com/",
    [],
    [1],
    ["ftp://example.com/"],
    ["/relative"],
    [`https://example.com/${"a".repeat(2030)}`],
    many(101, "https://example.com/"),
    {},
  ],
  max_pages: [null, "5", 0, 10_001, 1.5, -1, true, 1e300],
  max_depth: [null, "2", -1, 21, 0.5, []],
  include: [
    null,
    "x",
    [1],
    [""],
    ["("],
    ["a".repeat(501)],
    many(51, "a"),
    {},
    ["^/(?=x)"],
    ["^/a", "(a)\\1"],
    ["a{1000}b{1000}"],
    many(30, ".{1000}x"),
  ],
  exclude: [null, "x", [2], [""], ["[z-a]"], ["a".repeat(501)], many(51, "a"), ["(?<!a)b"], ["(?!x)"], ["x{1001}"]],
  same_origin: [null, "true", 1, 0, []],
  selectors: [
    null,
    [],
    "a",
    { url: "a" },
    { a: "x\udc00" },
    { "bad name": "a" },
    { ["x".repeat(70)]: "a" },
    { a: "" },
    { a: 1 },
    { a: "x".repeat(501) },
    selectorsOf(51),
  ],
  wait_for: [null, 1, "", "x".repeat(501), ["#app"], "\ud800"],
  wait_until: [null, "idle", 1, "LOAD"],
  page_timeout_secs: [null, 0, 121, "30", 2.5],
  block_resources: [null, "image", ["script"], [...BLOCKABLE_RESOURCES, "image"], {}, [null]],
};

/** A valid task with exactly one thing wrong: a field's value, an unknown key, or a required field missing. */
const mutatedTask: fc.Arbitrary<Task> = fc.oneof(
  fc
    .tuple(validTask, fc.constantFrom(...Object.keys(INVALID)))
    .chain(([task, field]) => fc.constantFrom(...INVALID[field]!).map((value) => ({ ...task, [field]: value }))),
  fc
    .tuple(validTask, fc.string({ unit: "binary", maxLength: 80 }), fc.jsonValue({ maxDepth: 2 }))
    .filter(([, key]) => !Object.hasOwn(webTaskInput.shape, key))
    .map(([task, key, value]) => ({ ...task, [key]: value })),
  fc.tuple(validTask, fc.constantFrom("platform", "crawler_type", "urls")).map(([task, field]) => {
    const copy = { ...task };
    delete copy[field];
    return copy;
  }),
);

/**
 * A valid task with a prototype key planted: among its selectors (often with a valid CSS value,
 * `{"constructor": "h1"}` as the review sent it), in an object put in place of any field's
 * value (some levels down), or at the top. Written as JSON text, as an attacker would:
 * `__proto__` stays an ordinary key there.
 */
const prototypeKeyTask: fc.Arbitrary<string> = fc
  .tuple(
    validTask,
    fc.constantFrom(...PROTOTYPE_KEYS),
    fc.constantFrom("selectors", "selectors", "(top)", ...Object.keys(webTaskInput.shape)),
    fc.oneof(fc.constant("h1"), fc.jsonValue({ maxDepth: 1 })),
    fc.nat(3),
  )
  .map(([task, key, field, value, depth]) => {
    const planted = `${JSON.stringify(key)}:${JSON.stringify(value) ?? "null"}`;
    if (field === "(top)") return JSON.stringify(task).replace(/}$/, `,${planted}}`);
    const inner =
      field === "selectors"
        ? `{${Object.entries((task.selectors as Record<string, string> | undefined) ?? {})
            .map(([name, css]) => `${JSON.stringify(name)}:${JSON.stringify(css)},`)
            .join("")}${planted}}`
        : `${'{"a":'.repeat(depth)}{${planted}}${"}".repeat(depth)}`;
    return JSON.stringify({ ...task, [field]: "@@PLANTED@@" }).replace('"@@PLANTED@@"', inner);
  });

/** `[[[…]]]` or `{"a":{"a":…}}` nested `depth` deep, alone or inside a task field. */
const nestedJunk: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: 50, max: 20_000 }),
    fc.constantFrom("array", "object", "unbalanced"),
    fc.constantFrom("body", "urls", "selectors", "extra"),
  )
  .map(([depth, shape, where]) => {
    const nested =
      shape === "array"
        ? `${"[".repeat(depth)}${"]".repeat(depth)}`
        : shape === "object"
          ? `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`
          : "[".repeat(depth);
    if (where === "body") return nested;
    return `{"platform":"web","crawler_type":"crawl","urls":${where === "urls" ? nested : '["https://example.com/"]'}${where === "selectors" ? `,"selectors":${nested}` : ""}${where === "extra" ? `,"extra":${nested}` : ""}}`;
  });

/** Bodies near the limits: every list full and strings near their caps, some just over. */
const nearLimits: fc.Arbitrary<Case> = fc
  .record({
    urlLength: fc.integer({ min: 1900, max: 2049 }),
    // A crawl's start URLs (at most 100), or a detail batch big enough to cross the body limit.
    urlCount: fc.oneof(fc.integer({ min: 90, max: 100 }), fc.integer({ min: 1990, max: 2100 })),
    selectorLength: fc.integer({ min: 450, max: 501 }),
    selectorCount: fc.integer({ min: 40, max: 50 }),
    patternCount: fc.integer({ min: 0, max: 50 }),
  })
  .map(({ urlLength, urlCount, selectorLength, selectorCount, patternCount }) => {
    const base = "https://example.com/";
    const task = {
      platform: "web",
      crawler_type: urlCount > 100 ? "detail" : "crawl",
      urls: Array.from(
        { length: urlCount },
        (_, i) => `${base}${String(i).padStart(4, "0")}${"p".repeat(urlLength - base.length - 4)}`,
      ),
      selectors: selectorsOf(selectorCount, "s".repeat(selectorLength)),
      include: many(patternCount, "i".repeat(Math.min(selectorLength, 500))),
    };
    const body = JSON.stringify(task);
    const bytes = Buffer.byteLength(body);
    const expect: Expect =
      bytes > MAX_BODY_BYTES
        ? { outcome: "rejected", status: 413 }
        : urlLength > 2048 || selectorLength > 500
          ? { outcome: "rejected", status: 400 }
          : { outcome: "created" };
    return { kind: "near-limits", body, expect };
  });

/** A string just over the body limit, as one field of an otherwise valid task. */
const tooLarge: fc.Arbitrary<Case> = fc.integer({ min: 1, max: 4096 }).map((extra) => {
  const head = '{"platform":"web","crawler_type":"crawl","urls":["https://example.com/"],"wait_for":"';
  const filler = "w".repeat(MAX_BODY_BYTES - head.length - 2 + extra);
  return { kind: "too-large", body: `${head}${filler}"}`, expect: { outcome: "rejected", status: 413 } };
});

const JSON_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "Application/JSON",
  "application/problem+json",
];
const WRONG_TYPES = [
  undefined,
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "json",
  "application/jsonx",
  "text/json",
];

const cases: fc.Arbitrary<Case> = fc.oneof(
  {
    weight: 5,
    arbitrary: validTask.map(
      (task): Case => ({ kind: "valid", body: JSON.stringify(task), expect: { outcome: "created" } }),
    ),
  },
  {
    weight: 6,
    arbitrary: mutatedTask.map(
      (task): Case => ({ kind: "mutated", body: JSON.stringify(task), expect: { outcome: "rejected", status: 400 } }),
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .jsonValue()
      .map((value): Case => ({ kind: "random-json", body: JSON.stringify(value), expect: { outcome: "either" } })),
  },
  {
    weight: 1,
    arbitrary: nestedJunk.map((body): Case => ({ kind: "nested", body, expect: { outcome: "rejected", status: 400 } })),
  },
  {
    weight: 2,
    arbitrary: prototypeKeyTask.map(
      (body): Case => ({ kind: "prototype-key", body, expect: { outcome: "rejected", status: 400 } }),
    ),
  },
  { weight: 1, arbitrary: nearLimits },
  { weight: 1, arbitrary: tooLarge },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.string({ unit: "binary", maxLength: 300 }),
        validTask.chain((task) => fc.nat().map((n) => JSON.stringify(task).slice(0, n % JSON.stringify(task).length))),
      )
      .map((body): Case => ({ kind: "not-json", body, expect: { outcome: "rejected" } })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(validTask, fc.constantFrom(...WRONG_TYPES)).map(
      ([task, contentType]): Case => ({
        kind: "wrong-type",
        body: JSON.stringify(task),
        contentType,
        expect: { outcome: "rejected", status: 415 },
      }),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(validTask, fc.constantFrom(...JSON_TYPES)).map(
      ([task, contentType]): Case => ({
        kind: "json-type",
        body: JSON.stringify(task),
        contentType,
        expect: { outcome: "created" },
      }),
    ),
  },
);

/** How the request is sent: encoding, API key, Idempotency-Key. */
const delivery = fc.record({
  base64: fc.boolean(),
  auth: fc.constantFrom(...many(5, "bearer"), ...many(4, "header"), "none", "wrong"),
  idempotency: fc.constantFrom("none", "none", "none", "none", "unique", "invalid"),
  invalidKey: fc.constantFrom("", " ", "x".repeat(256), "ключ", "a b"),
});

// ---- Running --------------------------------------------------------------------------------

let aws: TestAws;
let handler: typeof import("../../functions/api/handler.js").handler;

beforeAll(async () => {
  aws = await startTestAws();
  process.env.API_KEY_SHA256 = digestsOfKeys(KEY);
  // 1200 creates from one caller within a minute: the task-creation limit (tests/integration/
  // rate-limit.test.ts has its own tests) would answer 429 to the later ones.
  process.env.CREATE_RATE_LIMIT = "0";
  ({ handler } = await import("../../functions/api/handler.js"));
});

afterAll(async () => {
  delete process.env.API_KEY_SHA256;
  delete process.env.CREATE_RATE_LIMIT;
  await aws?.close();
});

async function storedTaskIds(): Promise<string[]> {
  return (await storedKeys()).filter((id) => !/^(idempotency|urls)#/.test(id));
}

/** The list ids of stored long URL lists: a created task's id, or `k…` derived from its Idempotency-Key. */
async function storedUrlListIds(): Promise<Set<string>> {
  return new Set((await storedKeys()).filter((id) => id.startsWith("urls#")).map((id) => id.split("#")[1]!));
}

async function storedKeys(): Promise<string[]> {
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await aws.clients.doc.send(
      new ScanCommand({ TableName: aws.tasksTable, ExclusiveStartKey: start, ProjectionExpression: "task_id" }),
    );
    for (const item of page.Items ?? []) ids.push(String(item.task_id));
    start = page.LastEvaluatedKey;
  } while (start);
  return ids;
}

/**
 * Every message in the queue, deleted. A 1 s long poll, not a short one: local-aws-sqs looks
 * for messages on a 10 ms timer, so under load a WaitTimeSeconds 0 poll can come back empty
 * from a full queue. A poll for 10 returns as soon as it has 10, else after the second.
 */
async function drainQueue(): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const got = await aws.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: aws.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const messages = got.Messages ?? [];
    if (messages.length === 0) return ids;
    for (const message of messages) ids.push(JSON.parse(message.Body ?? "{}").task_id);
    await aws.clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: aws.queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

/** The message names a field: `<field>: …` (its first part a known name) or `unknown field(s) …`. */
function namesAField(message: string, field: unknown): boolean {
  if (/^unknown fields? "/.test(message)) return true;
  const name = typeof field === "string" ? field : /^([\w.-]+): /.exec(message)?.[1];
  return name !== undefined && message.startsWith(`${name}: `) && FIELD_NAMES.has(name.split(".")[0]!);
}

describe("POST /api/v1/tasks, fuzzed", () => {
  it(`answers ${RUNS} generated requests with a created task or a 4xx naming the field, storing only what it created`, {
    timeout: 180_000,
  }, async () => {
    console.log(`api-fuzz: seed ${SEED}, ${RUNS} runs (replay with FUZZ_SEED=${SEED})`);
    expect(await storedTaskIds()).toEqual([]);
    await drainQueue();
    const created = new Set<string>();
    const kinds = new Map<string, number>();
    let idempotencyCounter = 0;
    const startedAt = Date.now();

    await fc.assert(
      fc.asyncProperty(cases, delivery, async (c, how) => {
        const headers: Record<string, string> = {};
        if (how.auth === "bearer") headers.Authorization = `Bearer ${KEY}`;
        if (how.auth === "header") headers["X-Api-Key"] = KEY;
        if (how.auth === "wrong") headers.Authorization = `Bearer ${KEY}x`;
        if (how.idempotency === "unique") headers["Idempotency-Key"] = `fuzz-${SEED}-${++idempotencyCounter}`;
        if (how.idempotency === "invalid") headers["Idempotency-Key"] = how.invalidKey;
        if (c.contentType !== undefined) headers["content-type"] = c.contentType;
        const event = httpEvent("POST", "/api/v1/tasks", {
          headers,
          ...(c.body === undefined ? {} : { body: c.body, base64: how.base64 }),
        });
        if (c.kind === "wrong-type" && c.contentType === undefined) delete event.headers["content-type"];

        const response = await handler(event, lambdaContext());
        const status = response.statusCode;
        const raw = response.body ?? "";
        kinds.set(`${c.kind} ${status}`, (kinds.get(`${c.kind} ${status}`) ?? 0) + 1);

        expect(status, raw.slice(0, 300)).toBeGreaterThanOrEqual(200);
        expect(status, raw.slice(0, 300)).toBeLessThan(500);
        expect(response.headers["content-type"]).toMatch(/^application\/json/);
        const body = JSON.parse(raw) as { code: number; message: string; data: any };

        if (status === 201) {
          expect(body.code).toBe(0);
          expect(body.data).toMatchObject({ status: "pending", platform: "web", attempts: 0 });
          expect(body.data.task_id).toMatch(/^[0-9A-Z]{26}$/);
          created.add(body.data.task_id);
        } else {
          expect(status, `${status} ${body.message}`).toBeGreaterThanOrEqual(400);
          expect(body.code).toBe(status);
          expect(typeof body.data?.error).toBe("string");
          expect(namesAField(body.message, body.data?.field), body.message.slice(0, 200)).toBe(true);
          expect(body.message).not.toMatch(/\n\s+at /);
          expect(raw).not.toMatch(/"stack"|node:internal/);
        }

        const authenticated = how.auth === "bearer" || how.auth === "header";
        const wanted: Expect = !authenticated
          ? { outcome: "rejected", status: 401 }
          : how.idempotency === "invalid" && c.expect.outcome !== "rejected"
            ? { outcome: "rejected" }
            : c.expect;
        if (wanted.outcome === "created") expect(status, body.message).toBe(201);
        if (wanted.outcome === "rejected") {
          expect(status, body.message).not.toBe(201);
          if (wanted.status !== undefined) expect(status, body.message).toBe(wanted.status);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );

    const stored = await storedTaskIds();
    const queued = await drainQueue();
    console.log(
      `api-fuzz: ${RUNS} requests in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; ${created.size} created; by kind and status: ${JSON.stringify(Object.fromEntries([...kinds].sort()))}`,
    );
    expect(created.size).toBeGreaterThan(RUNS / 10);
    expect(stored.length).toBe(created.size);
    expect(new Set(stored)).toEqual(created);
    for (const list of await storedUrlListIds())
      expect(created.has(list) || list.startsWith("k"), `URL list ${list}`).toBe(true);
    expect(queued.length).toBe(created.size);
    expect(new Set(queued)).toEqual(created);
  });
});
