/**
 * GET /openapi.json and GET /docs through the real API handler (real dynalite and
 * local-aws-sqs behind it): public even when API keys are configured, and every documented
 * operation is answered by a route of the handler's router.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { digestsOfKeys } from "../../core/auth/index.js";
import { operationAnchor } from "../../functions/api/docsPage.js";
import { buildOpenApiDocument, type OpenApiOperation } from "../../functions/api/openapi.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { httpEvent, lambdaContext } from "../support/events.js";

const KEY = "openapi-test-key-0123456789";
let aws: TestAws;
let handler: typeof import("../../functions/api/handler.js").handler;

async function call(method: string, path: string, headers: Record<string, string> = {}) {
  const response = await handler(httpEvent(method, path, { headers }), lambdaContext());
  return { status: response.statusCode, headers: response.headers, body: response.body ?? "" };
}

beforeAll(async () => {
  aws = await startTestAws();
  ({ handler } = await import("../../functions/api/handler.js"));
});

afterEach(() => {
  delete process.env.API_KEY_SHA256;
});

afterAll(async () => {
  await aws?.close();
});

describe("with API keys configured", () => {
  it("serves /openapi.json without a key: the raw document, not the envelope", async () => {
    process.env.API_KEY_SHA256 = digestsOfKeys(KEY);
    // The key is really required elsewhere, so the next answers are public by design.
    expect((await call("GET", "/api/v1/tasks")).status).toBe(401);

    const response = await call("GET", "/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    const served = JSON.parse(response.body);
    expect(served).not.toHaveProperty("code");
    expect(served).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
  });

  it("serves /docs without a key: one HTML page with every operation and nothing loaded from elsewhere", async () => {
    process.env.API_KEY_SHA256 = digestsOfKeys(KEY);
    const response = await call("GET", "/docs");
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    expect(response.headers["content-security-policy"]).toContain("default-src 'none'");
    const document = buildOpenApiDocument();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item) as [string, OpenApiOperation][]) {
        expect(response.body, `${method} ${path}`).toContain(`id="${operationAnchor(operation.operationId)}"`);
        expect(response.body, `${method} ${path}`).toContain(`${method.toUpperCase()}</span> <code>${path}</code>`);
      }
    }
    expect(response.body).not.toMatch(/<script|<link|src=/i);
  });

  it("still refuses other methods on the documentation paths", async () => {
    process.env.API_KEY_SHA256 = digestsOfKeys(KEY);
    expect((await call("POST", "/openapi.json")).status).toBe(401);
    expect((await call("DELETE", "/docs")).status).toBe(401);
  });
});

describe("every documented operation", () => {
  it("is answered by a route of the handler (never ROUTE_NOT_FOUND)", async () => {
    process.env.API_KEY_SHA256 = digestsOfKeys(KEY);
    const document = buildOpenApiDocument();
    let checked = 0;
    for (const [template, item] of Object.entries(document.paths)) {
      const path = template.replace(/\{[^}]+\}/g, "01M8HQ0000000000000000000X");
      for (const method of Object.keys(item)) {
        const response = await call(method.toUpperCase(), path, { "x-api-key": KEY });
        expect(response.body, `${method} ${template}`).not.toContain("ROUTE_NOT_FOUND");
        expect(response.status, `${method} ${template}`).toBeLessThan(500);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
    // The same request to a path the document does not have is refused by the router.
    expect((await call("GET", "/api/v1/nothing", { "x-api-key": KEY })).body).toContain("ROUTE_NOT_FOUND");
  });
});
