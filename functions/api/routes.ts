import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { Route } from "@middy/http-router";
import type { AccountService } from "../../core/accounts/index.js";
import type { TaskService } from "../../core/tasks/index.js";
import { toCsv, toJsonLines } from "../../core/results/format.js";
import { envelope, ok, raw, type HttpResponse } from "./http.js";
import type { JsonEvent } from "./middleware/jsonBody.js";

type Handler = (event: JsonEvent) => Promise<HttpResponse>;

function taskId(event: APIGatewayProxyEventV2): string {
  return event.pathParameters?.task_id ?? "";
}

function query(event: APIGatewayProxyEventV2): Record<string, string | undefined> {
  return { ...(event.queryStringParameters ?? {}) };
}

/** Every route of the API: each adapts the request to one TaskService call. */
export function taskRoutes(service: () => TaskService): Route<APIGatewayProxyEventV2, HttpResponse>[] {
  const route = (method: Route<APIGatewayProxyEventV2, HttpResponse>["method"], path: string, handler: Handler) => ({
    method,
    path,
    handler: handler as Route<APIGatewayProxyEventV2, HttpResponse>["handler"],
  });

  const health: Handler = async () => {
    const health = await service().health();
    const down = Object.entries(health).filter(([, up]) => !up).map(([name]) => name);
    const data = Object.fromEntries(Object.entries(health).map(([name, up]) => [name, up ? "ok" : "unavailable"]));
    return down.length === 0 ? ok("healthy", data) : envelope(503, `unavailable: ${down.join(", ")}`, data);
  };

  return [
    route("GET", "/health", health),
    // Load balancers and uptime checks often probe with HEAD.
    route("HEAD", "/health", async (event) => ({ ...(await health(event)), body: "" })),

    route("POST", "/api/v1/tasks", async (event) => {
      const key = event.headers?.["idempotency-key"];
      const { task, created } = await service().create(event.jsonBody, key === undefined ? {} : { idempotencyKey: key });
      return created ? ok("task created", task, 201) : ok("task already created with this Idempotency-Key", task, 200);
    }),

    route("GET", "/api/v1/tasks", async (event) => ok("ok", await service().list(query(event)))),

    route("GET", "/api/v1/tasks/{task_id}", async (event) => ok("ok", await service().get(taskId(event)))),

    route("GET", "/api/v1/tasks/{task_id}/results", async (event) => {
      const page = await service().results(taskId(event), query(event));
      const cursorHeader: Record<string, string> = page.next_cursor ? { "x-next-cursor": page.next_cursor } : {};
      if (page.format === "jsonl") return raw(200, "application/x-ndjson; charset=utf-8", toJsonLines(page.items), cursorHeader);
      if (page.format === "csv") {
        return raw(200, "text/csv; charset=utf-8", toCsv(page.items, ["task_id", "item_key", "ok"]), {
          ...cursorHeader,
          "content-disposition": `attachment; filename="${taskId(event)}.csv"`,
        });
      }
      return ok("ok", { items: page.items, next_cursor: page.next_cursor });
    }),

    route("POST", "/api/v1/tasks/{task_id}/cancel", async (event) => ok("task cancelled", await service().cancel(taskId(event)))),

    route("POST", "/api/v1/tasks/{task_id}/retry", async (event) => ok("task queued again", await service().retry(taskId(event)))),
  ];
}

function accountId(event: APIGatewayProxyEventV2): string {
  return event.pathParameters?.account_id ?? "";
}

/** The stored-account routes: each adapts the request to one AccountService call. No response ever carries cookies. */
export function accountRoutes(service: () => AccountService): Route<APIGatewayProxyEventV2, HttpResponse>[] {
  const route = (method: Route<APIGatewayProxyEventV2, HttpResponse>["method"], path: string, handler: Handler) => ({
    method,
    path,
    handler: handler as Route<APIGatewayProxyEventV2, HttpResponse>["handler"],
  });
  return [
    route("POST", "/api/v1/accounts", async (event) => ok("account created", await service().create(event.jsonBody), 201)),
    route("GET", "/api/v1/accounts", async (event) => ok("ok", await service().list(query(event)))),
    route("GET", "/api/v1/accounts/{account_id}", async (event) => ok("ok", await service().get(accountId(event)))),
    route("DELETE", "/api/v1/accounts/{account_id}", async (event) => ok("account deleted", await service().delete(accountId(event)))),
    route("POST", "/api/v1/accounts/{account_id}/activate", async (event) =>
      ok("account active", await service().activate(accountId(event), event.jsonBody)),
    ),
  ];
}
