/**
 * The API's OpenAPI 3.1 document, generated from the zod schemas the API validates with
 * (request bodies and query strings, io "input": what a caller may send) and the zod
 * schemas of what it answers (core/tasks/publicSchema.ts, core/accounts/publicSchema.ts,
 * core/results/publicSchema.ts). Only the HTTP facts live here: paths, methods, status
 * codes, headers, the envelope. tests/unit/openapi.test.ts holds it against the router
 * and the curl examples of README.md and docs/.
 */
import * as z from "zod";
import { accountActivateSchema, accountCreateSchema, accountListQuerySchema } from "../../core/accounts/service.js";
import { loginStartSchema } from "../../core/accounts/loginService.js";
import { publicAccountSchema, publicLoginSessionSchema } from "../../core/accounts/publicSchema.js";
import { publicScheduleSchema } from "../../core/schedules/publicSchema.js";
import { scheduleBodySchema } from "../../core/schedules/schema.js";
import { scheduleListQuerySchema } from "../../core/schedules/service.js";
import { availablePlatforms, getPlatform } from "../../core/platforms/registry.js";
import { publicItemSchemas } from "../../core/results/publicSchema.js";
import { publicTaskSchema } from "../../core/tasks/publicSchema.js";
import { commonTaskFields } from "../../core/tasks/schema.js";
import { SCRAPE_MAX_URLS, SCRAPE_TIMEOUT_MS, scrapeBodySchema } from "../../core/tasks/scrape.js";
import { taskListQuerySchema, taskResultsQuerySchema } from "../../core/tasks/service.js";
import { MAX_PAGE_ITEMS_BYTES, TASK_ENDED_EVENT_TYPES, WEBHOOK_EVENT_TYPES } from "../../core/webhooks/events.js";
import { REPLAY_WINDOW_SECS, SIGNATURE_HEADER, TIMESTAMPED_SIGNATURE_HEADER } from "../../core/webhooks/signature.js";

export type JsonSchema = { [keyword: string]: unknown };

export type HttpMethod = "get" | "post" | "delete" | "head";

export interface OpenApiParameter {
  name: string;
  in: "query" | "path" | "header";
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiMediaType {
  schema: JsonSchema;
  example?: unknown;
  examples?: Record<string, { summary?: string; value: unknown }>;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  content?: Record<string, OpenApiMediaType>;
}

export type Ref = { $ref: string };

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** `[]`: no API key needed. Absent: the document's default (a key, when keys are configured). */
  security?: Record<string, string[]>[];
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; description?: string; content: Record<string, OpenApiMediaType> };
  responses: Record<string, OpenApiResponse | Ref>;
}

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  security: Record<string, string[]>[];
  tags: { name: string; description: string }[];
  paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>>;
  /** What this API POSTs to a task's `webhook_url` (OpenAPI 3.1 webhooks). */
  webhooks: Record<string, { post: OpenApiWebhook }>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, OpenApiResponse>;
    securitySchemes: Record<string, JsonSchema>;
  };
}

/** A request this API sends (a webhook delivery), described as the receiver's operation. */
export interface OpenApiWebhook {
  operationId: string;
  summary: string;
  description: string;
  parameters: Array<{ name: string; in: "header"; required: boolean; description: string; schema: JsonSchema }>;
  requestBody: { required: true; content: { "application/json": { schema: JsonSchema } } };
  responses: Record<string, { description: string }>;
}

export const OPENAPI_VERSION = "3.1.0";
const API_VERSION = "1";

/**
 * Adjusts zod's JSON Schema where it would mislead a reader:
 * - Query strings arrive as text, so numbers are parsed with z.coerce; in "input" mode zod
 *   would describe only the coercion's input (any number, bounds lost). What the caller
 *   must send is the coerced value's range: the pipe's output side is described instead.
 * - z.int()'s implicit ±2^53 bounds and z.iso.datetime()'s long regex say nothing that
 *   `type: integer` and `format: date-time` do not.
 */
const readableJsonSchema: NonNullable<Parameters<typeof z.toJSONSchema>[1]>["override"] = (ctx) => {
  const json = ctx.jsonSchema as JsonSchema;
  const def = (
    ctx.zodSchema as unknown as {
      _zod: { def: { type: string; in?: { _zod: { def: { coerce?: boolean } } }; out?: z.ZodType } };
    }
  )._zod.def;
  if (def.type === "pipe" && def.in?._zod.def.coerce === true && def.out !== undefined) {
    const target = toJsonSchema(def.out, "output");
    for (const key of Object.keys(json)) delete json[key];
    Object.assign(json, target);
  }
  if (json.maximum === Number.MAX_SAFE_INTEGER) delete json.maximum;
  if (json.minimum === Number.MIN_SAFE_INTEGER) delete json.minimum;
  if (json.format === "date-time") delete json.pattern;
};

/**
 * A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect). Refinements have no JSON
 * Schema form and are left out (the document can only be looser than the API there, never
 * stricter); transforms are described by the side `io` names.
 */
export function toJsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
    override: readableJsonSchema,
  }) as JsonSchema;
  return json;
}

/**
 * A request-body component with each `default` said in its field's description instead.
 * openapi-typescript (v7, `defaultNonNullable` on by default) types a property that has a
 * `default` as required unless the schema sits inline under a requestBody
 * (node_modules/openapi-typescript/dist/transform/schema-object.mjs, the `optional` test of
 * transformObject); our bodies are `$ref`ed components, so every defaulted field would be
 * required in the generated request type. Without the keyword both generators type them
 * optional, as the API treats them. Response schemas keep their real `required`.
 */
export function defaultsInDescriptions(schema: JsonSchema): JsonSchema {
  // `properties` maps field names to schemas: a field named "default" is not the keyword.
  const walkMap = (map: JsonSchema): JsonSchema =>
    Object.fromEntries(Object.entries(map).map(([key, value]) => [key, walk(value)]));
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node !== "object" || node === null) return node;
    const { default: fallback, ...rest } = node as JsonSchema;
    const out: JsonSchema = Object.fromEntries(
      Object.entries(rest).map(([key, value]) => [
        key,
        key === "properties" && typeof value === "object" && value !== null
          ? walkMap(value as JsonSchema)
          : walk(value),
      ]),
    );
    if (fallback !== undefined) {
      const said = `Default: \`${JSON.stringify(fallback)}\`.`;
      out.description = typeof out.description === "string" ? `${out.description}. ${said}` : said;
    }
    return out;
  };
  return walk(schema) as JsonSchema;
}

