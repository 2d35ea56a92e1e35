/**
 * The TypeScript SDK's types (sdk/typescript/src/openapi.ts) are generated from the OpenAPI
 * document; a route or field changed in functions/api/openapi.ts without `npm run sdk:types`
 * fails here, naming the command that mends it.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SDK_TYPES_FILE, sdkTypesSource } from "../../scripts/sdk-types.js";

describe("the TypeScript SDK's generated types", () => {
  it("match the OpenAPI document (regenerate with: npm run sdk:types)", async () => {
    const committed = readFileSync(SDK_TYPES_FILE, "utf8");
    const fresh = await sdkTypesSource();
    expect(committed === fresh, "sdk/typescript/src/openapi.ts is stale: run npm run sdk:types").toBe(true);
  });

  it("carry the document's schemas the SDK names (Task, TaskInput, ResultItem, Account)", () => {
    const committed = readFileSync(SDK_TYPES_FILE, "utf8");
    for (const name of ["Task", "TaskInput", "WebTaskInput", "ResultItem", "Account"])
      expect(committed).toMatch(new RegExp(`^ {8}${name}: `, "m"));
  });
});
