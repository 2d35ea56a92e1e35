/**
 * Real answers held to /openapi.json: the status must be one the operation documents, and a
 * JSON body must validate (Ajv, JSON Schema 2020-12) against that status's schema — results
 * included, each item against its platform's and item_type's schema. tests/support/api.ts
 * checks every answer it reads this way, so the e2e tests check every call they make.
 */
import { openApiDocument } from "../../functions/api/openapi.js";
import { DocumentValidator, findOperation, resolvedResponses } from "./curlExamples.js";

let validator: DocumentValidator | undefined;

/** What is wrong with an answer against the document; [] when it is documented (or its route is not an operation). */
export function answerProblems(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  body: unknown,
): string[] {
  validator ??= new DocumentValidator(openApiDocument());
  const path = url.split("?")[0] ?? url;
  const found = findOperation(validator.document, method, path);
  // Not an operation (an unknown route, a method a path does not take): nothing documents it.
  if (found === undefined) return [];
  const where = `${method} ${found.template} answered ${status}`;
  const responses = resolvedResponses(found.operation, validator.document);
  const response = responses[String(status)];
  if (response === undefined)
    return [`${where}, a status the document does not list (${Object.keys(responses).join(", ")})`];
  const mediaType = (contentType ?? "").split(";")[0]?.trim() ?? "";
  if (mediaType !== "application/json") return [];
  const schema = response.content?.["application/json"]?.schema;
  if (schema === undefined) return [`${where} with a JSON body the document does not describe`];
  const errors = validator.errors(schema, body);
  if (errors.length === 0) return [];
  // Ajv reports a oneOf against every variant; each result item against its own reads better.
  const items = (body as { data?: { items?: unknown } } | null)?.data?.items;
  if (found.template.endsWith("/results") && Array.isArray(items)) {
    const itemErrors = items.flatMap((item, index) =>
      validator!
        .errors({ $ref: "#/components/schemas/ResultItem" }, item)
        .map((error) => `/data/items/${index}${error.startsWith("(root)") ? error.slice(6) : error}`),
    );
    if (itemErrors.length > 0) return itemErrors.map((error) => `${where}: body ${error}`);
  }
  return errors.map((error) => `${where}: body ${error}`);
}
