/**
 * Evaluates sst.config.ts and infra/*.ts offline, against a stand-in for SST's globals that
 * records every component and method call, then checks the wiring: queue timeouts, the
 * crawler's subscription and sizing, tables against core/aws/tables.ts, routes, handlers,
 * environment variables and outputs. Each check is also run against deliberately broken
 * wiring (`tamper`) to prove it can fail.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { digestsOfKeys } from "../../core/auth/apiKeys.js";
import { ACCOUNTS_TABLE, accountsKeyAttributes, POLITENESS_TABLE, RESULTS_TABLE, TASKS_TABLE, tasksKeyAttributes } from "../../core/aws/tables.js";
import { ENV } from "../../core/config.js";
import { accountRoutes, docRoutes, taskRoutes } from "../../functions/api/routes.js";

const ROOT = resolve(import.meta.dirname, "../..");
/** What the stand-in's secrets hold; no function's arguments may contain it. */
const SECRET_VALUE = "test-key-0123456789,test-key-abcdefghij";
/**
 * Every route the API's router has (HEAD is left to `$default`: API Gateway routes it like
 * any unlisted route). Taken from the router itself, so a new route cannot be forgotten here.
 */
const unusedService = (): never => {
  throw new Error("not called: only the route table is read");
};
const REQUIRED_ROUTES = [...taskRoutes(unusedService), ...accountRoutes(unusedService), ...docRoutes()]
  .filter((route) => route.method !== "HEAD")
  .map((route) => `${route.method} ${route.path}`);

// ---- Recording stand-in for SST ---------------------------------------------------------

type Args = Record<string, any>;
interface Call { method: string; args: any[] }
/** One recorded component; `out` holds the placeholders its outputs resolve to. */
interface Component { type: string; name: string; args: Args; calls: Call[]; out: { name: string; arn: string; url: string } }
/** Rewrites the arguments at a site such as "Queue:TaskQueue" or "Queue:TaskQueue.subscribe". */
type Tamper = (site: string, args: any[]) => any[];

interface Stack {
  components: Component[];
  outputs: Record<string, unknown>;
  app: (stage: string) => Args;
}

function placeholder(type: string, name: string, prop: string): string {
  return `<${type}:${name}.${prop}>`;
}

function recordingSst(components: Component[], tamper: Tamper) {
  const classes = new Map<string, unknown>();
  const componentClass = (type: string) => {
    if (!classes.has(type)) {
      classes.set(type, class {
        readonly component: Component;
        readonly name: string;
        readonly arn: string;
        readonly url: string;
        readonly id: string;
        constructor(name: string, ...rest: any[]) {
          const [args = {}] = tamper(`${type}:${name}`, rest);
          this.name = placeholder(type, name, "name");
          this.arn = placeholder(type, name, "arn");
          this.url = placeholder(type, name, "url");
          this.id = placeholder(type, name, "id");
          this.component = { type, name, args, calls: [], out: { name: this.name, arn: this.arn, url: this.url } };
          components.push(this.component);
        }
        subscribe(...args: any[]) { return this.record("subscribe", args); }
        route(...args: any[]) { return this.record("route", args); }
        private record(method: string, args: any[]) {
          const { type: t, name: n } = this.component;
          this.component.calls.push({ method, args: tamper(`${t}:${n}.${method}`, args) });
          return { arn: placeholder(t, n, `${method}.arn`) };
        }
      });
    }
    return classes.get(type);
  };
  const namespace = (extra: Args) =>
    new Proxy(extra, { get: (target, key) => (key in target ? target[key as string] : componentClass(String(key))) });
  /**
   * sst.Secret: `.value` is an Output, recorded as `{ from }` when passed on as it is; its
   * `.apply` is recorded as `{ from, value }`.
   */
  class Secret {
    readonly component: Component;
    constructor(name: string, placeholderValue?: string) {
      const out = { name: placeholder("Secret", name, "name"), arn: placeholder("Secret", name, "arn"), url: placeholder("Secret", name, "url") };
      this.component = { type: "Secret", name, args: placeholderValue === undefined ? {} : { placeholder: placeholderValue }, calls: [], out };
      components.push(this.component);
    }
    get value() {
      const from = placeholder("Secret", this.component.name, "value");
      return { from, apply: (fn: (value: string) => unknown) => ({ from, value: fn(SECRET_VALUE) }) };
    }
  }
  return namespace({ aws: namespace({}), Secret });
}

