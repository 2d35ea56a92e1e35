/**
 * The OpenAPI document against the router, the curl examples of README.md and docs/ and the API's own
 * parsing. The document is generated from the zod schemas; these tests catch a route, an
 * example or a hand-written part that drifted from it.
 */
import { loginStartSchema } from "../../core/accounts/loginService.js";
import { parseScheduleExpression } from "../../core/schedules/expression.js";
import { scheduleBodySchema } from "../../core/schedules/schema.js";
import { describe, expect, it } from "vitest";
import { accountActivateSchema, accountCreateSchema } from "../../core/accounts/service.js";
import { PLATFORM_NAMES } from "../../core/platforms/registry.js";
import { parseTaskBody } from "../../core/tasks/schema.js";
import { scrapeBodySchema } from "../../core/tasks/scrape.js";
import { renderDocsPage, operationAnchor } from "../../functions/api/docsPage.js";
import {
  buildOpenApiDocument,
  type JsonSchema,
  type OpenApiDocument,
  type OpenApiOperation,
} from "../../functions/api/openapi.js";
import {
  accountHandlers,
  apiRoutes,
  docHandlers,
  loginHandlers,
  scheduleHandlers,
  taskHandlers,
} from "../../functions/api/routes.js";
import {
  checkExample,
  curlExamples,
  DocumentValidator,
  exampleLocation,
  findOperation,
  resolvedResponses,
  resolveRefs,
  type CurlExample,
} from "../support/curlExamples.js";
import { docFiles } from "../support/markdown.js";

const document = buildOpenApiDocument();
const validator = new DocumentValidator(document);
/** README.md and every page under docs/. */
const docs = docFiles();

const unused = () => {
  throw new Error("the routes are only listed here, never called");
};
const routerRoutes = apiRoutes({
  ...taskHandlers(unused, unused),
  ...accountHandlers(unused),
  ...loginHandlers(unused),
  ...scheduleHandlers(unused),
  ...docHandlers(),
}).map((r) => `${r.method} ${r.path}`);
/** What the API answers: its routes, and HEAD wherever GET is routed (functions/api/middleware/headAsGet.ts). */
const answered = new Set([
  ...routerRoutes,
  ...routerRoutes.filter((r) => r.startsWith("GET ")).map((r) => r.replace(/^GET /, "HEAD ")),
]);

function documentedOperations(doc: OpenApiDocument): { key: string; operation: OpenApiOperation; path: string }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      key: `${method.toUpperCase()} ${path}`,
      operation: operation as OpenApiOperation,
      path,
    })),
  );
}

/** The docs' examples that talk to the API: the one-machine stack's port, or any /api/ path. */
const apiExamples = docs
  .flatMap(({ path, text }) => curlExamples(text, path))
  .filter((e) => e.url.port === "8888" || e.url.pathname.startsWith("/api/"));

/** Whether the API itself accepts `body` for the operation (its real zod parsing). */
function apiAccepts(example: Pick<CurlExample, "method" | "url" | "body">): boolean | undefined {
  const key = `${example.method} ${findOperation(document, example.method, example.url.pathname)?.template}`;
  try {
    if (key === "POST /api/v1/tasks") parseTaskBody(example.body);
    else if (key === "POST /api/v1/scrape") return scrapeBodySchema.safeParse(example.body).success;
    else if (key === "POST /api/v1/schedules") {
      const body = scheduleBodySchema.parse(example.body);
      parseScheduleExpression(body.schedule_expression, body.timezone);
      parseTaskBody(body.task);
    } else if (key === "POST /api/v1/accounts") return accountCreateSchema.safeParse(example.body).success;
    else if (key === "POST /api/v1/accounts/login") return loginStartSchema.safeParse(example.body).success;
    else if (key === "POST /api/v1/accounts/{account_id}/activate")
      return accountActivateSchema.safeParse(example.body ?? {}).success;
    else return undefined;
    return true;
  } catch {
    return false;
  }
}