/** The query-string parameters a strict query schema accepts (its properties, in order). */
function queryParameters(schema: z.ZodType): OpenApiParameter[] {
  const json = toJsonSchema(schema, "input");
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: "query" as const,
      required: required.has(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: propertySchema,
    };
  });
}

const capitalize = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
const schemaRef = (name: string): Ref => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string): Ref => ({ $ref: `#/components/responses/${name}` });

/**
 * One component per platform: the platform's strict schema plus the fields every task may
 * carry (TaskService splits a body the same way: common keys, then the platform's).
 */
function createTaskSchemas(): { components: Record<string, JsonSchema>; body: JsonSchema } {
  const common = defaultsInDescriptions(toJsonSchema(commonTaskFields, "input"));
  const components: Record<string, JsonSchema> = {};
  const mapping: Record<string, string> = {};
  for (const platform of availablePlatforms()) {
    const own = defaultsInDescriptions(toJsonSchema(getPlatform(platform).inputSchema, "input"));
    const required = [...((own.required ?? []) as string[]), ...((common.required ?? []) as string[])];
    const name = `${capitalize(platform)}TaskInput`;
    components[name] = {
      ...own,
      description: `A task for the ${platform} platform. Checks that JSON Schema cannot express (URL syntax, id formats, which field each crawler_type needs) are made by the API, which answers 400 naming the field.`,
      properties: { ...(own.properties as object), ...(common.properties as object) },
      ...(required.length > 0 ? { required } : {}),
      additionalProperties: false,
    };
    mapping[platform] = `#/components/schemas/${name}`;
  }
  const body: JsonSchema = {
    description: "A task: `platform` picks the schema; unknown fields are refused.",
    oneOf: Object.values(mapping).map(($ref) => ({ $ref })),
    discriminator: { propertyName: "platform", mapping },
  };
  return { components, body };
}

/**
 * Results as named schemas: one per platform and item type (`XhsContentItem`, `WebPageItem`),
 * a discriminated oneOf per media platform on `item_type` (`XhsItem`), and `ResultItem`, a
 * discriminated oneOf on `platform` over those. Generated clients narrow on the two fields.
 */
function resultSchemas(): Record<string, JsonSchema> {
  const components: Record<string, JsonSchema> = {};
  const byPlatform: Record<string, string> = {};
  for (const [platform, kinds] of Object.entries(publicItemSchemas())) {
    const byKind: Record<string, string> = {};
    for (const [kind, schema] of Object.entries(kinds)) {
      const name = `${capitalize(platform)}${capitalize(kind)}Item`;
      if (schema instanceof z.ZodObject) components[name] = toJsonSchema(schema, "output");
      else {
        // Told apart by `ok` (a boolean: no discriminator), which typed clients narrow on.
        components[`${capitalize(platform)}${capitalize(kind)}OkItem`] = toJsonSchema(schema.ok, "output");
        components[`${capitalize(platform)}${capitalize(kind)}FailedItem`] = toJsonSchema(schema.failed, "output");
        components[name] = {
          description: `A ${platform} ${kind} item: crawled (\`ok: true\`), or one the site no longer shows (\`ok: false\`, with \`error\` and only the fields the crawl still knew).`,
          oneOf: [
            schemaRef(`${capitalize(platform)}${capitalize(kind)}OkItem`),
            schemaRef(`${capitalize(platform)}${capitalize(kind)}FailedItem`),
          ],
        };
      }
      byKind[kind] = `#/components/schemas/${name}`;
    }
    const refs = Object.values(byKind);
    if (refs.length === 1) {
      byPlatform[platform] = refs[0] as string;
      continue;
    }
    const name = `${capitalize(platform)}Item`;
    components[name] = {
      description: `An item of the ${platform} platform; \`item_type\` picks the schema.`,
      oneOf: refs.map(($ref) => ({ $ref })),
      discriminator: { propertyName: "item_type", mapping: byKind },
    };
    byPlatform[platform] = `#/components/schemas/${name}`;
  }
  components.ResultItem = {
    description:
      "One result: `platform` picks the platform's items, then (media platforms) `item_type` the kind. Every field is declared; web page items add one field per selector of the task.",
    oneOf: Object.values(byPlatform).map(($ref) => ({ $ref })),
    discriminator: { propertyName: "platform", mapping: byPlatform },
  };
  return components;
}

/** `{"code": 0, "message", "data"}`: every JSON success answer. */
function envelopeOf(data: JsonSchema | Ref, message: string): JsonSchema {
  return {
    type: "object",
    properties: {
      code: { const: 0, description: "0 on success" },
      message: { type: "string", examples: [message] },
      data,
    },
    required: ["code", "message", "data"],
    additionalProperties: false,
  };
}

/** The error envelope for one status: `code` is the status, `data.error` one of `errors`. */
/** `data.errors` of a VALIDATION_FAILED answer: every problem, the first being `field` and `message`. */
const FIELD_PROBLEMS: JsonSchema = {
  type: "array",
  description:
    "Every problem with the input, in order; the first is the one `message` and `field` name (kept for clients that read only those)",
  items: {
    type: "object",
    properties: {
      field: { type: "string", description: "The field to blame (`urls.0`, `body`)" },
      message: { type: "string", description: "What is wrong with it, naming it" },
    },
    required: ["field", "message"],
    additionalProperties: false,
  },
};

function errorEnvelope(
  status: number,
  errors: readonly string[],
  extraData: Record<string, JsonSchema> = {},
  optionalData: Record<string, JsonSchema> = {},
): JsonSchema {
  return {
    type: "object",
    properties: {
      code: { const: status, description: "The HTTP status" },
      message: { type: "string", description: "What is wrong, naming the field when one is to blame" },
      data: {
        type: "object",
        properties: {
          error: { enum: [...errors], description: "Stable, machine-readable error code" },
          field: { type: "string", description: "The request field to blame, when there is one (`urls.0`, `limit`)" },
          ...extraData,
          ...optionalData,
        },
        required: ["error", ...Object.keys(extraData)],
        additionalProperties: false,
      },
    },
    required: ["code", "message", "data"],
    additionalProperties: false,
  };
}

function errorResponse(
  description: string,
  schema: JsonSchema,
  example: unknown,
  headers?: OpenApiResponse["headers"],
): OpenApiResponse {
  return { description, ...(headers ? { headers } : {}), content: { "application/json": { schema, example } } };
}

const RETRY_AFTER = {
  "retry-after": { description: "Seconds to wait before trying again", schema: { type: "string", examples: ["5"] } },
};

