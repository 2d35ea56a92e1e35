import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import type { Route } from "@middy/http-router";
import type { AccountService } from "../../core/accounts/index.js";
import type { LoginService } from "../../core/accounts/loginService.js";
import type { ScheduleService } from "../../core/schedules/service.js";
import type { TaskService } from "../../core/tasks/index.js";
import type { ScrapeService } from "../../core/tasks/scrape.js";
import { formatPage } from "../../core/results/export.js";
import { mcJsonLine } from "../../core/results/mediacrawler/index.js";
import { acceptedAt, createdAt, envelope, ok, raw, type HttpResponse } from "./http.js";
import type { JsonEvent } from "./middleware/jsonBody.js";
import { ROUTE_KEYS, type RouteKey, splitRouteKey } from "./routeTable.js";

/** A route's handler; the router passes Lambda's Context, which only the scrape route reads. */
export type Handler = (event: JsonEvent, context?: Context) => Promise<HttpResponse>;

function taskId(event: APIGatewayProxyEventV2): string {
  return event.pathParameters?.task_id ?? "";
}

function query(event: APIGatewayProxyEventV2): Record<string, string | undefined> {
  return { ...(event.queryStringParameters ?? {}) };
}

/** The task routes (and /health): each adapts the request to one TaskService (or ScrapeService) call. */
export function taskHandlers(service: () => TaskService, scrape: () => ScrapeService) {
  const health: Handler = async () => {
    const health = await service().health();
    const down = Object.entries(health)
      .filter(([, up]) => !up)
      .map(([name]) => name);
    const data = Object.fromEntries(Object.entries(health).map(([name, up]) => [name, up ? "ok" : "unavailable"]));
    return down.length === 0 ? ok("healthy", data) : envelope(503, `unavailable: ${down.join(", ")}`, data);
  };

  return {
    "GET /health": health,

    "POST /api/v1/tasks": async (event) => {
      const key = event.headers?.["idempotency-key"];
      const { task, created } = await service().create(
        event.jsonBody,
        key === undefined ? {} : { idempotencyKey: key },
      );
      return created
        ? createdAt("task created", task, `/api/v1/tasks/${task.task_id}`)
        : ok("task already created with this Idempotency-Key", task, 200);
    },

    "GET /api/v1/tasks": async (event) => ok("ok", await service().list(query(event))),

    // The wait is bounded by the function's remaining time as well as timeout_ms: on AWS the
    // function (29 s) and API Gateway (30 s) end the request whatever the body asked for.
    "POST /api/v1/scrape": async (event, context) => {
      const outcome = await scrape().scrape(
        event.jsonBody,
        context?.getRemainingTimeInMillis ? { remainingMs: () => context.getRemainingTimeInMillis() } : {},
      );
      const { task } = outcome;
      const location = `/api/v1/tasks/${task.task_id}`;
      if (outcome.ended) return ok(`task ${task.status}`, { task, items: outcome.items });
      return ok(
        `task ${task.status}: not ended within the wait; poll GET ${location}, then read GET ${location}/results`,
        { task, poll: { task: location, results: `${location}/results` } },
        202,
        { location },
      );
    },

    "GET /api/v1/tasks/{task_id}": async (event) => ok("ok", await service().get(taskId(event))),

    "DELETE /api/v1/tasks/{task_id}": async (event) => ok("task deleted", await service().delete(taskId(event))),

    // csv / jsonl: each page's body continues the previous one's, so concatenated pages are one file.
    "GET /api/v1/tasks/{task_id}/results": async (event) => {
      const page = await service().results(taskId(event), query(event));
      if (page.format === "json") return ok("ok", { items: page.items, next_cursor: page.next_cursor });
      const body = formatPage(page.items, {
        format: page.format,
        columns: page.columns,
        first: page.first,
        bom: page.bom,
        ...(page.layout === "mediacrawler" ? { jsonLine: mcJsonLine } : {}),
      });
      const contentType = page.format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
      return raw(200, contentType, body, {
        ...(page.next_cursor ? { "x-next-cursor": page.next_cursor } : {}),
        "content-disposition": `attachment; filename="${page.fileName}"`,
      });
    },

    "POST /api/v1/tasks/{task_id}/cancel": async (event) => ok("task cancelled", await service().cancel(taskId(event))),

    "POST /api/v1/tasks/{task_id}/retry": async (event) =>
      ok("task queued again", await service().retry(taskId(event))),
  } satisfies Partial<Record<RouteKey, Handler>>;
}

