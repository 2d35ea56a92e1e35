/**
 * The Python package's models (sdk/python/src/crawl_tasks/models.py) against the OpenAPI
 * document: each dataclass has exactly its schema's properties, and its fields without a default
 * are exactly the schema's required ones. A field added to the API and not to the model (or the
 * other way round) fails here. The models are read by running python3, as users do.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../functions/api/openapi.js";

const PYTHON_SRC = fileURLToPath(new URL("../../sdk/python/src", import.meta.url));

interface ModelFields {
  pointer: string;
  fields: string[];
  required: string[];
}

type Json = { [key: string]: unknown };

/** RFC 6901 JSON pointer, following a `$ref` wherever one stands in the way. */
function resolve(document: Json, pointer: string): Json {
  let node: unknown = document;
  const follow = (value: unknown): unknown => {
    while (value && typeof value === "object" && typeof (value as Json).$ref === "string")
      value = resolve(document, ((value as Json).$ref as string).slice(1));
    return value;
  };
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    node = follow(node);
    if (!node || typeof node !== "object" || !(key in (node as Json))) throw new Error(`${pointer}: no ${key}`);
    node = (node as Json)[key];
  }
  return follow(node) as Json;
}

function pythonModels(): Record<string, ModelFields> {
  const script = "import json, crawl_tasks.models as m; print(json.dumps(m.model_fields()))";
  const out = execFileSync("python3", ["-c", script], {
    env: { ...process.env, PYTHONPATH: PYTHON_SRC, PYTHONDONTWRITEBYTECODE: "1" },
  });
  return JSON.parse(out.toString()) as Record<string, ModelFields>;
}

const document = JSON.parse(JSON.stringify(openApiDocument())) as Json;
const models = pythonModels();

describe("the Python package's models match the OpenAPI document", () => {
  it("models every schema the client returns", () => {
    expect(Object.keys(models).sort()).toEqual(
      ["Account", "DeletedTask", "FieldError", "Page", "Task", "TaskError", "TaskProgress"].sort(),
    );
  });

  it.each(Object.entries(models))(
    "%s: the schema's properties, and its required ones without a default",
    (_, model) => {
      const schema = resolve(document, model.pointer);
      const properties = Object.keys((schema.properties ?? {}) as Json);
      expect(properties.length).toBeGreaterThan(0);
      expect([...model.fields].sort()).toEqual([...properties].sort());
      expect([...model.required].sort()).toEqual([...((schema.required ?? []) as string[])].sort());
    },
  );
});