/** What API Gateway's stage throttle answers on AWS, on any route: its own body, not the envelope. */
const GATEWAY_THROTTLE_BODY: JsonSchema = {
  type: "object",
  description:
    "API Gateway's own answer when the stage throttle (50 requests/s, bursts of 100) refuses: not the envelope",
  properties: { message: { type: "string" } },
  required: ["message"],
};

/**
 * The task-creation budget's headers (draft-ietf-httpapi-ratelimit-headers-11 §3, §4), on every
 * answer of the routes that count against it (functions/api/middleware/rateLimit.ts).
 */
export const RATE_LIMIT_HEADERS: NonNullable<OpenApiResponse["headers"]> = {
  "ratelimit-policy": {
    description:
      'The caller\'s task-creation budget: `"create";q=<requests>;w=<window seconds>` (CREATE_RATE_LIMIT per 60 s). Absent when the limit is off (CREATE_RATE_LIMIT=0)',
    schema: { type: "string", examples: ['"create";q=600;w=60'] },
  },
  ratelimit: {
    description:
      'What is left of it: `"create";r=<requests left>;t=<seconds until the window ends>`. Absent when the limit is off',
    schema: { type: "string", examples: ['"create";r=599;t=42'] },
  },
};

function errorResponses(): Record<string, OpenApiResponse> {
  return {
    BadRequest: errorResponse(
      "Invalid input: a field, a query parameter, an unknown field, or a body that is not JSON",
      errorEnvelope(400, ["VALIDATION_FAILED", "MALFORMED_JSON"], {}, { errors: FIELD_PROBLEMS }),
      {
        code: 400,
        message: "max_attempts: must be at most 10",
        data: {
          error: "VALIDATION_FAILED",
          field: "max_attempts",
          errors: [
            { field: "max_attempts", message: "max_attempts: must be at most 10" },
            { field: "max_pages", message: "max_pages: must be at least 1" },
          ],
        },
      },
    ),
    Unauthorized: errorResponse(
      "No API key, or not a valid one (only when keys are configured)",
      errorEnvelope(401, ["UNAUTHORIZED"]),
      { code: 401, message: "authorization: the API key is not valid", data: { error: "UNAUTHORIZED" } },
      { "www-authenticate": { description: "Always `Bearer`", schema: { const: "Bearer" } } },
    ),
    NotFound: errorResponse("No such task or account", errorEnvelope(404, ["NOT_FOUND"]), {
      code: 404,
      message: 'task_id: task "01M8HQ0000000000000000000X" not found',
      data: { error: "NOT_FOUND" },
    }),
    Conflict: errorResponse("The request conflicts with the current state", errorEnvelope(409, ["CONFLICT"]), {
      code: 409,
      message: "task is already completed and cannot be cancelled",
      data: { error: "CONFLICT" },
    }),
    PayloadTooLarge: errorResponse("The body is over 4 MiB", errorEnvelope(413, ["PAYLOAD_TOO_LARGE"]), {
      code: 413,
      message: "body: must be at most 4194304 bytes (got 5000000)",
      data: { error: "PAYLOAD_TOO_LARGE", field: "body" },
    }),
    UnsupportedMediaType: errorResponse(
      "A body that is not sent as application/json",
      errorEnvelope(415, ["UNSUPPORTED_MEDIA_TYPE"]),
      {
        code: 415,
        message: 'content-type: must be application/json (got "application/x-www-form-urlencoded")',
        data: { error: "UNSUPPORTED_MEDIA_TYPE", field: "content-type" },
      },
    ),
    Timeout: errorResponse(
      "The API ran out of time before answering (a second before its function's time limit): the request may still have taken effect, so read before sending it again, or send a create again with the same Idempotency-Key",
      errorEnvelope(504, ["TIMEOUT"]),
      {
        code: 504,
        message:
          "the API ran out of time before answering; the request may still have taken effect (a create may have stored its task): read before sending it again, or send it again with the same Idempotency-Key",
        data: { error: "TIMEOUT" },
      },
      RETRY_AFTER,
    ),
    TooManyRequests: {
      description:
        "On AWS only: API Gateway throttles the API (50 requests/s, bursts of 100) and answers with its own body, not the envelope. The one-machine stack does not throttle.",
      content: { "application/json": { schema: GATEWAY_THROTTLE_BODY, example: { message: "Too Many Requests" } } },
    },
    RateLimited: {
      description:
        "The caller (its API key, or its IP address when keys are off) has used its task-creation budget for this minute (CREATE_RATE_LIMIT, shared by POST /api/v1/tasks, POST /api/v1/scrape and retry): the envelope with RATE_LIMITED, and `retry-after` at the window's end. On AWS, API Gateway's stage throttle may also answer 429, with its own `{\"message\"}` body and no headers",
      headers: { ...RATE_LIMIT_HEADERS, ...RETRY_AFTER },
      content: {
        "application/json": {
          schema: { anyOf: [errorEnvelope(429, ["RATE_LIMITED"]), GATEWAY_THROTTLE_BODY] },
          example: {
            code: 429,
            message: 'rate limited: at most 600 task-creating requests per 60 s (policy "create"); try again in 42 s',
            data: { error: "RATE_LIMITED" },
          },
        },
      },
    },
    DependencyUnavailable: errorResponse(
      "A table, the queue or the accounts key did not answer; try again after `retry-after` seconds",
      errorEnvelope(503, ["DEPENDENCY_UNAVAILABLE"], {
        dependency: {
          type: "string",
          description: "tasks_table, results_table, queue, accounts_table, accounts_key, schedules_table or scheduler",
          examples: ["queue"],
        },
      }),
      {
        code: 503,
        message:
          "queue is unavailable: task 01M8HTGMT0PZCB39H6NHNGWHHM is stored as pending and will be queued again by the sweeper",
        data: { error: "DEPENDENCY_UNAVAILABLE", dependency: "queue" },
      },
      RETRY_AFTER,
    ),
  };
}

const TASK_EXAMPLE = {
  task_id: "01M8HTGMT0PZCB39H6NHNGWHHM",
  platform: "web",
  crawler_type: "crawl",
  params: {
    urls: ["http://127.0.0.1:8000/"],
    max_pages: 50,
    max_depth: 2,
    include: [],
    exclude: [],
    same_origin: true,
    selectors: { heading: "h1" },
    wait_until: "load",
    page_timeout_secs: 30,
    block_resources: ["image", "media", "font"],
  },
  status: "pending",
  attempts: 0,
  max_attempts: 3,
  max_duration_secs: 3600,
  created_at: "2026-11-28T19:36:03.648Z",
  updated_at: "2026-11-28T19:36:03.648Z",
  progress: { pages_done: 0, items: 0, errors: 0 },
  result_count: 0,
};