function accountId(event: APIGatewayProxyEventV2): string {
  return event.pathParameters?.account_id ?? "";
}

/** The stored-account routes: each adapts the request to one AccountService call. No response ever carries cookies. */
export function accountHandlers(service: () => AccountService) {
  return {
    "POST /api/v1/accounts": async (event) => {
      const account = await service().create(event.jsonBody);
      return createdAt("account created", account, `/api/v1/accounts/${account.account_id}`);
    },
    "GET /api/v1/accounts": async (event) => ok("ok", await service().list(query(event))),
    "GET /api/v1/accounts/{account_id}": async (event) => ok("ok", await service().get(accountId(event))),
    "DELETE /api/v1/accounts/{account_id}": async (event) =>
      ok("account deleted", await service().delete(accountId(event))),
    "POST /api/v1/accounts/{account_id}/activate": async (event) =>
      ok("account active", await service().activate(accountId(event), event.jsonBody)),
  } satisfies Partial<Record<RouteKey, Handler>>;
}

/** The QR login routes: start a session (202: the crawler opens the login page), read it back while the user scans. */
export function loginHandlers(service: () => LoginService) {
  return {
    "POST /api/v1/accounts/login": async (event) => {
      const session = await service().start(event.jsonBody);
      return acceptedAt("login started", session, `/api/v1/accounts/login/${session.session_id}`);
    },
    "GET /api/v1/accounts/login/{session_id}": async (event) =>
      ok("ok", await service().get(event.pathParameters?.session_id ?? "")),
  } satisfies Partial<Record<RouteKey, Handler>>;
}

function scheduleId(event: APIGatewayProxyEventV2): string {
  return event.pathParameters?.schedule_id ?? "";
}

/** The schedule routes: each adapts the request to one ScheduleService call. */
export function scheduleHandlers(service: () => ScheduleService) {
  return {
    "POST /api/v1/schedules": async (event) => {
      const schedule = await service().create(event.jsonBody);
      return createdAt("schedule created", schedule, `/api/v1/schedules/${schedule.schedule_id}`);
    },
    "GET /api/v1/schedules": async (event) => ok("ok", await service().list(query(event))),
    "GET /api/v1/schedules/{schedule_id}": async (event) => ok("ok", await service().get(scheduleId(event))),
    "DELETE /api/v1/schedules/{schedule_id}": async (event) =>
      ok("schedule deleted", await service().delete(scheduleId(event))),
    "POST /api/v1/schedules/{schedule_id}/pause": async (event) =>
      ok("schedule paused", await service().pause(scheduleId(event))),
    "POST /api/v1/schedules/{schedule_id}/resume": async (event) =>
      ok("schedule resumed", await service().resume(scheduleId(event))),
  } satisfies Partial<Record<RouteKey, Handler>>;
}

/** The API's own description: the OpenAPI document and its page. Both public, like /health. */
export function docHandlers() {
  // Built on first use and kept for warm invocations, like the document itself. The modules
  // are imported on first use too: their schemas cost a cold start that serves a task
  // request about 10 ms (bench/RESULTS.md, "Function bundles").
  let page: string | undefined;
  let documentJson: string | undefined;
  const document = async () => (await import("./openapi.js")).openApiDocument();
  return {
    "GET /openapi.json": async () =>
      raw(200, "application/json; charset=utf-8", (documentJson ??= JSON.stringify(await document()))),
    "GET /docs": async () =>
      raw(
        200,
        "text/html; charset=utf-8",
        (page ??= (await import("./docsPage.js")).renderDocsPage(await document())),
        {
          // The page has no script and loads nothing: say so, so a browser refuses anything injected.
          "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
        },
      ),
  } satisfies Partial<Record<RouteKey, Handler>>;
}

/**
 * The router's routes: every route of the table with its handler. The handlers' Record type
 * makes a route of the table without a handler, or a handler for no route, a compile error.
 */
export function apiRoutes(handlers: Record<RouteKey, Handler>): Route<APIGatewayProxyEventV2, HttpResponse>[] {
  return ROUTE_KEYS.map((key) => ({
    ...splitRouteKey(key),
    handler: handlers[key] as Route<APIGatewayProxyEventV2, HttpResponse>["handler"],
  }));
}
