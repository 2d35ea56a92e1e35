import { ROUTE_KEYS } from "../functions/api/routeTable";
import { accountsApiEnvironment } from "./accounts";
import { apiKeyEnvironment } from "./auth";
import { queueGrant, tableGrant } from "./access";
import { scheduleManagerEnvironment, scheduleManagerGrants } from "./schedules";
import { functionEnvironment } from "./environment";
import { taskQueue } from "./queue";
import { accountsTable, politenessTable, resultsTable, tasksTable } from "./storage";
import { webhookSenderEnvironment, webhookSenderGrant } from "./webhooks";
import { mediaApiGrants, mediaEnvironment } from "./media";

/** All routes go to one function; its router answers unknown paths with our 404 envelope. */
export const apiFunction = new sst.aws.Function("ApiHandler", {
  handler: "functions/api/handler.handler",
  memory: "512 MB",
  // API Gateway cuts every request at 30 s anyway. POST /api/v1/scrape waits at most 25 s
  // (core/tasks/scrape.ts SCRAPE_TIMEOUT_MS) and never past this timeout less 2 s.
  timeout: "29 seconds",
  // The keys' digests only (see infra/auth.ts); the secret itself is not linked.
  // Cancelled tasks' webhook events go to the webhook queue (infra/webhooks.ts).
  // Media files: presigned links in results, deleted with their task (infra/media.ts).
  environment: {
    ...functionEnvironment,
    ...apiKeyEnvironment,
    ...accountsApiEnvironment,
    ...webhookSenderEnvironment,
    ...scheduleManagerEnvironment,
    ...mediaEnvironment,
  },
  // Any request may meet a cold start. Minified (SST minifies only when asked) the bundle is
  // 627 KiB instead of 1.2 MiB; without keepNames (SST's default is on: every function and
  // class gets its name set at load) a fresh import took 148 ms instead of 162 ms, median of
  // 9 here. Nothing in the API reads a function's or class's name: errors set theirs.
  nodejs: { minify: true, esbuild: { keepNames: false } },
  // Tasks: create, read, list (indexes), cancel/retry, delete (with their URL lists);
  // DescribeTable and GetQueueAttributes answer /health. Results: read, and delete with their
  // task. Accounts: the accounts routes. The politeness table: UpdateItem alone, the one
  // atomic add of the task-creation rate limit (core/ratelimit/fixedWindow.ts).
  permissions: [
    tableGrant(tasksTable, [
      "GetItem",
      "BatchGetItem",
      "Query",
      "PutItem",
      "UpdateItem",
      "DeleteItem",
      "DescribeTable",
    ]),
    tableGrant(resultsTable, ["Query", "BatchWriteItem"]),
    tableGrant(accountsTable, ["GetItem", "Query", "PutItem", "UpdateItem", "DeleteItem"]),
    tableGrant(politenessTable, ["UpdateItem"]),
    queueGrant(taskQueue, ["SendMessage", "GetQueueAttributes"]),
    webhookSenderGrant,
    // Schedules: their table, their Scheduler schedules, and passing Scheduler its role (infra/schedules.ts).
    ...scheduleManagerGrants,
    // Media files: presigned links in results, deleted with their task (infra/media.ts).
    ...mediaApiGrants,
  ],
});

export const api = new sst.aws.ApiGatewayV2("Api", {
  // CORS lives here only; headers the function sets would be ignored.
  // Any origin, the dashboard's (infra/dashboard.ts) included: naming it would make a cycle
  // (its build needs this API's URL), and requests carry an API key, not cookies, so no
  // origin can borrow a visitor's credentials. The dashboard reads x-next-cursor to page
  // through CSV/JSONL downloads; its x-api-key header makes every call preflighted, hence maxAge.
  // A browser client also sees the task-creation budget (ratelimit-policy, ratelimit,
  // retry-after on a 429) and a 201/202's location; none is a CORS-safelisted header.
  cors: {
    allowOrigins: ["*"],
    allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
    allowHeaders: ["content-type", "idempotency-key", "authorization", "x-api-key"],
    exposeHeaders: ["x-next-cursor", "location", "ratelimit-policy", "ratelimit", "retry-after"],
    maxAge: "1 day",
  },
  transform: {
    stage: (args) => {
      args.defaultRouteSettings = { throttlingBurstLimit: 100, throttlingRateLimit: 50 };
    },
  },
});

/** Every route of the API's table (functions/api/routeTable.ts), and $default for the API's own 404. */
export const API_ROUTES = [...ROUTE_KEYS, "$default"] as const;

for (const route of API_ROUTES) api.route(route, apiFunction.arn);