const ACCOUNT_EXAMPLE = {
  account_id: "01M8HWBE1AGTZGX39V5H82MKPR",
  platform: "xhs",
  note: "team phone 1",
  status: "active",
  created_at: "2026-11-28T20:08:10.026Z",
  updated_at: "2026-11-28T20:08:10.026Z",
  use_count: 0,
  fingerprint: "48dc20216820402e",
  cookie_count: 2,
};

const LOGIN_SESSION_EXAMPLE = {
  session_id: "01M8HWBHXSQSW0J6WTX6QDT7XA",
  platform: "xhs",
  state: "waiting",
  created_at: "2026-11-28T20:08:10.026Z",
  updated_at: "2026-11-28T20:08:12.410Z",
  expires_at: "2026-11-28T20:11:10.026Z",
  qr_image: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA…",
  qr_text: "https://www.xiaohongshu.com/mobile/login?qrId=…",
};

const SCHEDULE_EXAMPLE = {
  schedule_id: "01M8HXQ4C2V7F9J3K5N6P8R0ST",
  name: "daily xhs search",
  schedule_expression: "cron(0 8 * * ? *)",
  timezone: "Asia/Shanghai",
  task: { platform: "xhs", crawler_type: "search", keywords: ["coffee"], max_notes_count: 20 },
  since_last_run: false,
  state: "enabled",
  created_at: "2026-12-06T04:00:00.000Z",
  updated_at: "2026-12-06T04:00:00.000Z",
  anchor_at: "2026-12-06T04:00:00.000Z",
  run_count: 0,
  recent_runs: [],
  next_runs: ["2026-12-07T00:00:00.000Z", "2026-12-08T00:00:00.000Z", "2026-12-09T00:00:00.000Z"],
};

/** Request examples; the test checks each against the document and the API's own parsing. */
export const CREATE_TASK_EXAMPLES: Record<string, { summary: string; value: Record<string, unknown> }> = {
  web_detail: {
    summary: "Exactly these pages",
    value: { platform: "web", crawler_type: "detail", urls: ["https://example.com/"] },
  },
  web_crawl: {
    summary: "Follow links, with a selector column and a time limit",
    value: {
      platform: "web",
      crawler_type: "crawl",
      urls: ["https://example.com/"],
      max_pages: 20,
      selectors: { heading: "h1" },
      max_duration_secs: 600,
    },
  },
  xhs_search: {
    summary: "xhs search with comments",
    value: {
      platform: "xhs",
      crawler_type: "search",
      keywords: "咖啡,拿铁",
      sort: "popularity_descending",
      enable_comments: true,
      max_notes_count: 10,
    },
  },
};

/** POST /api/v1/scrape examples; the test checks each against the document and the API's parsing. */
export const SCRAPE_EXAMPLES: Record<string, { summary: string; value: Record<string, unknown> }> = {
  pages: {
    summary: "Two pages as Markdown, the main content only",
    value: {
      urls: ["https://example.com/", "https://example.com/about"],
      formats: ["markdown"],
      only_main_content: true,
    },
  },
  selectors: {
    summary: "One page's fields by CSS selector, waiting at most 10 s",
    value: { urls: ["https://example.com/"], selectors: { heading: "h1" }, timeout_ms: 10_000 },
  },
};

export const CREATE_ACCOUNT_EXAMPLES: Record<string, { summary: string; value: Record<string, unknown> }> = {
  cookie_header: {
    summary: "A Cookie header as copied from devtools",
    value: { platform: "xhs", cookies: "web_session=abc; a1=xyz", note: "team phone 1" },
  },
  exported_array: {
    summary: "A cookie-export extension's array",
    value: {
      platform: "xhs",
      cookies: [
        {
          name: "web_session",
          value: "def",
          domain: ".xiaohongshu.com",
          path: "/",
          expirationDate: 1830000000,
          httpOnly: true,
          secure: true,
        },
      ],
    },
  },
};

function pathParameter(name: "task_id" | "account_id" | "session_id" | "schedule_id"): OpenApiParameter {
  const { what, example } = {
    task_id: { what: "task", example: TASK_EXAMPLE.task_id },
    account_id: { what: "account", example: ACCOUNT_EXAMPLE.account_id },
    session_id: { what: "login session", example: LOGIN_SESSION_EXAMPLE.session_id },
    schedule_id: { what: "schedule", example: SCHEDULE_EXAMPLE.schedule_id },
  }[name];
  return {
    name,
    in: "path",
    required: true,
    description: `The ${what}'s ULID (26 characters); anything else is a 404`,
    schema: { type: "string", examples: [example] },
  };
}