async function evaluateInfra(tamper: Tamper = (_site, args) => args): Promise<Stack> {
  const components: Component[] = [];
  Object.assign(globalThis, {
    sst: recordingSst(components, tamper),
    $app: { name: "crawl-tasks", stage: "test" },
    $dev: false,
    $config: (config: unknown) => config,
    $interpolate: (strings: TemplateStringsArray, ...values: unknown[]) => String.raw({ raw: strings }, ...values),
    $output: (value: unknown) => value,
    $resolve: (value: unknown) => value,
  });
  vi.resetModules();
  const config = (await import(pathToFileURL(resolve(ROOT, "sst.config.ts")).href)).default;
  const outputs = await config.run();
  return { components, outputs, app: (stage) => config.app({ stage }) };
}

// ---- Reading the recording --------------------------------------------------------------

const SECONDS = { second: 1, minute: 60, hour: 3600, day: 86400 } as const;
function seconds(duration: string): number {
  const match = /^(\d+(?:\.\d+)?) (second|minute|hour|day)s?$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  return Number(match[1]) * SECONDS[match[2] as keyof typeof SECONDS];
}
function megabytes(size: string): number {
  const match = /^(\d+(?:\.\d+)?) (MB|GB)$/.exec(size);
  if (!match) throw new Error(`not a size: ${size}`);
  return Number(match[1]) * (match[2] === "GB" ? 1024 : 1);
}

const ofType = (stack: Stack, ...types: string[]) => stack.components.filter((c) => types.includes(c.type));
const byArn = (stack: Stack, arn: unknown) => stack.components.find((c) => c.out.arn === arn);
const calls = (stack: Stack, method: string) =>
  stack.components.flatMap((c) => c.calls.filter((call) => call.method === method).map((call) => ({ owner: c, ...call })));

/** FunctionArgs as given to a Function, subscriber, cron or route (a string is a handler). */
function functionArgs(stack: Stack, input: unknown): Args | undefined {
  if (typeof input === "object" && input !== null) return input as Args;
  if (typeof input !== "string") return undefined;
  const target = byArn(stack, input);
  return target ? target.args : { handler: input };
}

/** Every function the stack deploys, by where it is declared. */
function allFunctions(stack: Stack): Array<{ site: string; args: Args }> {
  const found = new Map<Args, string>();
  const add = (site: string, input: unknown) => {
    const args = functionArgs(stack, input);
    if (args && !found.has(args)) found.set(args, site);
  };
  for (const fn of ofType(stack, "Function")) add(`Function ${fn.name}`, fn.args);
  for (const cron of ofType(stack, "Cron", "CronV2")) add(`Cron ${cron.name}`, cron.args.function ?? cron.args.job);
  for (const call of calls(stack, "subscribe")) add(`${call.owner.name}.subscribe`, call.args[0]);
  for (const call of calls(stack, "route")) add(`${call.owner.name}.route`, call.args[1]);
  return [...found].map(([args, site]) => ({ site, args }));
}

/** The queue `handler` is subscribed to. */
function queueOf(stack: Stack, handler: string): Component | undefined {
  return ofType(stack, "Queue").find((q) => q.calls.some((c) => c.method === "subscribe" && functionArgs(stack, c.args[0])?.handler === handler));
}
/** The crawl queue: the crawler's, with a dead-letter queue (which may have its own subscriber). */
function taskQueue(stack: Stack): Component | undefined {
  return queueOf(stack, "functions/crawler/handler.handler");
}
/** The queue task events wait in for the webhook function. */
function webhookQueue(stack: Stack): Component | undefined {
  return queueOf(stack, "functions/webhooks/handler.handler");
}
function crawler(stack: Stack): Args {
  const subscription = taskQueue(stack)?.calls.find((c) => c.method === "subscribe");
  return functionArgs(stack, subscription?.args[0]) ?? {};
}
function table(stack: Stack, hashKey: string, rangeKey?: string): Component | undefined {
  return ofType(stack, "Dynamo").find(
    (t) => t.args.primaryIndex?.hashKey === hashKey && t.args.primaryIndex?.rangeKey === rangeKey,
  );
}

/** Every string inside `value` (objects may be cyclic: a linked component refers to itself). */
function allStrings(value: unknown, seen = new Set<unknown>()): string[] {
  if (typeof value === "string") return [value];
  if (typeof value !== "object" || value === null || seen.has(value)) return [];
  seen.add(value);
  return Object.values(value).flatMap((v) => allStrings(v, seen));
}