describe("the document", () => {
  it("is OpenAPI 3.1 with a server and both ways to send the API key", () => {
    expect(document.openapi).toBe("3.1.0");
    expect(document.servers.map((s) => s.url)).toEqual(["/"]);
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(document.components.securitySchemes.apiKeyHeader).toMatchObject({
      type: "apiKey",
      in: "header",
      name: "x-api-key",
    });
    expect(document.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
  });

  it("has unique operation ids, declares every path parameter, and every $ref resolves", () => {
    const operations = documentedOperations(document);
    expect(new Set(operations.map((o) => o.operation.operationId)).size).toBe(operations.length);
    for (const { path, operation, key } of operations) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = (operation.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
      expect(declared, key).toEqual(inPath);
    }
    expect(() => resolveRefs(document, document)).not.toThrow();
  });

  it("compiles every schema with Ajv (JSON Schema 2020-12)", () => {
    const schemas: JsonSchema[] = [...Object.values(document.components.schemas)];
    for (const { operation } of documentedOperations(document)) {
      for (const p of operation.parameters ?? []) schemas.push(p.schema);
      for (const media of Object.values(operation.requestBody?.content ?? {})) schemas.push(media.schema);
      for (const response of Object.values(resolvedResponses(operation, document))) {
        for (const media of Object.values(response.content ?? {})) schemas.push(media.schema);
      }
    }
    for (const schema of schemas) expect(validator.errors(schema, undefined)).toBeInstanceOf(Array);
    expect(schemas.length).toBeGreaterThan(30);
  });

  it("has a create-task schema per platform, each with the common fields, strict", () => {
    const input = document.components.schemas.TaskInput!;
    const variants = (input.oneOf as { $ref: string }[]).map((ref) => resolveRefs(ref, document) as JsonSchema);
    expect(variants.length).toBeGreaterThanOrEqual(8);
    for (const variant of variants) {
      expect(variant.additionalProperties).toBe(false);
      expect(Object.keys(variant.properties as object)).toEqual(
        expect.arrayContaining(["platform", "crawler_type", "max_attempts", "max_duration_secs"]),
      );
    }
  });

  it("says request-body defaults in descriptions, never as `default` (openapi-typescript would make those fields required)", () => {
    const input = document.components.schemas.TaskInput!;
    const variants = (input.oneOf as { $ref: string }[]).map((ref) => resolveRefs(ref, document) as JsonSchema);
    expect(JSON.stringify(variants)).not.toContain('"default":');
    const maxPages = (document.components.schemas.WebTaskInput!.properties as Record<string, JsonSchema>).max_pages;
    expect(maxPages?.description).toMatch(/Default: `50`\.$/);
    expect(document.components.schemas.WebTaskInput!.required).toEqual(["platform", "crawler_type", "urls"]);
  });

  it("publishes every platform's items as named schemas under a oneOf on platform, then item_type", () => {
    const schemas = document.components.schemas;
    const result = schemas.ResultItem!;
    const byPlatform = (result.discriminator as { propertyName: string; mapping: Record<string, string> }).mapping;
    expect((result.discriminator as { propertyName: string }).propertyName).toBe("platform");
    expect(Object.keys(byPlatform)).toEqual(PLATFORM_NAMES);
    expect(byPlatform.web).toBe("#/components/schemas/WebPageItem");
    expect(byPlatform.xhs).toBe("#/components/schemas/XhsItem");
    expect(schemas.XhsItem!.discriminator).toEqual({
      propertyName: "item_type",
      mapping: {
        content: "#/components/schemas/XhsContentItem",
        comment: "#/components/schemas/XhsCommentItem",
        creator: "#/components/schemas/XhsCreatorItem",
        probe: "#/components/schemas/XhsProbeItem",
      },
    });
    // Every item schema names its fields (no more `task_id, item_key, ok` and anything else).
    const leaves = Object.keys(schemas).filter(
      (key) => /^[A-Z][a-z]+[A-Z][a-z]+(Ok|Failed)?Item$/.test(key) && schemas[key]!.oneOf === undefined,
    );
    expect(leaves).toEqual(expect.arrayContaining(["WebPageItem", "XhsContentOkItem", "XhsContentFailedItem"]));
    for (const name of leaves) {
      const schema = schemas[name]!;
      const properties = schema.properties as Record<string, JsonSchema>;
      expect(schema.required, name).toEqual(
        expect.arrayContaining(["platform", "item_type", "task_id", "item_key", "ok"]),
      );
      expect(properties.platform?.const, name).toBeTypeOf("string");
      expect(properties.item_type?.const, name).toBeTypeOf("string");
      if (name !== "WebPageItem") expect(schema.additionalProperties, name).toBe(false);
    }
    expect(Object.keys(schemas.XhsContentOkItem!.properties as object)).toEqual(
      expect.arrayContaining(["note_id", "title", "liked_count", "image_list", "creator_hash", "user_id"]),
    );
    // A post the site no longer shows: ok false, error required, its fields optional.
    expect(schemas.XhsContentItem!.oneOf).toEqual([
      { $ref: "#/components/schemas/XhsContentOkItem" },
      { $ref: "#/components/schemas/XhsContentFailedItem" },
    ]);
    expect(schemas.XhsContentFailedItem!.required).toEqual(expect.arrayContaining(["error", "ok"]));
    expect(schemas.XhsContentFailedItem!.required).not.toContain("note_id");
    expect(Object.keys(schemas.WebPageItem!.properties as object)).toEqual(
      expect.arrayContaining(["url", "status", "title", "text", "error", "markdown", "link_list"]),
    );
    // The results answer's items are that oneOf.
    const page = resolveRefs(
      findOperation(document, "GET", "/api/v1/tasks/{task_id}/results")!.operation.responses["200"]!,
      document,
    ) as { content: Record<string, { schema: JsonSchema }> };
    const items = (page.content["application/json"]!.schema.properties as Record<string, JsonSchema>).data;
    expect(JSON.stringify(items)).toContain('"oneOf"');
  });

  it("describes query numbers by their accepted range, not as any number", () => {
    const limit = findOperation(document, "GET", "/api/v1/tasks")!.operation.parameters!.find(
      (p) => p.name === "limit",
    )!;
    expect(limit.schema).toMatchObject({ type: "integer", minimum: 1, maximum: 100, default: 20 });
    expect(validator.errors(limit.schema, "101", true)).not.toEqual([]);
    expect(validator.errors(limit.schema, "50", true)).toEqual([]);
  });

  it("keeps its own examples valid, and the API accepts its request examples", () => {
    let checked = 0;
    for (const { key, operation } of documentedOperations(document)) {
      for (const media of Object.values(operation.requestBody?.content ?? {})) {
        for (const [name, example] of Object.entries(media.examples ?? {})) {
          expect(validator.errors(media.schema, example.value), `${key} example ${name}`).toEqual([]);
          const [method, path] = key.split(" ") as [string, string];
          expect(
            apiAccepts({
              method,
              url: new URL(`http://x${path.replace(/\{[^}]+\}/g, "01M8HQ0000000000000000000X")}`),
              body: example.value,
            }),
            `${key} ${name}`,
          ).toBe(true);
          checked++;
        }
      }
      for (const [status, response] of Object.entries(resolvedResponses(operation, document))) {
        for (const media of Object.values(response.content ?? {})) {
          if (media.example !== undefined) {
            expect(validator.errors(media.schema, media.example), `${key} ${status} example`).toEqual([]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(15);
  });
});

describe("the document and the router", () => {
  it("list the same routes: every route is documented and every operation is routed", () => {
    const documented = documentedOperations(document).map((o) => o.key);
    // Every documented operation is answered; every route is documented (HEAD only where it says something of its own: /health).
    expect(documented.filter((key) => !answered.has(key))).toEqual([]);
    expect(routerRoutes.filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented).toEqual(
      expect.arrayContaining(["GET /openapi.json", "GET /docs", "POST /api/v1/tasks", "HEAD /health"]),
    );
  });

  it("the docs page shows every operation with its method and path", () => {
    const page = renderDocsPage(document);
    for (const { key, operation, path } of documentedOperations(document)) {
      expect(page, key).toContain(`id="${operationAnchor(operation.operationId)}"`);
      expect(page, key).toContain(`${key.split(" ")[0]}</span> <code>${path}</code>`);
    }
    expect(page).not.toMatch(/<script|src="http|href="http/i);
  });
});

describe("the curl examples of README.md and docs/", () => {
  it("are found: requests with bodies, query strings, errors and whole answers", () => {
    expect(docs.map((d) => d.path)).toEqual(
      expect.arrayContaining(["README.md", "docs/api.md", "docs/getting-started.md", "docs/platforms/README.md"]),
    );
    // As many as README.md had before it was split into docs/ (110), and more.
    expect(apiExamples.length).toBeGreaterThanOrEqual(110);
    expect(apiExamples.filter((e) => e.body !== undefined).length).toBeGreaterThan(20);
    expect(apiExamples.filter((e) => e.url.search !== "").length).toBeGreaterThan(5);
  });

  it("each matches the document: operation, query, body, status and answer", () => {
    const problems = apiExamples.flatMap((example) => checkExample(example, validator));
    expect(problems).toEqual([]);
  });

  it("every body the API accepts, the document accepts too (it is never stricter than the API)", () => {
    let accepted = 0;
    for (const example of apiExamples.filter((e) => e.body !== undefined)) {
      if (apiAccepts(example) !== true) continue;
      const media = findOperation(document, example.method, example.url.pathname)!.operation.requestBody!.content[
        "application/json"
      ]!;
      expect(validator.errors(media.schema, example.body), exampleLocation(example)).toEqual([]);
      accepted++;
    }
    expect(accepted).toBeGreaterThan(10);
  });
});

describe("the example checker", () => {
  const check = (markdown: string) => curlExamples(markdown).flatMap((example) => checkExample(example, validator));
  const block = (...lines: string[]) => ["```", ...lines, "```"].join("\n");
  const taskAnswer = (
    resolveRefs(document.paths["/api/v1/tasks"]!.post!.responses["201"]!, document) as {
      content: Record<string, { example: unknown }>;
    }
  ).content["application/json"]!.example;
  const post = (body: string) =>
    `$ curl -s -w '  (HTTP %{http_code})\\n' -X POST http://127.0.0.1:8888/api/v1/tasks -H 'content-type: application/json' -d '${body}'`;

  it("passes a correct example", () => {
    expect(
      check(
        block(
          post('{"platform":"web","crawler_type":"detail","urls":["https://example.com/"]}'),
          `${JSON.stringify(taskAnswer)}  (HTTP 201)`,
        ),
      ),
    ).toEqual([]);
  });

  it("fails a body with a wrong field, a wrong value or a missing field", () => {
    const shown = `${JSON.stringify(taskAnswer)}  (HTTP 201)`;
    expect(
      check(
        block(post('{"platform":"web","crawler_type":"detail","urls":["https://example.com/"],"depth":3}'), shown),
      ).join(),
    ).toMatch(/additional properties \(depth\)/);
    expect(
      check(
        block(post('{"platform":"web","crawler_type":"detail","urls":["https://example.com/"],"max_pages":0}'), shown),
      ).join(),
    ).toMatch(/max_pages must be >= 1/);
    expect(check(block(post('{"platform":"web","crawler_type":"detail"}'), shown)).join()).toMatch(
      /required property 'urls'/,
    );
    expect(
      check(block(post('{"platform":"xhs","crawler_type":"search","keywords":"a","max_attempts":11}'), shown)).join(),
    ).toMatch(/max_attempts/);
  });

  it("fails an unknown route, a wrong method, an undocumented status and an undocumented query parameter", () => {
    expect(
      check(block("$ curl -s http://127.0.0.1:8888/api/v1/jobs", '{"code":0,"message":"ok","data":{}}')).join(),
    ).toMatch(/no such operation/);
    expect(
      check(
        block(
          "$ curl -s -w '  (HTTP %{http_code})\\n' http://127.0.0.1:8888/api/v1/tasks/01M8HTGMT0PZCB39H6NHNGWHHM/results",
          '{"code":404,"message":"no route","data":{"error":"ROUTE_NOT_FOUND"}}  (HTTP 404)',
        ),
      ),
    ).not.toEqual([]);
    expect(
      check(block("$ curl -s -X PUT http://127.0.0.1:8888/api/v1/tasks/01M8HTGMT0PZCB39H6NHNGWHHM", "")).join(),
    ).toMatch(/no such operation/);
    expect(
      check(
        block(
          "$ curl -s -w '  (HTTP %{http_code})\\n' http://127.0.0.1:8888/health",
          '{"code":418,"message":"teapot","data":{"error":"X"}}  (HTTP 418)',
        ),
      ).join(),
    ).toMatch(/418/);
    expect(check(block("$ curl -s 'http://127.0.0.1:8888/api/v1/tasks?sort=asc' | jq .data", "")).join()).toMatch(
      /"sort" is not documented/,
    );
    expect(check(block("$ curl -s 'http://127.0.0.1:8888/api/v1/tasks?limit=500' | jq .data", "")).join()).toMatch(
      /limit=500/,
    );
  });

  it("fails an answer that is not what the document says", () => {
    const broken = {
      ...(taskAnswer as object),
      data: { ...(taskAnswer as { data: object }).data, status: "sleeping" },
    };
    expect(
      check(
        block(
          post('{"platform":"web","crawler_type":"detail","urls":["https://example.com/"]}'),
          `${JSON.stringify(broken)}  (HTTP 201)`,
        ),
      ).join(),
    ).toMatch(/status must be equal to one of/);
    expect(
      check(
        block(
          "$ curl -s -w '  (HTTP %{http_code})\\n' http://127.0.0.1:8888/api/v1/tasks/01M8HQ0000000000000000000X",
          '{"code":404,"message":"gone","data":{"error":"GONE"}}  (HTTP 404)',
        ),
      ).join(),
    ).toMatch(/error must be equal to one of/);
  });

  it("fails a jq projection of the answer with a field it does not have or a wrong value", () => {
    const get = (fields: string) =>
      `$ curl -s http://127.0.0.1:8888/api/v1/tasks/01M8HTGMT0PZCB39H6NHNGWHHM | jq -c '.data | {${fields}}'`;
    expect(
      check(block(get("status, attempts, stop_reason"), '{"status":"completed","attempts":1,"stop_reason":null}')),
    ).toEqual([]);
    expect(
      check(block(get("status, attempts, colour"), '{"status":"completed","attempts":1,"colour":null}')).join(),
    ).toMatch(/no field "colour"/);
    expect(check(block(get("status, attempts"), '{"status":"finished","attempts":1}')).join()).toMatch(/field status/);
    const items =
      "$ curl -s http://127.0.0.1:8888/api/v1/tasks/01M8HTGMT0PZCB39H6NHNGWHHM/results | jq -c '.data.items[] | {url, ok}'";
    expect(check(block(items, '{"url":"http://a/","ok":true}', '{"url":"http://b/","ok":"yes"}')).join()).toMatch(
      /field ok/,
    );
  });

  it("lets an error example show a body the API refuses", () => {
    expect(
      check(
        block(
          post('{"platform":"web","crawler_type":"detail","urls":["https://example.com/"],"depth":3}'),
          '{"code":400,"message":"unknown field \\"depth\\"","data":{"error":"VALIDATION_FAILED","field":"depth","errors":[{"field":"depth","message":"unknown field \\"depth\\""}]}}  (HTTP 400)',
        ),
      ),
    ).toEqual([]);
  });
});