/** Builds the whole document; call once and keep it (see {@link openApiDocument}). */
export function buildOpenApiDocument(): OpenApiDocument {
  const createTask = createTaskSchemas();
  const errors = errorResponses();
  const ok = (description: string, data: JsonSchema | Ref, message: string, example?: unknown): OpenApiResponse => ({
    description,
    content: {
      "application/json": {
        schema: envelopeOf(data, message),
        ...(example !== undefined ? { example: { code: 0, message, data: example } } : {}),
      },
    },
  });
  const page = (item: Ref, withCursor: boolean): JsonSchema => ({
    type: "object",
    properties: {
      items: { type: "array", items: item },
      ...(withCursor
        ? {
            next_cursor: {
              type: ["string", "null"],
              description: "Pass back as `cursor` for the next page; null on the last page",
            },
          }
        : {}),
    },
    required: withCursor ? ["items", "next_cursor"] : ["items"],
    additionalProperties: false,
  });
  const healthData = toJsonSchema(
    z.object({ tasks_table: z.enum(["ok", "unavailable"]), queue: z.enum(["ok", "unavailable"]) }),
    "output",
  );
  const healthEnvelope: JsonSchema = {
    type: "object",
    properties: { code: { enum: [0, 503] }, message: { type: "string" }, data: healthData },
    required: ["code", "message", "data"],
    additionalProperties: false,
  };
  const jsonBody = (schema: JsonSchema | Ref, examples: OpenApiMediaType["examples"]) => ({
    "application/json": { schema, ...(examples ? { examples } : {}) },
  });
  const bodyErrors = {
    "400": responseRef("BadRequest"),
    "413": responseRef("PayloadTooLarge"),
    "415": responseRef("UnsupportedMediaType"),
  };
  const common = {
    "401": responseRef("Unauthorized"),
    "429": responseRef("TooManyRequests"),
    "503": responseRef("DependencyUnavailable"),
    "504": responseRef("Timeout"),
  };
  const publicOnly = { "429": responseRef("TooManyRequests") };
  /** The routes that count against the task-creation budget: its 429, and its headers on their answers. */
  const limited = { ...common, "429": responseRef("RateLimited") };
  const withRateLimit = (response: OpenApiResponse): OpenApiResponse => ({
    ...response,
    headers: { ...response.headers, ...RATE_LIMIT_HEADERS },
  });
  const taskResponse = (message: string) => ok("The task", schemaRef("Task"), message, TASK_EXAMPLE);
  const accountResponse = (message: string) => ok("The account", schemaRef("Account"), message, ACCOUNT_EXAMPLE);
  const taskId = pathParameter("task_id");
  const accountId = pathParameter("account_id");
  const loginResponse = (message: string) =>
    ok("The login session", schemaRef("LoginSession"), message, LOGIN_SESSION_EXAMPLE);
  const scheduleId = pathParameter("schedule_id");
  const scheduleResponse = (message: string) => ok("The schedule", schemaRef("Schedule"), message, SCHEDULE_EXAMPLE);
  /** A 201 that names where the new resource is read (RFC 9110 §15.3.2). */
  const createdAt = (response: OpenApiResponse, template: string): OpenApiResponse => ({
    ...response,
    headers: {
      ...response.headers,
      location: {
        description: `Where the created resource is read, relative to the API's origin: \`${template}\``,
        schema: { type: "string", examples: [template.replace(/\{[^}]+\}/, "01M8HQ0000000000000000000X")] },
      },
    },
  });

  const paths: OpenApiDocument["paths"] = {
    "/health": {
      get: {
        operationId: "getHealth",
        tags: ["service"],
        summary: "Whether the tasks table and the queue answer",
        security: [],
        responses: {
          "200": {
            description: "Both answer",
            content: {
              "application/json": {
                schema: healthEnvelope,
                example: { code: 0, message: "healthy", data: { tasks_table: "ok", queue: "ok" } },
              },
            },
          },
          "503": {
            description: "One or both do not answer",
            content: {
              "application/json": {
                schema: healthEnvelope,
                example: {
                  code: 503,
                  message: "unavailable: queue",
                  data: { tasks_table: "ok", queue: "unavailable" },
                },
              },
            },
          },
          ...publicOnly,
        },
      },
      head: {
        operationId: "headHealth",
        tags: ["service"],
        summary: "The same status as GET /health, without a body (for load balancers and uptime checks)",
        security: [],
        responses: {
          "200": { description: "Both answer" },
          "503": { description: "One or both do not answer" },
          ...publicOnly,
        },
      },
    },
    "/openapi.json": {
      get: {
        operationId: "getOpenApiDocument",
        tags: ["service"],
        summary: "This document (OpenAPI 3.1), not wrapped in the envelope",
        security: [],
        responses: {
          "200": {
            description: "The OpenAPI document",
            content: { "application/json": { schema: { type: "object" } } },
          },
          ...publicOnly,
        },
      },
    },
    "/docs": {
      get: {
        operationId: "getDocs",
        tags: ["service"],
        summary: "This document as a web page",
        security: [],
        responses: {
          "200": {
            description: "A self-contained HTML page",
            content: { "text/html": { schema: { type: "string" } } },
          },
          ...publicOnly,
        },
      },
    },
    "/api/v1/tasks": {
      post: {
        operationId: "createTask",
        tags: ["tasks"],
        summary: "Validate, store and queue a task",
        description:
          "The same Idempotency-Key with the same task input (compared after validation) returns the first task with 200; with a different input it is a 409.",
        parameters: [
          {
            name: "Idempotency-Key",
            in: "header",
            required: false,
            description: "1–255 visible ASCII characters, remembered for 24 hours",
            schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" },
          },
        ],
        requestBody: { required: true, content: jsonBody(schemaRef("TaskInput"), CREATE_TASK_EXAMPLES) },
        responses: {
          "201": withRateLimit(createdAt(taskResponse("task created"), "/api/v1/tasks/{task_id}")),
          "200": withRateLimit(taskResponse("task already created with this Idempotency-Key")),
          ...bodyErrors,
          "409": responseRef("Conflict"),
          ...limited,
        },
      },
      get: {
        operationId: "listTasks",
        tags: ["tasks"],
        summary: "Tasks, newest first, a page at a time",
        parameters: queryParameters(taskListQuerySchema),
        responses: {
          "200": ok("A page of tasks", page(schemaRef("Task"), true), "ok"),
          "400": responseRef("BadRequest"),
          ...common,
        },
      },
    },
    "/api/v1/scrape": {
      post: {
        operationId: "scrape",
        tags: ["tasks"],
        summary: `Fetch up to ${SCRAPE_MAX_URLS} pages and answer with their items, in one call`,
        description: `Creates a web detail task for the URLs (stored, queued, retried and listed like any other; it counts against the task-creation budget), then waits for it to end, at most \`timeout_ms\` (${SCRAPE_TIMEOUT_MS.max} ms at most, under API Gateway's 30 s) and never past the API function's own remaining time. Ended (completed, failed or cancelled): 200 with the task and all its items, a failed task with its \`error\` and whatever items it stored. Not ended in time: 202 with the task, \`location\` of the task, and where to poll: GET the task until its status is completed, failed or cancelled, then GET its results.`,
        requestBody: { required: true, content: jsonBody(schemaRef("ScrapeInput"), SCRAPE_EXAMPLES) },
        responses: {
          "200": withRateLimit(
            ok(
              "The task ended: it and every item it stored",
              {
                type: "object",
                properties: {
                  task: schemaRef("Task"),
                  items: { type: "array", items: schemaRef("WebPageItem"), maxItems: SCRAPE_MAX_URLS * 10 },
                },
                required: ["task", "items"],
                additionalProperties: false,
              },
              "task completed",
            ),
          ),
          "202": withRateLimit(
            createdAt(
              ok(
                "The task has not ended within the wait: poll it",
                {
                  type: "object",
                  properties: {
                    task: schemaRef("Task"),
                    poll: {
                      type: "object",
                      description: "Where to follow it: the task (until it ends), then its results",
                      properties: {
                        task: { type: "string", examples: ["/api/v1/tasks/01M8HQ0000000000000000000X"] },
                        results: { type: "string", examples: ["/api/v1/tasks/01M8HQ0000000000000000000X/results"] },
                      },
                      required: ["task", "results"],
                      additionalProperties: false,
                    },
                  },
                  required: ["task", "poll"],
                  additionalProperties: false,
                },
                "task running: not ended within the wait; poll GET /api/v1/tasks/01M8HQ0000000000000000000X, then read GET /api/v1/tasks/01M8HQ0000000000000000000X/results",
              ),
              "/api/v1/tasks/{task_id}",
            ),
          ),
          ...bodyErrors,
          ...limited,
        },
      },
    },
    "/api/v1/tasks/{task_id}": {
      get: {
        operationId: "getTask",
        tags: ["tasks"],
        summary: "One task",
        parameters: [taskId],
        responses: { "200": taskResponse("ok"), "404": responseRef("NotFound"), ...common },
      },
      delete: {
        operationId: "deleteTask",
        tags: ["tasks"],
        summary: "Delete a finished task and its results",
        description:
          "Deletes the task's results, its stored URL list, then the task. Only a completed, failed or cancelled task: a pending or running one is a 409 (cancel it first). A delete cut short leaves the task in place; deleting it again finishes.",
        parameters: [taskId],
        responses: {
          "200": ok(
            "What was deleted",
            {
              type: "object",
              properties: {
                task_id: { type: "string" },
                results_deleted: { type: "integer", minimum: 0, description: "How many results were deleted" },
              },
              required: ["task_id", "results_deleted"],
              additionalProperties: false,
            },
            "task deleted",
            { task_id: "01M8HQ0000000000000000000X", results_deleted: 6 },
          ),
          "404": responseRef("NotFound"),
          "409": responseRef("Conflict"),
          ...common,
        },
      },
    },
    "/api/v1/tasks/{task_id}/results": {
      get: {
        operationId: "getTaskResults",
        tags: ["tasks"],
        summary: "A task's results, in item_key order, a page at a time",
        description:
          "`format=json` answers the envelope with `{items, next_cursor}`. `jsonl` and `csv` answer the rows only; the next page's cursor comes in the `x-next-cursor` header (absent on the last page). `layout=mediacrawler` (media tasks only; a web task is a 400 naming `layout`) writes one of MediaCrawler's files, named by `item_type`: its records only, with MediaCrawler's columns, order and value formats, and its file name (`{crawler_type}_{item_type}_{date}.csv`) in Content-Disposition; a page may then hold fewer records than `limit`, or none, and still have a next cursor.",
        parameters: [taskId, ...queryParameters(taskResultsQuerySchema)],
        responses: {
          "200": {
            description:
              "A page of results (with layout=mediacrawler and format=json, `items` are MediaCrawler's flat records of `item_type`, not ResultItem)",
            headers: {
              "x-next-cursor": {
                description: "jsonl and csv only: the cursor of the next page",
                schema: { type: "string" },
              },
              "content-disposition": {
                description:
                  'jsonl and csv: attachment; filename="<task_id>.<format>", or with layout=mediacrawler MediaCrawler\'s name, "<crawler_type>_<item_type>_<YYYY-MM-DD>.<format>" (the day the task was created, UTC)',
                schema: { type: "string" },
              },
            },
            content: {
              // With layout=mediacrawler the items are MediaCrawler's flat records instead (the
              // description says so): an anyOf here would let the docs' jq checks accept any field.
              "application/json": { schema: envelopeOf(page(schemaRef("ResultItem"), true), "ok") },
              "application/x-ndjson": { schema: { type: "string", description: "One JSON object per line" } },
              "text/csv": {
                schema: {
                  type: "string",
                  description:
                    "CRLF lines; task_id,item_key,ok first, then every column on the page; nested objects as dotted columns. With layout=mediacrawler: MediaCrawler's columns for item_type, in its order",
                },
              },
            },
          },
          "400": responseRef("BadRequest"),
          "404": responseRef("NotFound"),
          ...common,
        },
      },
    },
    "/api/v1/tasks/{task_id}/cancel": {
      post: {
        operationId: "cancelTask",
        tags: ["tasks"],
        summary: "Cancel a pending or running task (a cancelled one is returned unchanged)",
        parameters: [taskId],
        responses: {
          "200": taskResponse("task cancelled"),
          "404": responseRef("NotFound"),
          "409": responseRef("Conflict"),
          ...common,
        },
      },
    },
    "/api/v1/tasks/{task_id}/retry": {
      post: {
        operationId: "retryTask",
        tags: ["tasks"],
        summary: "Queue a failed or cancelled task again",
        parameters: [taskId],
        responses: {
          "200": withRateLimit(taskResponse("task queued again")),
          "404": responseRef("NotFound"),
          "409": responseRef("Conflict"),
          ...limited,
        },
      },
    },
    "/api/v1/accounts": {
      post: {
        operationId: "createAccount",
        tags: ["accounts"],
        summary: "Store a media platform's account (its cookies encrypted)",
        requestBody: {
          required: true,
          content: jsonBody(toJsonSchema(accountCreateSchema, "input"), CREATE_ACCOUNT_EXAMPLES),
        },
        responses: {
          "201": createdAt(accountResponse("account created"), "/api/v1/accounts/{account_id}"),
          ...bodyErrors,
          "409": responseRef("Conflict"),
          ...common,
        },
      },
      get: {
        operationId: "listAccounts",
        tags: ["accounts"],
        summary: "Accounts, oldest first (no pagination)",
        parameters: queryParameters(accountListQuerySchema),
        responses: {
          "200": ok("The accounts", page(schemaRef("Account"), false), "ok"),
          "400": responseRef("BadRequest"),
          ...common,
        },
      },
    },
    "/api/v1/accounts/{account_id}": {
      get: {
        operationId: "getAccount",
        tags: ["accounts"],
        summary: "One account, never its cookies",
        parameters: [accountId],
        responses: { "200": accountResponse("ok"), "404": responseRef("NotFound"), ...common },
      },
      delete: {
        operationId: "deleteAccount",
        tags: ["accounts"],
        summary: "Delete an account and its cookies; answers with the account as it was",
        parameters: [accountId],
        responses: { "200": accountResponse("account deleted"), "404": responseRef("NotFound"), ...common },
      },
    },
    "/api/v1/accounts/login": {
      post: {
        operationId: "startAccountLogin",
        tags: ["accounts"],
        summary: "Sign in by QR code: start a session (the crawler opens the login page and captures the QR code)",
        description:
          "Poll GET /api/v1/accounts/login/{session_id} for the QR code and the state. With account_id, a re-login: that expired account of the platform gets the new cookies and becomes active.",
        requestBody: {
          required: true,
          content: jsonBody(toJsonSchema(loginStartSchema, "input"), {
            new_account: { summary: "A new account", value: { platform: "xhs" } },
            relogin: {
              summary: "Sign an expired account in again",
              value: { platform: "xhs", account_id: "01M8HWBE1AGTZGX39V5H82MKPR" },
            },
          }),
        },
        responses: {
          "202": {
            ...loginResponse("login started"),
            headers: {
              location: {
                description: "Where the session is read: `/api/v1/accounts/login/{session_id}`",
                schema: { type: "string" },
              },
            },
          },
          ...bodyErrors,
          "404": responseRef("NotFound"),
          "409": responseRef("Conflict"),
          ...common,
        },
      },
    },
    "/api/v1/accounts/login/{session_id}": {
      get: {
        operationId: "getAccountLogin",
        tags: ["accounts"],
        summary: "A QR login session: its state, the QR code, and the account when done",
        parameters: [pathParameter("session_id")],
        responses: { "200": loginResponse("ok"), "404": responseRef("NotFound"), ...common },
      },
    },
    "/api/v1/schedules": {
      post: {
        operationId: "createSchedule",
        tags: ["schedules"],
        summary: "Create a schedule: a create-task body run on a cron or rate expression",
        requestBody: {
          required: true,
          content: jsonBody(toJsonSchema(scheduleBodySchema, "input"), {
            daily: {
              summary: "Every day at 08:00 Shanghai time",
              value: {
                name: "daily xhs search",
                schedule_expression: "cron(0 8 * * ? *)",
                timezone: "Asia/Shanghai",
                task: { platform: "xhs", crawler_type: "search", keywords: ["coffee"], max_notes_count: 20 },
              },
            },
          }),
        },
        responses: {
          "201": createdAt(scheduleResponse("schedule created"), "/api/v1/schedules/{schedule_id}"),
          ...bodyErrors,
          ...common,
        },
      },
      get: {
        operationId: "listSchedules",
        tags: ["schedules"],
        summary: "Schedules, newest first",
        parameters: queryParameters(scheduleListQuerySchema),
        responses: {
          "200": ok("A page of schedules", page(schemaRef("Schedule"), true), "ok"),
          "400": responseRef("BadRequest"),
          ...common,
        },
      },
    },
    "/api/v1/schedules/{schedule_id}": {
      get: {
        operationId: "getSchedule",
        tags: ["schedules"],
        summary: "One schedule, with its next run times and its recent runs' task ids",
        parameters: [scheduleId],
        responses: { "200": scheduleResponse("ok"), "404": responseRef("NotFound"), ...common },
      },
      delete: {
        operationId: "deleteSchedule",
        tags: ["schedules"],
        summary: "Delete a schedule (its trigger first); the tasks its runs made stay",
        parameters: [scheduleId],
        responses: {
          "200": ok(
            "The deleted schedule's id",
            toJsonSchema(z.object({ schedule_id: z.string() }), "output"),
            "schedule deleted",
          ),
          "404": responseRef("NotFound"),
          ...common,
        },
      },
    },
    "/api/v1/schedules/{schedule_id}/pause": {
      post: {
        operationId: "pauseSchedule",
        tags: ["schedules"],
        summary: "Pause a schedule: no run starts until it is resumed",
        parameters: [scheduleId],
        responses: { "200": scheduleResponse("schedule paused"), "404": responseRef("NotFound"), ...common },
      },
    },
    "/api/v1/schedules/{schedule_id}/resume": {
      post: {
        operationId: "resumeSchedule",
        tags: ["schedules"],
        summary: "Resume a paused schedule from now (runs missed while paused are not made up)",
        parameters: [scheduleId],
        responses: { "200": scheduleResponse("schedule resumed"), "404": responseRef("NotFound"), ...common },
      },
    },
    "/api/v1/accounts/{account_id}/activate": {
      post: {
        operationId: "activateAccount",
        tags: ["accounts"],
        summary: "Put an expired or banned account back in turn, optionally with fresh cookies",
        parameters: [accountId],
        requestBody: {
          required: false,
          content: jsonBody(toJsonSchema(accountActivateSchema, "input"), {
            refresh: { summary: "New cookies", value: { cookies: "web_session=ghi; a1=uvw" } },
          }),
        },
        responses: {
          "200": accountResponse("account active"),
          ...bodyErrors,
          "404": responseRef("NotFound"),
          ...common,
        },
      },
    },
  };

  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: "crawl-tasks API",
      version: API_VERSION,
      description:
        'Create crawl tasks (a web site or a media platform), follow them, read their results, and manage the accounts media crawls use. Every JSON answer is an envelope {"code", "message", "data"}: code is 0 on success and the HTTP status on an error. Unknown body fields and query parameters are refused with a 400 naming them; a method a path does not take gets 405 METHOD_NOT_ALLOWED with an Allow header.',
    },
    servers: [{ url: "/", description: "This API (the one-machine stack or the API Gateway URL)" }],
    security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    tags: [
      { name: "tasks", description: "Crawl tasks and their results" },
      { name: "accounts", description: "Stored accounts of the media platforms" },
      { name: "schedules", description: "Recurring crawls: a task body run on a cron or rate expression" },
      { name: "service", description: "Health and this documentation; no API key needed" },
    ],
    paths,
    webhooks: {
      taskStarted: { post: taskStartedWebhook() },
      taskPage: { post: taskPageWebhook() },
      taskEnded: { post: taskEndedWebhook() },
    },
    components: {
      schemas: {
        TaskInput: createTask.body,
        ScrapeInput: {
          ...toJsonSchema(scrapeBodySchema, "input"),
          description:
            "A few pages to fetch now: the web task's page options (formats, selectors, render, wait_until, only_main_content, …) and the fields every task may carry, without crawl settings. Unknown fields are refused.",
        },
        WebhookEvent: webhookEventSchema(),
        TaskPageEvent: taskPageEventSchema(),
        ...createTask.components,
        Task: toJsonSchema(publicTaskSchema, "output"),
        ...resultSchemas(),
        Account: toJsonSchema(publicAccountSchema, "output"),
        LoginSession: toJsonSchema(publicLoginSessionSchema, "output"),
        Schedule: toJsonSchema(publicScheduleSchema, "output"),
      },
      responses: errors,
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description:
            "Authorization: Bearer <key>. Needed only when API keys are configured; otherwise the API is open.",
        },
        apiKeyHeader: {
          type: "apiKey",
          in: "header",
          name: "x-api-key",
          description: "The same key in an x-api-key header",
        },
      },
    },
  };
}