// ---- Checks: each returns the problems it finds -----------------------------------------

function problems(entries: Array<[boolean, string]>): string[] {
  return entries.filter(([ok]) => !ok).map(([, message]) => message);
}

const checks: Record<string, (stack: Stack) => string[]> = {
  app(stack) {
    const prod = stack.app("prod");
    const dev = stack.app("dev");
    return problems([
      [prod.name === "crawl-tasks" && prod.home === "aws", "app name crawl-tasks, home aws"],
      [prod.removal === "retain" && prod.protect === true, "prod retains and protects"],
      [dev.removal === "remove" && !dev.protect, "other stages are removed and unprotected"],
    ]);
  },
  tables(stack) {
    const tasks = table(stack, TASKS_TABLE.hashKey);
    const results = table(stack, RESULTS_TABLE.hashKey, RESULTS_TABLE.rangeKey);
    const politeness = table(stack, POLITENESS_TABLE.hashKey);
    const accounts = table(stack, ACCOUNTS_TABLE.hashKey);
    const expectedAccountIndexes = Object.fromEntries(
      ACCOUNTS_TABLE.indexes.map((i) => [i.name, { hashKey: i.hashKey, rangeKey: i.rangeKey, projection: "all" }]),
    );
    const expectedIndexes = Object.fromEntries(
      TASKS_TABLE.indexes.map((i) => [i.name, { hashKey: i.hashKey, rangeKey: i.rangeKey, projection: "all" }]),
    );
    const declared = Object.fromEntries(
      Object.entries(tasks?.args.globalIndexes ?? {}).map(([name, i]: [string, any]) => [name, { projection: "all", ...i }]),
    );
    return problems([
      [ofType(stack, "Dynamo").length === 4, "exactly four tables"],
      [tasks !== undefined, `tasks table keyed by ${TASKS_TABLE.hashKey}`],
      [results !== undefined, `results table keyed by ${RESULTS_TABLE.hashKey} + ${RESULTS_TABLE.rangeKey}`],
      [isDeepStrictEqual(declared, expectedIndexes), "tasks GSIs equal core/aws/tables.ts"],
      [tasks?.args.ttl === TASKS_TABLE.ttlAttribute, `tasks TTL on ${TASKS_TABLE.ttlAttribute}`],
      [!results?.args.globalIndexes, "results has no GSIs"],
      [politeness !== undefined, `politeness table keyed by ${POLITENESS_TABLE.hashKey} alone`],
      [politeness?.args.ttl === POLITENESS_TABLE.ttlAttribute, `politeness TTL on ${POLITENESS_TABLE.ttlAttribute}`],
      [!politeness?.args.globalIndexes, "politeness has no GSIs"],
      [accounts !== undefined, `accounts table keyed by ${ACCOUNTS_TABLE.hashKey} alone`],
      [isDeepStrictEqual(accounts?.args.globalIndexes, expectedAccountIndexes), "accounts GSI by_platform equals core/aws/tables.ts"],
      [accounts?.args.ttl === undefined, "accounts never expire (no TTL)"],
    ]);
  },
  fields(stack) {
    return ofType(stack, "Dynamo").flatMap((t) => {
      const keys = [t.args.primaryIndex, ...Object.values(t.args.globalIndexes ?? {})].flatMap((i: any) => [i?.hashKey, i?.rangeKey]);
      const used = new Set(keys.filter(Boolean));
      const fields = t.args.fields ?? {};
      const expected =
        t === table(stack, TASKS_TABLE.hashKey) ? new Set(tasksKeyAttributes()) : t === table(stack, ACCOUNTS_TABLE.hashKey) ? new Set(accountsKeyAttributes()) : used;
      return problems([
        [[...used].every((k) => fields[k] === "string"), `${t.name}: every key attribute declared as string`],
        [Object.keys(fields).length === used.size && [...expected].every((k) => used.has(k)), `${t.name}: fields are exactly the key attributes`],
      ]);
    });
  },
  queue(stack) {
    const queue = taskQueue(stack);
    const dlq = queue?.args.dlq;
    const timeout = crawler(stack).timeout ?? "20 seconds";
    return problems([
      [queue !== undefined, "a queue with a subscriber"],
      [seconds(queue?.args.visibilityTimeout ?? "30 seconds") >= 6 * seconds(timeout), "visibility timeout ≥ 6 × crawler timeout"],
      [typeof dlq === "object" && byArn(stack, dlq.queue)?.type === "Queue", "dead-letter queue is one of ours"],
      [typeof dlq === "object" && dlq.retry >= 5, "dead-letter retry (maxReceiveCount) ≥ 5"],
    ]);
  },
  subscription(stack) {
    const subscriptions = calls(stack, "subscribe").filter((c) => c.owner === taskQueue(stack));
    const batch = subscriptions[0]?.args[1]?.batch ?? {};
    return problems([
      [subscriptions.length === 1, "task queue subscribed once"],
      [batch.size === 1, "batch size 1"],
      [batch.window === undefined || seconds(batch.window) === 0, "no batching window"],
      [batch.partialResponses === true, "partialResponses (ReportBatchItemFailures) on"],
    ]);
  },
  crawler(stack) {
    const fn = crawler(stack);
    const pin = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")).dependencies?.["@sparticuz/chromium"];
    return problems([
      [fn.handler === "functions/crawler/handler.handler", "crawler handler"],
      [fn.runtime === "nodejs22.x", "runtime nodejs22.x"],
      [fn.architecture === "x86_64", "architecture x86_64 (Chromium is x64 only)"],
      [megabytes(fn.memory ?? "1024 MB") >= 2048, "memory ≥ 2048 MB"],
      [megabytes(fn.storage ?? "512 MB") >= 1024, "/tmp storage ≥ 1024 MB"],
      [seconds(fn.timeout ?? "20 seconds") >= 60 && seconds(fn.timeout ?? "20 seconds") <= 900, "timeout in minutes, ≤ 15"],
      [fn.nodejs?.install?.includes("@sparticuz/chromium"), "nodejs.install has @sparticuz/chromium"],
      [/^\d+\.\d+\.\d+$/.test(pin ?? ""), "package.json pins @sparticuz/chromium exactly"],
    ]);
  },
  handlers(stack) {
    return allFunctions(stack).flatMap(({ site, args }) => {
      const handler = String(args.handler);
      const file = resolve(ROOT, `${handler.slice(0, handler.lastIndexOf("."))}.ts`);
      const name = handler.slice(handler.lastIndexOf(".") + 1);
      const source = existsSync(file) ? readFileSync(file, "utf8") : "";
      const exported = new RegExp(`export\\s+(const|let|(async\\s+)?function)\\s+${name}\\b`).test(source);
      return problems([[exported, `${site}: ${handler} is a .ts file exporting ${name}`]]);
    });
  },
  environment(stack) {
    const [tasks, results, queue] = [table(stack, TASKS_TABLE.hashKey), table(stack, RESULTS_TABLE.hashKey, RESULTS_TABLE.rangeKey), taskQueue(stack)];
    const politeness = table(stack, POLITENESS_TABLE.hashKey);
    const accounts = table(stack, ACCOUNTS_TABLE.hashKey);
    return allFunctions(stack).flatMap(({ site, args }) => {
      const env = args.environment ?? {};
      const links: unknown[] = args.link ?? [];
      return problems([
        [env[ENV.tasksTable] === tasks?.out.name, `${site}: ${ENV.tasksTable} = tasks table name`],
        [env[ENV.resultsTable] === results?.out.name, `${site}: ${ENV.resultsTable} = results table name`],
        [env[ENV.taskQueueUrl] === queue?.out.url, `${site}: ${ENV.taskQueueUrl} = task queue URL`],
        [env[ENV.politenessTable] === politeness?.out.name, `${site}: ${ENV.politenessTable} = politeness table name`],
        [env[ENV.accountsTable] === accounts?.out.name, `${site}: ${ENV.accountsTable} = accounts table name`],
        [[tasks, results, politeness, accounts, queue].every((c) => links.some((l: any) => l?.component === c)), `${site}: links tables and queue`],
      ]);
    });
  },
  api(stack) {
    const apis = ofType(stack, "ApiGatewayV2");
    const routes = calls(stack, "route");
    const targets = new Set(routes.map((r) => functionArgs(stack, r.args[1])));
    const stage: Args = {};
    apis[0]?.args.transform?.stage?.(stage, {}, "");
    return problems([
      [apis.length === 1, "one HTTP API"],
      ...REQUIRED_ROUTES.map((r): [boolean, string] => [routes.some((c) => c.args[0] === r), `route ${r}`]),
      [targets.size === 1 && [...targets][0]?.handler === "functions/api/handler.handler", "every route → one api function"],
      [routes.every((r) => byArn(stack, r.args[1])?.type === "Function"), "routes share a Function by ARN (one Lambda)"],
      [apis[0]?.args.cors !== false, "CORS configured on API Gateway"],
      [apis[0]?.args.cors?.allowMethods?.includes("DELETE"), "CORS allows DELETE (accounts)"],
      [stage.defaultRouteSettings?.throttlingBurstLimit > 0 && stage.defaultRouteSettings?.throttlingRateLimit > 0, "stage throttling"],
    ]);
  },
  auth(stack) {
    const secrets = ofType(stack, "Secret").filter((s) => s.name === "ApiKey");
    const fromSecret = placeholder("Secret", "ApiKey", "value");
    const api = ofType(stack, "Function").find((f) => f.args.handler === "functions/api/handler.handler");
    const others = allFunctions(stack).filter(({ args }) => args !== api?.args);
    const everything = allStrings(stack.components.map((c) => [c.args, c.calls])).join("\n");
    return problems([
      [secrets.length === 1, "one ApiKey secret"],
      [
        isDeepStrictEqual(api?.args.environment?.API_KEY_SHA256, { from: fromSecret, value: digestsOfKeys(SECRET_VALUE) }),
        "api function: API_KEY_SHA256 = digests of the ApiKey secret's keys",
      ],
      ...others.map(({ site, args }): [boolean, string] => [args.environment?.API_KEY_SHA256 === undefined, `${site}: no API_KEY_SHA256`]),
      [allFunctions(stack).every(({ args }) => !(args.link ?? []).some((l: any) => l?.component?.type === "Secret")), "no function links a secret"],
      [!SECRET_VALUE.split(",").some((key) => everything.includes(key)), "no plain key in any component's arguments"],
    ]);
  },
  accounts(stack) {
    const fromSecret = (name: string) => placeholder("Secret", name, "value");
    const secrets = ofType(stack, "Secret");
    const api = ofType(stack, "Function").find((f) => f.args.handler === "functions/api/handler.handler")?.args;
    const fn = crawler(stack);
    const others = allFunctions(stack).filter(({ args }) => args !== api && args !== fn);
    const keyFrom = (args: Args | undefined) => args?.environment?.ACCOUNTS_ENCRYPTION_KEY?.from;
    return problems([
      [secrets.some((s) => s.name === "AccountsEncryptionKey" && s.args.placeholder === undefined), "secret AccountsEncryptionKey, no placeholder (must be set)"],
      [secrets.some((s) => s.name === "ProxyPool" && s.args.placeholder === ""), "secret ProxyPool, empty by default"],
      [keyFrom(api) === fromSecret("AccountsEncryptionKey"), "api function: ACCOUNTS_ENCRYPTION_KEY from the AccountsEncryptionKey secret"],
      [keyFrom(fn) === fromSecret("AccountsEncryptionKey"), "crawler: ACCOUNTS_ENCRYPTION_KEY from the AccountsEncryptionKey secret"],
      [fn.environment?.PROXY_POOL?.from === fromSecret("ProxyPool"), "crawler: PROXY_POOL from the ProxyPool secret"],
      [api?.environment?.PROXY_POOL === undefined, "api function: no PROXY_POOL"],
      ...others.map(({ site, args }): [boolean, string] => [args.environment?.ACCOUNTS_ENCRYPTION_KEY === undefined, `${site}: no ACCOUNTS_ENCRYPTION_KEY`]),
    ]);
  },
  privacy(stack) {
    const fromSecret = placeholder("Secret", "CreatorHashSecret", "value");
    const fn = crawler(stack);
    const others = allFunctions(stack).filter(({ args }) => args !== fn);
    return problems([
      [ofType(stack, "Secret").some((s) => s.name === "CreatorHashSecret" && s.args.placeholder === undefined), "secret CreatorHashSecret, no placeholder (must be set)"],
      [fn.environment?.CREATOR_HASH_SECRET?.from === fromSecret, "crawler: CREATOR_HASH_SECRET from the CreatorHashSecret secret"],
      ...others.map(({ site, args }): [boolean, string] => [args.environment?.CREATOR_HASH_SECRET === undefined, `${site}: no CREATOR_HASH_SECRET`]),
    ]);
  },
  webhooks(stack) {
    const queue = webhookQueue(stack);
    const subscriptions = queue?.calls.filter((c) => c.method === "subscribe") ?? [];
    const fn = functionArgs(stack, subscriptions[0]?.args[0]) ?? {};
    const batch = subscriptions[0]?.args[1]?.batch ?? {};
    const dlq = queue?.args.dlq;
    const linksQueue = (args: Args) => (args.link ?? []).some((l: any) => l?.component === queue);
    const deadLetters = byArn(stack, taskQueue(stack)?.args.dlq?.queue)?.calls.find((c) => c.method === "subscribe");
    const senders: Array<[string, Args | undefined]> = [
      ["crawler", crawler(stack)],
      ["ApiHandler", ofType(stack, "Function").find((f) => f.args.handler === "functions/api/handler.handler")?.args],
      ["dead-letters", functionArgs(stack, deadLetters?.args[0])],
    ];
    const others = allFunctions(stack).filter(({ args }) => args !== fn);
    return problems([
      [ofType(stack, "Secret").some((s) => s.name === "WebhookSecret" && s.args.placeholder === undefined), "secret WebhookSecret, no placeholder (must be set)"],
      [queue !== undefined && subscriptions.length === 1, "a webhook queue subscribed once by functions/webhooks/handler.handler"],
      [typeof dlq === "object" && byArn(stack, dlq.queue)?.type === "Queue" && dlq.queue !== taskQueue(stack)?.args.dlq?.queue, "webhook queue has a dead-letter queue of its own"],
      [seconds(queue?.args.visibilityTimeout ?? "30 seconds") >= 6 * seconds(fn.timeout ?? "20 seconds"), "webhook visibility timeout ≥ 6 × webhook function timeout"],
      [batch.partialResponses === true, "webhook subscription: partialResponses on"],
      [fn.environment?.WEBHOOK_SECRET?.from === placeholder("Secret", "WebhookSecret", "value"), "webhook function: WEBHOOK_SECRET from the WebhookSecret secret"],
      [fn.environment?.WEBHOOK_QUEUE_URL === queue?.out.url && linksQueue(fn), "webhook function: WEBHOOK_QUEUE_URL and a link to its queue (retries)"],
      ...senders.map(([name, args]): [boolean, string] => [args?.environment?.WEBHOOK_QUEUE_URL === queue?.out.url, `${name}: WEBHOOK_QUEUE_URL = webhook queue URL`]),
      ...senders.map(([name, args]): [boolean, string] => [args !== undefined && linksQueue(args), `${name}: links the webhook queue (may send)`]),
      ...others.map(({ site, args }): [boolean, string] => [args.environment?.WEBHOOK_SECRET === undefined, `${site}: no WEBHOOK_SECRET`]),
    ]);
  },
  sweeper(stack) {
    const crons = ofType(stack, "Cron", "CronV2");
    const fn = functionArgs(stack, crons[0]?.args.function ?? crons[0]?.args.job);
    return problems([
      [crons.length === 1 && crons[0]?.args.schedule === "rate(5 minutes)", "one cron, every 5 minutes"],
      [fn?.handler === "functions/sweeper/handler.handler", "cron runs the sweeper handler"],
    ]);
  },
  dashboard(stack) {
    const sites = ofType(stack, "StaticSite");
    const site = sites[0];
    const api = ofType(stack, "ApiGatewayV2")[0];
    const cors = api?.args.cors ?? {};
    const scripts = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")).scripts ?? {};
    const command = /^npm run ([\w:-]+)$/.exec(site?.args.build?.command ?? "")?.[1];
    return problems([
      [sites.length === 1, "one static site (the dashboard)"],
      [resolve(ROOT, site?.args.path ?? ".") === ROOT, "dashboard built from the repository root (it imports core/)"],
      [command !== undefined && /vite build --config dashboard\/vite\.config\.ts/.test(scripts[command] ?? ""), "dashboard build command is an npm script running vite build with dashboard/vite.config.ts"],
      [site?.args.build?.output === "dashboard/dist", "dashboard uploads dashboard/dist"],
      [site?.args.environment?.VITE_API_URL === api?.out.url, "dashboard built with VITE_API_URL = the API URL"],
      [Object.values(stack.outputs ?? {}).includes(site?.out.url), "dashboard URL in outputs"],
      [cors.allowOrigins?.includes("*"), "CORS lets the dashboard's origin call the API"],
      [["GET", "POST", "DELETE"].every((m) => cors.allowMethods?.includes(m)), "CORS allows GET, POST, DELETE"],
      [["content-type", "x-api-key"].every((h) => cors.allowHeaders?.includes(h)), "CORS allows content-type and x-api-key"],
      [cors.exposeHeaders?.includes("x-next-cursor"), "CORS exposes x-next-cursor (downloads page with it)"],
    ]);
  },
  outputs(stack) {
    const api = ofType(stack, "ApiGatewayV2")[0];
    return problems([[Object.values(stack.outputs ?? {}).includes(api?.out.url), "API URL in outputs"]]);
  },
};

