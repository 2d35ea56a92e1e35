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
import {
  ACCOUNTS_TABLE,
  SCHEDULES_TABLE,
  accountsKeyAttributes,
  POLITENESS_TABLE,
  RESULTS_TABLE,
  TASK_HOT_ATTRIBUTES,
  TASKS_TABLE,
  tasksKeyAttributes,
  type IndexProjection,
} from "../../core/aws/tables.js";
import { ENV } from "../../core/config.js";
import {
  accountHandlers,
  apiRoutes,
  docHandlers,
  loginHandlers,
  scheduleHandlers,
  taskHandlers,
} from "../../functions/api/routes.js";
import {
  byArn,
  calls,
  DEFAULT_SECRET_VALUE,
  evaluateInfra,
  functionArgs,
  megabytes,
  ofType,
  placeholder,
  ROOT,
  seconds,
  stackFunctions,
  type Args,
  type Component,
  type Stack,
  type Tamper,
} from "../../build/infraModel.js";

/** What the stand-in's secrets hold; no function's arguments may contain it. */
const SECRET_VALUE = DEFAULT_SECRET_VALUE;
/**
 * Every route the API's router has (HEAD is left to `$default`: API Gateway routes it like
 * any unlisted route). Taken from the router itself, so a new route cannot be forgotten here.
 */
const unusedService = (): never => {
  throw new Error("not called: only the route table is read");
};
const REQUIRED_ROUTES = apiRoutes({
  ...taskHandlers(unusedService, unusedService),
  ...accountHandlers(unusedService),
  ...loginHandlers(unusedService),
  ...scheduleHandlers(unusedService),
  ...docHandlers(),
})
  .filter((route) => route.method !== "HEAD")
  .map((route) => `${route.method} ${route.path}`);

/** The config evaluated afresh: infra modules create their components when imported. */
function evaluate(tamper?: Tamper): Promise<Stack> {
  return evaluateInfra({
    ...(tamper ? { tamper } : {}),
    importConfig: () => {
      vi.resetModules();
      return import(pathToFileURL(resolve(ROOT, "sst.config.ts")).href);
    },
  });
}

/** Every function the stack deploys, by where it is declared. */
const allFunctions = (stack: Stack) => stackFunctions(stack).map(({ site, args }) => ({ site, args }));