let built: OpenApiDocument | undefined;

/** The document, built on first use and kept for warm invocations. */
export function openApiDocument(): OpenApiDocument {
  return (built ??= buildOpenApiDocument());
}

/** The body of a task.started or ended event (core/webhooks/events.ts TaskSnapshotEvent). */
function webhookEventSchema(): JsonSchema {
  return {
    type: "object",
    properties: {
      id: { type: "string", description: "The same for every attempt of this event: de-duplicate on it" },
      type: { enum: WEBHOOK_EVENT_TYPES.filter((type) => type !== "task.page") },
      created_at: {
        type: "string",
        format: "date-time",
        description: "When the task ended (task.started: when the attempt started)",
      },
      task: {
        description:
          "The task as GET /api/v1/tasks/{task_id} showed it when the event happened, without `webhook`. Above 200 KiB its `params` are left out and `params_omitted: true` is set",
        $ref: "#/components/schemas/Task",
      },
    },
    required: ["id", "type", "created_at", "task"],
  };
}

/** The body of a task.page event (core/webhooks/events.ts TaskPageEvent). */
function taskPageEventSchema(): JsonSchema {
  const count = { type: "integer", minimum: 0 };
  return {
    type: "object",
    properties: {
      id: { type: "string", description: "evt_<task_id>_page_<sequence>: the same for every attempt" },
      type: { const: "task.page" },
      created_at: { type: "string", format: "date-time", description: "When the batch was stored" },
      sequence: {
        type: "integer",
        minimum: 1,
        description:
          "1, 2, 3 … over the task's whole life, retries included; events may arrive out of order, and a missing number is a batch whose event was lost (GET …/results has every item)",
      },
      items: {
        type: "array",
        description: "The batch's items in the order they were stored (not their data: read it from GET …/results)",
        items: {
          type: "object",
          properties: {
            item_key: { type: "string" },
            url: { type: "string", description: "The page's URL, when the item has one" },
            ok: { type: "boolean" },
          },
          required: ["item_key", "ok"],
        },
      },
      items_omitted: {
        ...count,
        description: `Items of the batch left out of items to keep it under ${MAX_PAGE_ITEMS_BYTES / 1024} KiB`,
      },
      ok_count: { ...count, description: "Pages of the batch that succeeded" },
      error_count: { ...count, description: "Pages of the batch that failed" },
      task: {
        type: "object",
        description: "The task after the batch: its progress and labels (the rest: GET /api/v1/tasks/{task_id})",
        properties: {
          task_id: { type: "string" },
          platform: { type: "string" },
          crawler_type: { type: "string" },
          status: { type: "string" },
          attempts: count,
          progress: { $ref: "#/components/schemas/Task/properties/progress" },
          result_count: count,
          metadata: { $ref: "#/components/schemas/Task/properties/metadata" },
          schedule_id: { $ref: "#/components/schemas/Task/properties/schedule_id" },
        },
        required: ["task_id", "platform", "crawler_type", "status", "attempts", "progress", "result_count"],
      },
    },
    required: ["id", "type", "created_at", "sequence", "items", "items_omitted", "ok_count", "error_count", "task"],
  };
}

