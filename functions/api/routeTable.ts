/**
 * Every route of the API, once. The router (handler.ts), the API-key check's public routes
 * (middleware/apiKey.ts), API Gateway's routes (infra/api.ts) and the OpenAPI document's
 * check (tests/unit/openapi.test.ts) all derive from this table, so a route cannot be served
 * without being deployed, or deployed without a key rule. No imports: infra reads it too.
 *
 * `limit: "create"`: the route creates (or re-queues) a task and counts against its caller's
 * CREATE_RATE_LIMIT (middleware/rateLimit.ts), with RateLimit headers on its answers.
 */
export const API_ROUTE_TABLE = {
  "GET /health": { public: true },
  "GET /openapi.json": { public: true },
  "GET /docs": { public: true },
  "POST /api/v1/tasks": { public: false, limit: "create" },
  "POST /api/v1/scrape": { public: false, limit: "create" },
  "GET /api/v1/tasks": { public: false },
  "GET /api/v1/tasks/{task_id}": { public: false },
  "GET /api/v1/tasks/{task_id}/results": { public: false },
  "DELETE /api/v1/tasks/{task_id}": { public: false },
  "POST /api/v1/tasks/{task_id}/cancel": { public: false },
  "POST /api/v1/tasks/{task_id}/retry": { public: false, limit: "create" },
  "POST /api/v1/accounts": { public: false },
  "GET /api/v1/accounts": { public: false },
  "GET /api/v1/accounts/{account_id}": { public: false },
  "DELETE /api/v1/accounts/{account_id}": { public: false },
  "POST /api/v1/accounts/{account_id}/activate": { public: false },
  "POST /api/v1/accounts/login": { public: false },
  "GET /api/v1/accounts/login/{session_id}": { public: false },
  "POST /api/v1/schedules": { public: false },
  "GET /api/v1/schedules": { public: false },
  "GET /api/v1/schedules/{schedule_id}": { public: false },
  "DELETE /api/v1/schedules/{schedule_id}": { public: false },
  "POST /api/v1/schedules/{schedule_id}/pause": { public: false },
  "POST /api/v1/schedules/{schedule_id}/resume": { public: false },
} as const satisfies Record<string, { public: boolean; limit?: "create" }>;

/** "METHOD /path", as API Gateway names a route. */
export type RouteKey = keyof typeof API_ROUTE_TABLE;

export type RouteMethod = "GET" | "POST" | "DELETE";

export const ROUTE_KEYS = Object.keys(API_ROUTE_TABLE) as RouteKey[];

/** Routes that need no API key. */
export const PUBLIC_ROUTES: readonly RouteKey[] = ROUTE_KEYS.filter((key) => API_ROUTE_TABLE[key].public);

/** Routes that count against the caller's task-creation budget. */
export const CREATE_LIMITED_ROUTES: readonly RouteKey[] = ROUTE_KEYS.filter(
  (key) => (API_ROUTE_TABLE[key] as { limit?: string }).limit === "create",
);

/** The route a concrete `method` and `path` (`/api/v1/tasks/01ABC`) reach, if any. */
export function routeOf(method: string, path: string): RouteKey | undefined {
  return ROUTE_KEYS.find((key) => {
    const route = splitRouteKey(key);
    return route.method === method && pathPattern(route.path).test(path);
  });
}

/**
 * The methods the table serves at a concrete `path` (`/api/v1/tasks/01ABC`), HEAD with
 * every GET: what a 405's `Allow` header lists. [] when no route has that path.
 */
export function allowedMethods(path: string): string[] {
  const methods = ROUTE_KEYS.map(splitRouteKey)
    .filter((route) => pathPattern(route.path).test(path))
    .map((route) => route.method);
  return [...new Set(methods.flatMap((method) => (method === "GET" ? ["GET", "HEAD"] : [method])))];
}

/** `/api/v1/tasks/{task_id}` → a pattern where each `{param}` is one non-empty segment. */
function pathPattern(template: string): RegExp {
  const escaped = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]+");
  return new RegExp(`^${escaped}$`);
}

/** A route key's method and path. */
export function splitRouteKey(key: RouteKey): { method: RouteMethod; path: string } {
  const space = key.indexOf(" ");
  return { method: key.slice(0, space) as RouteMethod, path: key.slice(space + 1) };
}