// ---- Tests --------------------------------------------------------------------------------

describe("infra wiring", () => {
  it.each(Object.keys(checks))("%s", async (name) => {
    const stack = await evaluateInfra();
    expect(checks[name]!(stack)).toEqual([]);
  });
});

/** Applies `change` to the first argument at `site`. */
const at = (site: string, change: (args: Args) => Args, argIndex = 0): Tamper => (s, args) =>
  s === site ? args.map((a, i) => (i === argIndex ? change(a) : a)) : args;
const routeNamed = (route: string, replacement: string): Tamper => (s, args) =>
  s.endsWith(".route") && args[0] === route ? [replacement, ...args.slice(1)] : args;

describe("infra checks catch mis-wiring", () => {
  // [check, what is broken, the problem it must report, how]
  const cases: Array<[string, string, string, Tamper]> = [
    ["queue", "short visibility timeout", "visibility timeout", at("Queue:TaskQueue", (a) => ({ ...a, visibilityTimeout: "10 minutes" }))],
    ["queue", "default DLQ retry", "retry", at("Queue:TaskQueue", (a) => ({ ...a, dlq: a.dlq.queue }))],
    ["subscription", "batch of 10", "batch size 1", at("Queue:TaskQueue.subscribe", (a) => ({ batch: { ...a.batch, size: 10 } }), 1)],
    ["subscription", "no partial responses", "partialResponses", at("Queue:TaskQueue.subscribe", () => ({ batch: { size: 1 } }), 1)],
    ["crawler", "default memory", "memory", at("Queue:TaskQueue.subscribe", (a) => ({ ...a, memory: undefined }))],
    ["crawler", "arm64", "x86_64", at("Queue:TaskQueue.subscribe", (a) => ({ ...a, architecture: "arm64" }))],
    ["crawler", "chromium bundled", "nodejs.install", at("Queue:TaskQueue.subscribe", (a) => ({ ...a, nodejs: {} }))],
    ["handlers", "handler typo", "handlr.handler", at("CronV2:Sweeper", (a) => ({ ...a, function: { ...a.function, handler: "functions/sweeper/handlr.handler" } }))],
    ["environment", "missing queue URL", "ApiHandler: TASK_QUEUE_URL", at("Function:ApiHandler", (a) => ({ ...a, environment: { ...a.environment, TASK_QUEUE_URL: undefined } }))],
    ["tables", "index dropped", "GSIs", at("Dynamo:Tasks", (a) => ({ ...a, globalIndexes: { ...a.globalIndexes, by_status: undefined } }))],
    ["tables", "politeness without TTL", "politeness TTL", at("Dynamo:Politeness", (a) => ({ ...a, ttl: undefined }))],
    ["environment", "crawler without the politeness table", "subscribe: POLITENESS_TABLE", at("Queue:TaskQueue.subscribe", (a) => ({ ...a, environment: { ...a.environment, POLITENESS_TABLE: undefined } }))],
    ["fields", "undeclared key", "key attribute declared", at("Dynamo:Tasks", (a) => ({ ...a, fields: { ...a.fields, status: undefined } }))],
    ["api", "route missing", "/retry", routeNamed("POST /api/v1/tasks/{task_id}/retry", "POST /api/v1/tasks/{task_id}/retry-now")],
    ["auth", "api without key digests", "API_KEY_SHA256 = digests", at("Function:ApiHandler", (a) => ({ ...a, environment: { ...a.environment, API_KEY_SHA256: undefined } }))],
    ["auth", "crawler given key digests", "subscribe: no API_KEY_SHA256", at("Queue:TaskQueue.subscribe", (a) => ({ ...a, environment: { ...a.environment, API_KEY_SHA256: "x" } }))],
    ["tables", "accounts without by_platform", "by_platform", at("Dynamo:Accounts", (a) => ({ ...a, globalIndexes: {} }))],
    ["environment", "api without the accounts table", "ApiHandler: ACCOUNTS_TABLE", at("Function:ApiHandler", (a) => ({ ...a, environment: { ...a.environment, ACCOUNTS_TABLE: undefined } }))],
    ["api", "accounts route missing", "DELETE /api/v1/accounts/{account_id}", routeNamed("DELETE /api/v1/accounts/{account_id}", "GET /api/v1/accounts/{account_id}/delete")],
    ["accounts", "crawler without the accounts key", "crawler: ACCOUNTS_ENCRYPTION_KEY", at("Queue:TaskQueue.subscribe", (a) => ({ ...a, environment: { ...a.environment, ACCOUNTS_ENCRYPTION_KEY: undefined } }))],
    ["accounts", "key given to the sweeper", "no ACCOUNTS_ENCRYPTION_KEY", at("CronV2:Sweeper", (a) => ({ ...a, function: { ...a.function, environment: { ...a.function.environment, ACCOUNTS_ENCRYPTION_KEY: { from: "x" } } } }))],
    ["privacy", "crawler without the creator hash key", "crawler: CREATOR_HASH_SECRET", at("Queue:TaskQueue.subscribe", (a) => ({ ...a, environment: { ...a.environment, CREATOR_HASH_SECRET: undefined } }))],
    ["webhooks", "crawler without the webhook queue URL", "crawler: WEBHOOK_QUEUE_URL", at("Queue:TaskQueue.subscribe", (a) => ({ ...a, environment: { ...a.environment, WEBHOOK_QUEUE_URL: undefined } }))],
    ["webhooks", "api not allowed to send to the webhook queue", "ApiHandler: links the webhook queue", at("Function:ApiHandler", (a) => ({ ...a, link: a.link.filter((l: any) => l?.component?.name !== "WebhookQueue") }))],
    ["webhooks", "dead-letter consumer without the webhook queue URL", "dead-letters: WEBHOOK_QUEUE_URL", at("Queue:TaskDeadLetterQueue.subscribe", (a) => ({ ...a, environment: { ...a.environment, WEBHOOK_QUEUE_URL: undefined } }))],
    ["webhooks", "webhook function without the secret", "WEBHOOK_SECRET from the WebhookSecret secret", at("Queue:WebhookQueue.subscribe", (a) => ({ ...a, environment: { ...a.environment, WEBHOOK_SECRET: undefined } }))],
    ["webhooks", "secret given to the crawler", "subscribe: no WEBHOOK_SECRET", at("Queue:TaskQueue.subscribe", (a) => ({ ...a, environment: { ...a.environment, WEBHOOK_SECRET: { from: "x" } } }))],
    ["webhooks", "webhook queue with a short visibility timeout", "6 × webhook function timeout", at("Queue:WebhookQueue", (a) => ({ ...a, visibilityTimeout: "30 seconds" }))],
    ["webhooks", "no partial responses on the webhook queue", "partialResponses", at("Queue:WebhookQueue.subscribe", () => ({ batch: { size: 10 } }), 1)],
    ["webhooks", "webhook queue sharing the crawl dead-letter queue", "dead-letter queue of its own", at("Queue:WebhookQueue", (a) => ({ ...a, dlq: { queue: "<Queue:TaskDeadLetterQueue.arn>", retry: 5 } }))],
    ["dashboard", "dashboard built without the API URL", "VITE_API_URL", at("StaticSite:Dashboard", (a) => ({ ...a, environment: {} }))],
    ["dashboard", "dashboard uploading the wrong folder", "dashboard/dist", at("StaticSite:Dashboard", (a) => ({ ...a, build: { ...a.build, output: "dist" } }))],
    ["dashboard", "CORS hiding the cursor header", "x-next-cursor", at("ApiGatewayV2:Api", (a) => ({ ...a, cors: { ...a.cors, exposeHeaders: [] } }))],
    ["dashboard", "CORS without x-api-key", "x-api-key", at("ApiGatewayV2:Api", (a) => ({ ...a, cors: { ...a.cors, allowHeaders: ["content-type"] } }))],
    ["auth", "plain key in the environment", "no plain key", at("Function:ApiHandler", (a) => ({ ...a, environment: { ...a.environment, API_KEY: SECRET_VALUE } }))],
  ];
  it.each(cases)("%s check catches %s", async (name, _broken, problem, tamper) => {
    const stack = await evaluateInfra(tamper);
    expect(checks[name]!(stack)).toContainEqual(expect.stringContaining(problem));
  });
});