/** A webhook operation: the same headers and answers for every event, its own body. */
function webhookOperation(operation: {
  operationId: string;
  summary: string;
  description: string;
  bodySchema: string;
  eventTypes: readonly string[];
}): OpenApiWebhook {
  const header = (name: string, description: string, schema: JsonSchema) => ({
    name,
    in: "header" as const,
    required: true,
    description,
    schema,
  });
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    description: `${operation.description} Signed with the deployment's webhook secret: verify X-Signature over the exact bytes received before parsing them. Any 2xx acknowledges; other answers and timeouts are retried with back-off, the same body and X-Webhook-Id each time.`,
    parameters: [
      header(SIGNATURE_HEADER, "`sha256=<hex HMAC-SHA256 of the raw body keyed with the webhook secret>`", {
        type: "string",
        pattern: "^sha256=[0-9a-f]{64}$",
      }),
      header(
        TIMESTAMPED_SIGNATURE_HEADER,
        `\`t=<unix seconds of this attempt>,sha256=<hex HMAC-SHA256 of "<t>." followed by the raw body>\`: refuse a delivery whose t is more than ${REPLAY_WINDOW_SECS} s from your clock (replays)`,
        { type: "string", pattern: "^t=[0-9]{1,12},sha256=[0-9a-f]{64}$" },
      ),
      header("X-Webhook-Id", "The event's id, as in the body", { type: "string" }),
      header("X-Webhook-Event", "The event's type, as in the body", { enum: [...operation.eventTypes] }),
      header("X-Webhook-Attempt", "1 for the first delivery, then 2, 3, …", {
        type: "string",
        pattern: "^[1-9][0-9]*$",
      }),
    ],
    requestBody: {
      required: true,
      content: { "application/json": { schema: { $ref: `#/components/schemas/${operation.bodySchema}` } } },
    },
    responses: { "2XX": { description: "Received: the event is not sent again" } },
  };
}