/** The queue `handler` is subscribed to. */
function queueOf(stack: Stack, handler: string): Component | undefined {
  return ofType(stack, "Queue").find((q) =>
    q.calls.some((c) => c.method === "subscribe" && functionArgs(stack, c.args[0])?.handler === handler),
  );
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

/** Whether a function's `permissions` allow `action` on `resource` (a placeholder ARN), IAM's wildcards included. */
function grants(args: Args, action: string, resource: string): boolean {
  const pattern = (p: string, flags = "") =>
    new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`, flags);
  return ((args.permissions ?? []) as Array<{ effect?: string; actions: string[]; resources: string[] }>).some(
    (p) =>
      p.effect !== "deny" &&
      p.actions.some((a) => pattern(a, "i").test(action)) &&
      p.resources.some((r) => pattern(String(r)).test(resource)),
  );
}

/** The tables a function may do anything on. */
function tablesGranted(stack: Stack, args: Args): string[] {
  return ofType(stack, "Dynamo")
    .filter((t) =>
      ((args.permissions ?? []) as Array<{ resources: string[] }>).some((p) =>
        p.resources.some((r) => String(r).startsWith(t.out.arn)),
      ),
    )
    .map((t) => t.name);
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
    const schedules = table(stack, SCHEDULES_TABLE.hashKey);
    // SST's spelling of core/aws/tables.ts's projections; included attributes compared as a set.
    const sstProjection = (p: IndexProjection): unknown =>
      p === "ALL" ? "all" : p === "KEYS_ONLY" ? "keys-only" : [...p].sort();
    const declaredIndexes = (t: Component | undefined) =>
      Object.fromEntries(
        Object.entries(t?.args.globalIndexes ?? {}).map(([name, i]: [string, any]) => {
          // SST projects "all" when `projection` is left out.
          const projection = i?.projection ?? "all";
          return [name, { ...i, projection: Array.isArray(projection) ? [...projection].sort() : projection }];
        }),
      );
    const expected = (
      indexes: ReadonlyArray<{ name: string; hashKey: string; rangeKey: string; projection: IndexProjection }>,
    ) =>
      Object.fromEntries(
        indexes.map((i) => [
          i.name,
          { hashKey: i.hashKey, rangeKey: i.rangeKey, projection: sstProjection(i.projection) },
        ]),
      );
    const declared = declaredIndexes(tasks);
    // DynamoDB writes an index entry when one of the index's key or projected attributes
    // changes: an index holding one of these would be written by every progress write or heartbeat.
    const holds = (i: any, attribute: string) =>
      [i?.hashKey, i?.rangeKey, TASKS_TABLE.hashKey].includes(attribute) ||
      i?.projection === "all" ||
      (Array.isArray(i?.projection) && i.projection.includes(attribute));
    const hot = Object.entries(declared).flatMap(([name, i]) =>
      TASK_HOT_ATTRIBUTES.filter((attribute) => holds(i, attribute)).map((attribute): [boolean, string] => [
        false,
        `tasks GSI ${name} projects ${attribute}`,
      ]),
    );
    return problems([
      [ofType(stack, "Dynamo").length === 5, "exactly five tables"],
      [tasks !== undefined, `tasks table keyed by ${TASKS_TABLE.hashKey}`],
      [results !== undefined, `results table keyed by ${RESULTS_TABLE.hashKey} + ${RESULTS_TABLE.rangeKey}`],
      [
        isDeepStrictEqual(declared, expected(TASKS_TABLE.indexes)),
        "tasks GSIs equal core/aws/tables.ts (keys, projections, included attributes)",
      ],
      ...hot,
      [tasks?.args.ttl === TASKS_TABLE.ttlAttribute, `tasks TTL on ${TASKS_TABLE.ttlAttribute}`],
      [!results?.args.globalIndexes, "results has no GSIs"],
      [results?.args.ttl === RESULTS_TABLE.ttlAttribute, `results TTL on ${RESULTS_TABLE.ttlAttribute}`],
      [politeness !== undefined, `politeness table keyed by ${POLITENESS_TABLE.hashKey} alone`],
      [politeness?.args.ttl === POLITENESS_TABLE.ttlAttribute, `politeness TTL on ${POLITENESS_TABLE.ttlAttribute}`],
      [!politeness?.args.globalIndexes, "politeness has no GSIs"],
      [accounts !== undefined, `accounts table keyed by ${ACCOUNTS_TABLE.hashKey} alone`],
      [
        isDeepStrictEqual(declaredIndexes(accounts), expected(ACCOUNTS_TABLE.indexes)) &&
          accounts?.args.globalIndexes !== undefined,
        "accounts GSI by_platform equals core/aws/tables.ts",
      ],
      // Only QR login sessions, items beside the accounts, carry the TTL attribute (core/accounts/loginSession.ts).
      [
        accounts?.args.ttl === ACCOUNTS_TABLE.ttlAttribute,
        `accounts TTL on ${ACCOUNTS_TABLE.ttlAttribute} (login sessions only)`,
      ],
      [
        schedules !== undefined &&
          isDeepStrictEqual(declaredIndexes(schedules), expected(SCHEDULES_TABLE.indexes)) &&
          schedules.args.ttl === SCHEDULES_TABLE.ttlAttribute,
        `schedules table keyed by schedule_id, GSI by_created equals core/aws/tables.ts, TTL on ${SCHEDULES_TABLE.ttlAttribute} (since_last_run entries only)`,
      ],
    ]);
  },
  fields(stack) {
    return ofType(stack, "Dynamo").flatMap((t) => {
      const keys = [t.args.primaryIndex, ...Object.values(t.args.globalIndexes ?? {})].flatMap((i: any) => [
        i?.hashKey,
        i?.rangeKey,
      ]);
      const used = new Set(keys.filter(Boolean));
      const fields = t.args.fields ?? {};
      const expected =
        t === table(stack, TASKS_TABLE.hashKey)
          ? new Set(tasksKeyAttributes())
          : t === table(stack, ACCOUNTS_TABLE.hashKey)
            ? new Set(accountsKeyAttributes())
            : used;
      return problems([
        [[...used].every((k) => fields[k] === "string"), `${t.name}: every key attribute declared as string`],
        [
          Object.keys(fields).length === used.size && [...expected].every((k) => used.has(k)),
          `${t.name}: fields are exactly the key attributes`,
        ],
      ]);
    });
  },
  queue(stack) {
    const queue = taskQueue(stack);
    const dlq = queue?.args.dlq;
    const timeout = crawler(stack).timeout ?? "20 seconds";
    return problems([
      [queue !== undefined, "a queue with a subscriber"],
      [
        seconds(queue?.args.visibilityTimeout ?? "30 seconds") >= 6 * seconds(timeout),
        "visibility timeout ≥ 6 × crawler timeout",
      ],
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
      [
        seconds(fn.timeout ?? "20 seconds") >= 60 && seconds(fn.timeout ?? "20 seconds") <= 900,
        "timeout in minutes, ≤ 15",
      ],
      [fn.nodejs?.install?.includes("@sparticuz/chromium"), "nodejs.install has @sparticuz/chromium"],
      [
        fn.nodejs?.install?.includes("puppeteer-core"),
        "nodejs.install has puppeteer-core (bundled, it breaks SST's banner)",
      ],
      [fn.dev === false, "dev: false (sst dev keeps the crawler on Lambda, with its Chromium)"],
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
    const [tasks, results, queue] = [
      table(stack, TASKS_TABLE.hashKey),
      table(stack, RESULTS_TABLE.hashKey, RESULTS_TABLE.rangeKey),
      taskQueue(stack),
    ];
    const politeness = table(stack, POLITENESS_TABLE.hashKey);
    const accounts = table(stack, ACCOUNTS_TABLE.hashKey);
    return allFunctions(stack).flatMap(({ site, args }) => {
      const env = args.environment ?? {};
      const links: any[] = args.link ?? [];
      return problems([
        [env[ENV.tasksTable] === tasks?.out.name, `${site}: ${ENV.tasksTable} = tasks table name`],
        [env[ENV.resultsTable] === results?.out.name, `${site}: ${ENV.resultsTable} = results table name`],
        [env[ENV.taskQueueUrl] === queue?.out.url, `${site}: ${ENV.taskQueueUrl} = task queue URL`],
        [env[ENV.politenessTable] === politeness?.out.name, `${site}: ${ENV.politenessTable} = politeness table name`],
        [env[ENV.accountsTable] === accounts?.out.name, `${site}: ${ENV.accountsTable} = accounts table name`],
        // Every function that ends tasks or stores results stamps the same TTLs (core/config.ts).
        [/^\d+$/.test(String(env[ENV.resultRetentionDays])), `${site}: ${ENV.resultRetentionDays} set`],
        [
          !links.some((l) => ["Dynamo", "Queue"].includes(l?.component?.type)),
          `${site}: no link to a table or queue (a link grants dynamodb:* / sqs:*; grants are its permissions)`,
        ],
      ]);
    });
  },
  leastPrivilege(stack) {
    const byHandler = (folder: string) =>
      allFunctions(stack).find(({ args }) => String(args.handler).startsWith(`functions/${folder}/`))?.args ?? {};
    const tablesOf = (folder: string) => tablesGranted(stack, byHandler(folder)).sort();
    return problems([
      ...allFunctions(stack).flatMap(
        ({ site, args }): Array<[boolean, string]> => [
          [
            ((args.permissions ?? []) as Array<{ actions: string[] }>).every((p) =>
              p.actions.every((a) => !a.includes("*")),
            ),
            `${site}: no wildcard action`,
          ],
          [
            !grants(args, "dynamodb:DeleteTable", "*") && !grants(args, "dynamodb:Scan", "*"),
            `${site}: no table-wide Scan or DeleteTable`,
          ],
        ],
      ),
      [
        isDeepStrictEqual(tablesOf("api"), ["Accounts", "Politeness", "Results", "Schedules", "Tasks"]),
        `api: tables Accounts, Politeness, Results, Schedules, Tasks (got ${tablesOf("api")})`,
      ],
      [
        isDeepStrictEqual(tablesOf("schedule-runner"), ["Schedules", "Tasks"]),
        `schedule-runner: the schedules and tasks tables only (got ${tablesOf("schedule-runner")})`,
      ],
      [
        grants(byHandler("api"), "iam:PassRole", "<aws_iam_Role:SchedulerRole.arn>") &&
          ((byHandler("api").permissions ?? []) as Array<{ actions: string[]; resources: string[] }>)
            .filter((p) => p.actions.some((a) => a === "iam:PassRole"))
            .every((p) => p.resources.every((r) => r === "<aws_iam_Role:SchedulerRole.arn>")),
        "api: iam:PassRole on the scheduler's role only",
      ],
      [
        grants(byHandler("api"), "dynamodb:UpdateItem", "<Dynamo:Politeness.arn>") &&
          !grants(byHandler("api"), "dynamodb:GetItem", "<Dynamo:Politeness.arn>") &&
          !grants(byHandler("api"), "dynamodb:PutItem", "<Dynamo:Politeness.arn>"),
        "api: the politeness table for the rate limit's UpdateItem only",
      ],
      [
        isDeepStrictEqual(tablesOf("crawler"), ["Accounts", "Politeness", "Results", "Schedules", "Tasks"]),
        `crawler: tables Accounts, Politeness, Results, Schedules, Tasks (got ${tablesOf("crawler")})`,
      ],
      [
        !grants(byHandler("crawler"), "dynamodb:Query", "<Dynamo:Schedules.arn>") &&
          !grants(byHandler("crawler"), "dynamodb:UpdateItem", "<Dynamo:Schedules.arn>") &&
          !grants(byHandler("crawler"), "dynamodb:DeleteItem", "<Dynamo:Schedules.arn>"),
        "crawler: the schedules table for since_last_run's entries only (GetItem, PutItem)",
      ],
      [isDeepStrictEqual(tablesOf("sweeper"), ["Tasks"]), `sweeper: the tasks table only (got ${tablesOf("sweeper")})`],
      [
        isDeepStrictEqual(tablesOf("webhooks"), ["Tasks"]),
        `webhooks: the tasks table only (got ${tablesOf("webhooks")})`,
      ],
      [
        isDeepStrictEqual(tablesOf("dead-letters"), ["Tasks"]),
        `dead-letters: the tasks table only (got ${tablesOf("dead-letters")})`,
      ],
      [
        !grants(byHandler("crawler"), "dynamodb:Query", "<Dynamo:Results.arn>"),
        "crawler: writes results, never reads them",
      ],
      [
        !grants(byHandler("api"), "dynamodb:PutItem", "<Dynamo:Results.arn>"),
        "api: reads results and deletes them with their task (BatchWriteItem: IAM cannot limit it to deletes), no PutItem",
      ],
    ]);
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
      [
        targets.size === 1 && [...targets][0]?.handler === "functions/api/handler.handler",
        "every route → one api function",
      ],
      [
        routes.every((r) => byArn(stack, r.args[1])?.type === "Function"),
        "routes share a Function by ARN (one Lambda)",
      ],
      [apis[0]?.args.cors !== false, "CORS configured on API Gateway"],
      [apis[0]?.args.cors?.allowMethods?.includes("DELETE"), "CORS allows DELETE (accounts)"],
      [
        stage.defaultRouteSettings?.throttlingBurstLimit > 0 && stage.defaultRouteSettings?.throttlingRateLimit > 0,
        "stage throttling",
      ],
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
        isDeepStrictEqual(api?.args.environment?.API_KEY_SHA256, {
          from: fromSecret,
          value: digestsOfKeys(SECRET_VALUE),
        }),
        "api function: API_KEY_SHA256 = digests of the ApiKey secret's keys",
      ],
      ...others.map(({ site, args }): [boolean, string] => [
        args.environment?.API_KEY_SHA256 === undefined,
        `${site}: no API_KEY_SHA256`,
      ]),
      [
        allFunctions(stack).every(({ args }) => !(args.link ?? []).some((l: any) => l?.component?.type === "Secret")),
        "no function links a secret",
      ],
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
      [
        secrets.some((s) => s.name === "AccountsEncryptionKey" && s.args.placeholder === undefined),
        "secret AccountsEncryptionKey, no placeholder (must be set)",
      ],
      [secrets.some((s) => s.name === "ProxyPool" && s.args.placeholder === ""), "secret ProxyPool, empty by default"],
      [
        keyFrom(api) === fromSecret("AccountsEncryptionKey"),
        "api function: ACCOUNTS_ENCRYPTION_KEY from the AccountsEncryptionKey secret",
      ],
      [
        keyFrom(fn) === fromSecret("AccountsEncryptionKey"),
        "crawler: ACCOUNTS_ENCRYPTION_KEY from the AccountsEncryptionKey secret",
      ],
      [fn.environment?.PROXY_POOL?.from === fromSecret("ProxyPool"), "crawler: PROXY_POOL from the ProxyPool secret"],
      [api?.environment?.PROXY_POOL === undefined, "api function: no PROXY_POOL"],
      ...others.map(({ site, args }): [boolean, string] => [
        args.environment?.ACCOUNTS_ENCRYPTION_KEY === undefined,
        `${site}: no ACCOUNTS_ENCRYPTION_KEY`,
      ]),
    ]);
  },
  privacy(stack) {
    const fromSecret = placeholder("Secret", "CreatorHashSecret", "value");
    const fn = crawler(stack);
    const others = allFunctions(stack).filter(({ args }) => args !== fn);
    return problems([
      [
        ofType(stack, "Secret").some((s) => s.name === "CreatorHashSecret" && s.args.placeholder === undefined),
        "secret CreatorHashSecret, no placeholder (must be set)",
      ],
      [
        fn.environment?.CREATOR_HASH_SECRET?.from === fromSecret,
        "crawler: CREATOR_HASH_SECRET from the CreatorHashSecret secret",
      ],
      ...others.map(({ site, args }): [boolean, string] => [
        args.environment?.CREATOR_HASH_SECRET === undefined,
        `${site}: no CREATOR_HASH_SECRET`,
      ]),
    ]);
  },
  webhooks(stack) {
    const queue = webhookQueue(stack);
    const subscriptions = queue?.calls.filter((c) => c.method === "subscribe") ?? [];
    const fn = functionArgs(stack, subscriptions[0]?.args[0]) ?? {};
    const batch = subscriptions[0]?.args[1]?.batch ?? {};
    const dlq = queue?.args.dlq;
    const linksQueue = (args: Args) => grants(args, "sqs:SendMessage", queue?.out.arn ?? "none");
    const deadLetters = byArn(stack, taskQueue(stack)?.args.dlq?.queue)?.calls.find((c) => c.method === "subscribe");
    const senders: Array<[string, Args | undefined]> = [
      ["crawler", crawler(stack)],
      ["ApiHandler", ofType(stack, "Function").find((f) => f.args.handler === "functions/api/handler.handler")?.args],
      ["dead-letters", functionArgs(stack, deadLetters?.args[0])],
    ];
    const others = allFunctions(stack).filter(({ args }) => args !== fn);
    return problems([
      [
        ofType(stack, "Secret").some((s) => s.name === "WebhookSecret" && s.args.placeholder === undefined),
        "secret WebhookSecret, no placeholder (must be set)",
      ],
      [
        queue !== undefined && subscriptions.length === 1,
        "a webhook queue subscribed once by functions/webhooks/handler.handler",
      ],
      [
        typeof dlq === "object" &&
          byArn(stack, dlq.queue)?.type === "Queue" &&
          dlq.queue !== taskQueue(stack)?.args.dlq?.queue,
        "webhook queue has a dead-letter queue of its own",
      ],
      [
        seconds(queue?.args.visibilityTimeout ?? "30 seconds") >= 6 * seconds(fn.timeout ?? "20 seconds"),
        "webhook visibility timeout ≥ 6 × webhook function timeout",
      ],
      [batch.partialResponses === true, "webhook subscription: partialResponses on"],
      [
        fn.environment?.WEBHOOK_SECRET?.from === placeholder("Secret", "WebhookSecret", "value"),
        "webhook function: WEBHOOK_SECRET from the WebhookSecret secret",
      ],
      [
        fn.environment?.WEBHOOK_QUEUE_URL === queue?.out.url && linksQueue(fn),
        "webhook function: WEBHOOK_QUEUE_URL and may send to its queue (retries)",
      ],
      ...senders.map(([name, args]): [boolean, string] => [
        args?.environment?.WEBHOOK_QUEUE_URL === queue?.out.url,
        `${name}: WEBHOOK_QUEUE_URL = webhook queue URL`,
      ]),
      ...senders.map(([name, args]): [boolean, string] => [
        args !== undefined && linksQueue(args),
        `${name}: may send to the webhook queue`,
      ]),
      ...others.map(({ site, args }): [boolean, string] => [
        args.environment?.WEBHOOK_SECRET === undefined,
        `${site}: no WEBHOOK_SECRET`,
      ]),
    ]);
  },
  concurrency(stack) {
    const subscribed = stackFunctions(stack).filter((fn) => fn.trigger.kind === "queue");
    const capOf = (folder: string) => {
      const fn = subscribed.find((f) => String(f.args.handler).startsWith(`functions/${folder}/`));
      return fn?.trigger.kind === "queue" ? fn.trigger.maximumConcurrency : undefined;
    };
    const api = ofType(stack, "Function").find((f) => f.args.handler === "functions/api/handler.handler");
    return problems([
      ...subscribed.map((fn): [boolean, string] => {
        const cap = fn.trigger.kind === "queue" ? fn.trigger.maximumConcurrency : undefined;
        return [
          cap !== undefined && cap >= 2 && cap <= 1000,
          `${fn.site}: event source MaximumConcurrency set, 2–1000`,
        ];
      }),
      [capOf("crawler") === 20, "crawler: at most 20 at once by default"],
      [
        api?.args.concurrency?.reserved === undefined,
        "api: no reserved concurrency (it would cap the API and need 100 unreserved)",
      ],
    ]);
  },
  deadLetters(stack) {
    const dlq = byArn(stack, taskQueue(stack)?.args.dlq?.queue);
    const subscription = dlq?.calls.find((c) => c.method === "subscribe");
    const consumer = functionArgs(stack, subscription?.args[0]) ?? {};
    const parking = byArn(stack, dlq?.args.dlq?.queue);
    const retention = (queue: Component | undefined) => {
      const args: Args = {};
      queue?.args.transform?.queue?.(args, {}, "");
      return args.messageRetentionSeconds;
    };
    return problems([
      [
        subscription !== undefined && consumer.handler === "functions/dead-letters/handler.handler",
        "the task dead-letter queue has its consumer",
      ],
      [
        seconds(dlq?.args.visibilityTimeout ?? "30 seconds") >= 6 * seconds(consumer.timeout ?? "20 seconds"),
        "dead-letter queue: visibility timeout ≥ 6 × its consumer's timeout",
      ],
      [
        parking?.type === "Queue" && typeof dlq?.args.dlq === "object" && dlq.args.dlq.retry >= 5,
        "dead-letter queue: a message its consumer keeps failing on is parked after ≥ 5 receives",
      ],
      [parking?.calls.every((c) => c.method !== "subscribe") === true, "parking queue: nothing consumes it"],
      [
        retention(dlq) === 14 * 86400 && retention(parking) === 14 * 86400,
        "dead-letter and parking queues keep messages 14 days",
      ],
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
      [
        command !== undefined && /vite build --config dashboard\/vite\.config\.ts/.test(scripts[command] ?? ""),
        "dashboard build command is an npm script running vite build with dashboard/vite.config.ts",
      ],
      [site?.args.build?.output === "dashboard/dist", "dashboard uploads dashboard/dist"],
      [site?.args.environment?.VITE_API_URL === api?.out.url, "dashboard built with VITE_API_URL = the API URL"],
      [Object.values(stack.outputs ?? {}).includes(site?.out.url), "dashboard URL in outputs"],
      [cors.allowOrigins?.includes("*"), "CORS lets the dashboard's origin call the API"],
      [["GET", "POST", "DELETE"].every((m) => cors.allowMethods?.includes(m)), "CORS allows GET, POST, DELETE"],
      [
        ["content-type", "x-api-key"].every((h) => cors.allowHeaders?.includes(h)),
        "CORS allows content-type and x-api-key",
      ],
      [cors.exposeHeaders?.includes("x-next-cursor"), "CORS exposes x-next-cursor (downloads page with it)"],
      [
        ["ratelimit-policy", "ratelimit", "retry-after"].every((h) => cors.exposeHeaders?.includes(h)),
        "CORS exposes the rate limit headers",
      ],
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
    const stack = await evaluate();
    expect(checks[name]!(stack)).toEqual([]);
  });
});

/** Applies `change` to the first argument at `site`. */
const at =
  (site: string, change: (args: Args) => Args, argIndex = 0): Tamper =>
  (s, args) =>
    s === site ? args.map((a, i) => (i === argIndex ? change(a) : a)) : args;
const routeNamed =
  (route: string, replacement: string): Tamper =>
  (s, args) =>
    s.endsWith(".route") && args[0] === route ? [replacement, ...args.slice(1)] : args;

describe("infra checks catch mis-wiring", () => {
  // [check, what is broken, the problem it must report, how]
  const cases: Array<[string, string, string, Tamper]> = [
    [
      "queue",
      "short visibility timeout",
      "visibility timeout",
      at("Queue:TaskQueue", (a) => ({ ...a, visibilityTimeout: "10 minutes" })),
    ],
    ["queue", "default DLQ retry", "retry", at("Queue:TaskQueue", (a) => ({ ...a, dlq: a.dlq.queue }))],
    [
      "subscription",
      "batch of 10",
      "batch size 1",
      at("Queue:TaskQueue.subscribe", (a) => ({ batch: { ...a.batch, size: 10 } }), 1),
    ],
    [
      "subscription",
      "no partial responses",
      "partialResponses",
      at("Queue:TaskQueue.subscribe", () => ({ batch: { size: 1 } }), 1),
    ],
    ["crawler", "default memory", "memory", at("Queue:TaskQueue.subscribe", (a) => ({ ...a, memory: undefined }))],
    ["crawler", "arm64", "x86_64", at("Queue:TaskQueue.subscribe", (a) => ({ ...a, architecture: "arm64" }))],
    ["crawler", "chromium bundled", "nodejs.install", at("Queue:TaskQueue.subscribe", (a) => ({ ...a, nodejs: {} }))],
    [
      "handlers",
      "handler typo",
      "handlr.handler",
      at("CronV2:Sweeper", (a) => ({ ...a, function: { ...a.function, handler: "functions/sweeper/handlr.handler" } })),
    ],
    [
      "environment",
      "missing queue URL",
      "ApiHandler: TASK_QUEUE_URL",
      at("Function:ApiHandler", (a) => ({ ...a, environment: { ...a.environment, TASK_QUEUE_URL: undefined } })),
    ],
    [
      "tables",
      "index dropped",
      "GSIs",
      at("Dynamo:Tasks", (a) => ({ ...a, globalIndexes: { ...a.globalIndexes, by_status: undefined } })),
    ],
    ["tables", "politeness without TTL", "politeness TTL", at("Dynamo:Politeness", (a) => ({ ...a, ttl: undefined }))],
    ["tables", "results without TTL", "results TTL", at("Dynamo:Results", (a) => ({ ...a, ttl: undefined }))],
    [
      "environment",
      "API without the retention",
      "ApiHandler: RESULT_RETENTION_DAYS",
      at("Function:ApiHandler", (a) => ({ ...a, environment: { ...a.environment, RESULT_RETENTION_DAYS: undefined } })),
    ],
    [
      "environment",
      "crawler without the politeness table",
      "subscribe: POLITENESS_TABLE",
      at("Queue:TaskQueue.subscribe", (a) => ({
        ...a,
        environment: { ...a.environment, POLITENESS_TABLE: undefined },
      })),
    ],
    [
      "fields",
      "undeclared key",
      "key attribute declared",
      at("Dynamo:Tasks", (a) => ({ ...a, fields: { ...a.fields, status_pk: undefined } })),
    ],
    [
      "tables",
      "a task index projecting every attribute",
      "GSI by_created projects progress",
      at("Dynamo:Tasks", (a) => ({
        ...a,
        globalIndexes: { ...a.globalIndexes, by_created: { ...a.globalIndexes.by_created, projection: "all" } },
      })),
    ],
    [
      "tables",
      "a task index including the lease",
      "GSI by_status projects lease_expires_at",
      at("Dynamo:Tasks", (a) => ({
        ...a,
        globalIndexes: {
          ...a.globalIndexes,
          by_status: { ...a.globalIndexes.by_status, projection: ["lease_expires_at"] },
        },
      })),
    ],
    [
      "tables",
      "a task index with SST's default projection",
      "GSI by_platform projects updated_at",
      at("Dynamo:Tasks", (a) => ({
        ...a,
        globalIndexes: { ...a.globalIndexes, by_platform: { hashKey: "platform_pk", rangeKey: "task_id" } },
      })),
    ],
    [
      "tables",
      "an index keyed on a hot attribute",
      "GSI by_platform_status projects updated_at",
      at("Dynamo:Tasks", (a) => ({
        ...a,
        globalIndexes: {
          ...a.globalIndexes,
          by_platform_status: { ...a.globalIndexes.by_platform_status, rangeKey: "updated_at" },
        },
      })),
    ],
    [
      "api",
      "route missing",
      "/retry",
      routeNamed("POST /api/v1/tasks/{task_id}/retry", "POST /api/v1/tasks/{task_id}/retry-now"),
    ],
    [
      "auth",
      "api without key digests",
      "API_KEY_SHA256 = digests",
      at("Function:ApiHandler", (a) => ({ ...a, environment: { ...a.environment, API_KEY_SHA256: undefined } })),
    ],
    [
      "auth",
      "crawler given key digests",
      "subscribe: no API_KEY_SHA256",
      at("Queue:TaskQueue.subscribe", (a) => ({ ...a, environment: { ...a.environment, API_KEY_SHA256: "x" } })),
    ],
    [
      "tables",
      "accounts without by_platform",
      "by_platform",
      at("Dynamo:Accounts", (a) => ({ ...a, globalIndexes: {} })),
    ],
    [
      "environment",
      "api without the accounts table",
      "ApiHandler: ACCOUNTS_TABLE",
      at("Function:ApiHandler", (a) => ({ ...a, environment: { ...a.environment, ACCOUNTS_TABLE: undefined } })),
    ],
    [
      "api",
      "accounts route missing",
      "DELETE /api/v1/accounts/{account_id}",
      routeNamed("DELETE /api/v1/accounts/{account_id}", "GET /api/v1/accounts/{account_id}/delete"),
    ],
    [
      "accounts",
      "crawler without the accounts key",
      "crawler: ACCOUNTS_ENCRYPTION_KEY",
      at("Queue:TaskQueue.subscribe", (a) => ({
        ...a,
        environment: { ...a.environment, ACCOUNTS_ENCRYPTION_KEY: undefined },
      })),
    ],
    [
      "accounts",
      "key given to the sweeper",
      "no ACCOUNTS_ENCRYPTION_KEY",
      at("CronV2:Sweeper", (a) => ({
        ...a,
        function: { ...a.function, environment: { ...a.function.environment, ACCOUNTS_ENCRYPTION_KEY: { from: "x" } } },
      })),
    ],
    [
      "privacy",
      "crawler without the creator hash key",
      "crawler: CREATOR_HASH_SECRET",
      at("Queue:TaskQueue.subscribe", (a) => ({
        ...a,
        environment: { ...a.environment, CREATOR_HASH_SECRET: undefined },
      })),
    ],
    [
      "webhooks",
      "crawler without the webhook queue URL",
      "crawler: WEBHOOK_QUEUE_URL",
      at("Queue:TaskQueue.subscribe", (a) => ({
        ...a,
        environment: { ...a.environment, WEBHOOK_QUEUE_URL: undefined },
      })),
    ],
    [
      "webhooks",
      "api not allowed to send to the webhook queue",
      "ApiHandler: may send to the webhook queue",
      at("Function:ApiHandler", (a) => ({
        ...a,
        permissions: a.permissions.filter((p: any) => !String(p.resources[0]).includes("WebhookQueue")),
      })),
    ],
    [
      "webhooks",
      "dead-letter consumer without the webhook queue URL",
      "dead-letters: WEBHOOK_QUEUE_URL",
      at("Queue:TaskDeadLetterQueue.subscribe", (a) => ({
        ...a,
        environment: { ...a.environment, WEBHOOK_QUEUE_URL: undefined },
      })),
    ],
    [
      "webhooks",
      "webhook function without the secret",
      "WEBHOOK_SECRET from the WebhookSecret secret",
      at("Queue:WebhookQueue.subscribe", (a) => ({
        ...a,
        environment: { ...a.environment, WEBHOOK_SECRET: undefined },
      })),
    ],
    [
      "webhooks",
      "secret given to the crawler",
      "subscribe: no WEBHOOK_SECRET",
      at("Queue:TaskQueue.subscribe", (a) => ({
        ...a,
        environment: { ...a.environment, WEBHOOK_SECRET: { from: "x" } },
      })),
    ],
    [
      "webhooks",
      "webhook queue with a short visibility timeout",
      "6 × webhook function timeout",
      at("Queue:WebhookQueue", (a) => ({ ...a, visibilityTimeout: "30 seconds" })),
    ],
    [
      "webhooks",
      "no partial responses on the webhook queue",
      "partialResponses",
      at("Queue:WebhookQueue.subscribe", () => ({ batch: { size: 10 } }), 1),
    ],
    [
      "webhooks",
      "webhook queue sharing the crawl dead-letter queue",
      "dead-letter queue of its own",
      at("Queue:WebhookQueue", (a) => ({ ...a, dlq: { queue: "<Queue:TaskDeadLetterQueue.arn>", retry: 5 } })),
    ],
    [
      "dashboard",
      "dashboard built without the API URL",
      "VITE_API_URL",
      at("StaticSite:Dashboard", (a) => ({ ...a, environment: {} })),
    ],
    [
      "dashboard",
      "dashboard uploading the wrong folder",
      "dashboard/dist",
      at("StaticSite:Dashboard", (a) => ({ ...a, build: { ...a.build, output: "dist" } })),
    ],
    [
      "dashboard",
      "CORS hiding the cursor header",
      "x-next-cursor",
      at("ApiGatewayV2:Api", (a) => ({ ...a, cors: { ...a.cors, exposeHeaders: [] } })),
    ],
    [
      "dashboard",
      "CORS without x-api-key",
      "x-api-key",
      at("ApiGatewayV2:Api", (a) => ({ ...a, cors: { ...a.cors, allowHeaders: ["content-type"] } })),
    ],
    [
      "environment",
      "a function linked to a table",
      "no link to a table or queue",
      at("CronV2:Sweeper", (a) => ({
        ...a,
        function: { ...a.function, link: [{ component: { type: "Dynamo", name: "Tasks" } }] },
      })),
    ],
    [
      "leastPrivilege",
      "a wildcard action",
      "no wildcard action",
      at("Function:ApiHandler", (a) => ({
        ...a,
        permissions: [...a.permissions, { actions: ["dynamodb:*"], resources: ["<Dynamo:Tasks.arn>"] }],
      })),
    ],
    [
      "leastPrivilege",
      "the sweeper given the accounts table",
      "sweeper: the tasks table only",
      at("CronV2:Sweeper", (a) => ({
        ...a,
        function: {
          ...a.function,
          permissions: [
            ...a.function.permissions,
            { actions: ["dynamodb:GetItem"], resources: ["<Dynamo:Accounts.arn>"] },
          ],
        },
      })),
    ],
    [
      "leastPrivilege",
      "the webhook function given the accounts table",
      "webhooks: the tasks table only",
      at("Queue:WebhookQueue.subscribe", (a) => ({
        ...a,
        permissions: [...a.permissions, { actions: ["dynamodb:Query"], resources: ["<Dynamo:Accounts.arn>"] }],
      })),
    ],
    [
      "concurrency",
      "an uncapped crawler",
      "TaskQueue.subscribe: event source MaximumConcurrency",
      at("Queue:TaskQueue.subscribe", (a) => ({ ...a, transform: undefined }), 1),
    ],
    [
      "concurrency",
      "reserved concurrency on the API",
      "no reserved concurrency",
      at("Function:ApiHandler", (a) => ({ ...a, concurrency: { reserved: 10 } })),
    ],
    [
      "deadLetters",
      "the dead-letter queue's default visibility timeout",
      "6 × its consumer's timeout",
      at("Queue:TaskDeadLetterQueue", (a) => ({ ...a, visibilityTimeout: undefined })),
    ],
    [
      "deadLetters",
      "dead letters retried for 14 days",
      "parked after",
      at("Queue:TaskDeadLetterQueue", (a) => ({ ...a, dlq: undefined })),
    ],
    [
      "crawler",
      "puppeteer-core bundled",
      "puppeteer-core",
      at("Queue:TaskQueue.subscribe", (a) => ({ ...a, nodejs: { install: ["@sparticuz/chromium"] } })),
    ],
    [
      "crawler",
      "the crawler run locally by sst dev",
      "dev: false",
      at("Queue:TaskQueue.subscribe", (a) => ({ ...a, dev: undefined })),
    ],
    [
      "auth",
      "plain key in the environment",
      "no plain key",
      at("Function:ApiHandler", (a) => ({ ...a, environment: { ...a.environment, API_KEY: SECRET_VALUE } })),
    ],
  ];
  it.each(cases)("%s check catches %s", async (name, _broken, problem, tamper) => {
    const stack = await evaluate(tamper);
    expect(checks[name]!(stack)).toContainEqual(expect.stringContaining(problem));
  });
});

describe("deploy-time settings", () => {
  const withEnv = async (name: string, value: string, run: () => Promise<void>) => {
    const before = process.env[name];
    process.env[name] = value;
    try {
      await run();
    } finally {
      if (before === undefined) delete process.env[name];
      else process.env[name] = before;
    }
  };

  it("takes the crawler's concurrency cap from CRAWLER_MAX_CONCURRENCY", async () => {
    await withEnv("CRAWLER_MAX_CONCURRENCY", "50", async () => {
      const crawler = stackFunctions(await evaluate()).find(
        (fn) => fn.args.handler === "functions/crawler/handler.handler",
      );
      expect(crawler?.trigger).toMatchObject({ kind: "queue", maximumConcurrency: 50 });
    });
  });

  it("stops the deploy on a cap SQS would refuse, naming the variable", async () => {
    await withEnv("CRAWLER_MAX_CONCURRENCY", "1", async () => {
      await expect(evaluate()).rejects.toThrow(/CRAWLER_MAX_CONCURRENCY must be a whole number from 2 to 1000/);
    });
  });
});