function taskEndedWebhook(): OpenApiWebhook {
  return webhookOperation({
    operationId: "taskEnded",
    summary: "A task with a webhook_url ended: completed, failed or cancelled",
    description:
      "POSTed to the task's webhook_url once per ending (a retried task that ends again sends a new one), unless its webhook_events leave these types out.",
    bodySchema: "WebhookEvent",
    eventTypes: TASK_ENDED_EVENT_TYPES,
  });
}

function taskStartedWebhook(): OpenApiWebhook {
  return webhookOperation({
    operationId: "taskStarted",
    summary: "An attempt of a task started running (webhook_events includes task.started)",
    description:
      "POSTed once per attempt when a worker claims the task: a retry that runs again sends a new one (task.attempts tells them apart; the id is evt_<task_id>_started_<attempt>); a hand-over to a new invocation sends none.",
    bodySchema: "WebhookEvent",
    eventTypes: ["task.started"],
  });
}

function taskPageWebhook(): OpenApiWebhook {
  return webhookOperation({
    operationId: "taskPage",
    summary: "A batch of a task's pages was stored (webhook_events includes task.page)",
    description:
      "POSTed while the task runs, at most one per stored batch of results: once 100 pages are waiting or the oldest waiting page is 10 s old, and at the end of each run. Carries the batch's item keys, URLs and counts, not the items.",
    bodySchema: "TaskPageEvent",
    eventTypes: ["task.page"],
  });
}
