/**
 * The OpenAPI document as one self-contained HTML page for people: every operation with
 * its parameters, request body, examples and responses, and the shared schemas. Rendered
 * on the server with a little inline CSS and no script, so the page needs nothing from
 * elsewhere and the API bundle stays small.
 */
import type {
  JsonSchema,
  OpenApiDocument,
  OpenApiMediaType,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiResponse,
  Ref,
} from "./openapi.js";

const HTTP_METHODS = ["get", "post", "delete", "head"] as const;

/** The id of an operation's section: `/docs#op-createTask`. */
export const operationAnchor = (operationId: string) => `op-${operationId}`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** `code` spans for backticked words, the rest escaped. */
function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}

const refName = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);

function isRef(value: unknown): value is Ref {
  return typeof value === "object" && value !== null && typeof (value as Ref).$ref === "string";
}

function schemaLink(ref: string): string {
  return `<a href="#schema-${escapeHtml(refName(ref))}">${escapeHtml(refName(ref))}</a>`;
}

const json = (value: unknown) => escapeHtml(JSON.stringify(value));

/** One line saying what a schema accepts: type, enum, bounds, default. */
function typeSummary(schema: JsonSchema): string {
  if (isRef(schema)) return schemaLink(schema.$ref);
  const parts: string[] = [];
  const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (variants) parts.push(variants.map(typeSummary).join(" <em>or</em> "));
  else if (schema.const !== undefined) parts.push(`<code>${json(schema.const)}</code>`);
  else if (Array.isArray(schema.enum))
    parts.push(`one of ${schema.enum.map((v) => `<code>${json(v)}</code>`).join(", ")}`);
  else if (schema.type === "array")
    parts.push(
      `array of ${schema.items && Object.keys(schema.items).length > 0 ? typeSummary(schema.items as JsonSchema) : "any"}`,
    );
  else if (schema.type !== undefined) parts.push(escapeHtml([schema.type].flat().join(" | ")));
  else parts.push("any");
  if (typeof schema.format === "string") parts.push(`(${escapeHtml(schema.format)})`);
  const bounds: [string, string][] = [
    ["minimum", "≥"],
    ["maximum", "≤"],
    ["minLength", "length ≥"],
    ["maxLength", "length ≤"],
    ["minItems", "items ≥"],
    ["maxItems", "items ≤"],
  ];
  for (const [keyword, label] of bounds)
    if (typeof schema[keyword] === "number") parts.push(`${label} ${schema[keyword]}`);
  if (typeof schema.pattern === "string") parts.push(`matching <code>${escapeHtml(schema.pattern)}</code>`);
  if (schema.default !== undefined) parts.push(`default <code>${json(schema.default)}</code>`);
  return parts.join(", ");
}

/** A schema as a table of its properties (nested objects inside), or its one-line summary. */
function schemaTable(schema: JsonSchema | Ref, depth = 0): string {
  if (isRef(schema)) return `<p>${schemaLink(schema.$ref)}</p>`;
  const variants = schema.oneOf as JsonSchema[] | undefined;
  if (variants) {
    return `<p>One of: ${variants.map((v) => typeSummary(v)).join(", ")}</p>`;
  }
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (schema.type !== "object" || properties === undefined || depth > 3) return `<p>${typeSummary(schema)}</p>`;
  const required = new Set((schema.required ?? []) as string[]);
  const rows = Object.entries(properties).map(([name, property]) => {
    const nested =
      !isRef(property) && property.type === "object" && property.properties !== undefined
        ? schemaTable(property, depth + 1)
        : "";
    const arrayOfObjects =
      !isRef(property) &&
      property.type === "array" &&
      !isRef(property.items) &&
      (property.items as JsonSchema | undefined)?.properties !== undefined
        ? schemaTable(property.items as JsonSchema, depth + 1)
        : "";
    const description = !isRef(property) && typeof property.description === "string" ? prose(property.description) : "";
    return `<tr><td><code>${escapeHtml(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ""}</td><td>${nested || arrayOfObjects ? "object" : typeSummary(property)}</td><td>${description}${nested}${arrayOfObjects}</td></tr>`;
  });
  const closed = schema.additionalProperties === false ? '<p class="note">No other fields.</p>' : "";
  return `<table><thead><tr><th>Field</th><th>Type</th><th>Description</th></tr></thead><tbody>${rows.join("")}</tbody></table>${closed}`;
}

function parametersTable(parameters: readonly OpenApiParameter[]): string {
  const rows = parameters.map(
    (p) =>
      `<tr><td><code>${escapeHtml(p.name)}</code>${p.required ? ' <span class="req">required</span>' : ""}</td><td>${p.in}</td><td>${typeSummary(p.schema)}</td><td>${p.description ? prose(p.description) : ""}</td></tr>`,
  );
  return `<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function examplesHtml(media: OpenApiMediaType): string {
  const examples = Object.entries(media.examples ?? {}).map(
    ([name, example]) =>
      `<p class="ex">${escapeHtml(example.summary ?? name)}</p><pre>${escapeHtml(JSON.stringify(example.value, null, 2))}</pre>`,
  );
  if (media.example !== undefined)
    examples.push(`<p class="ex">Example</p><pre>${escapeHtml(JSON.stringify(media.example, null, 2))}</pre>`);
  return examples.join("");
}

function contentHtml(content: Record<string, OpenApiMediaType>): string {
  return Object.entries(content)
    .map(
      ([type, media]) =>
        `<p class="ct"><code>${escapeHtml(type)}</code></p>${schemaTable(media.schema)}${examplesHtml(media)}`,
    )
    .join("");
}

function responseHtml(status: string, response: OpenApiResponse | Ref, document: OpenApiDocument): string {
  const resolved = isRef(response) ? document.components.responses[refName(response.$ref)] : response;
  if (resolved === undefined) return "";
  const headers = Object.entries(resolved.headers ?? {})
    .map(([name, header]) => `<p class="ct">Header <code>${escapeHtml(name)}</code>: ${prose(header.description)}</p>`)
    .join("");
  const body = resolved.content ? contentHtml(resolved.content) : "";
  return `<details${status.startsWith("2") ? " open" : ""}><summary><span class="st s${status[0]}">${escapeHtml(status)}</span> ${prose(resolved.description)}</summary>${headers}${body}</details>`;
}

function operationHtml(method: string, path: string, operation: OpenApiOperation, document: OpenApiDocument): string {
  const auth =
    operation.security?.length === 0
      ? '<p class="note">No API key needed.</p>'
      : '<p class="note">Needs the API key when keys are configured.</p>';
  const body = operation.requestBody
    ? `<h4>Request body${operation.requestBody.required ? "" : " (optional)"}</h4>${contentHtml(operation.requestBody.content)}`
    : "";
  const responses = Object.entries(operation.responses)
    .map(([status, response]) => responseHtml(status, response, document))
    .join("");
  return `<section class="op" id="${escapeHtml(operationAnchor(operation.operationId))}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${prose(operation.summary)}</p>${operation.description ? `<p>${prose(operation.description)}</p>` : ""}${auth}
${operation.parameters?.length ? parametersTable(operation.parameters) : ""}${body}<h4>Responses</h4>${responses}</section>`;
}

function operationsOf(document: OpenApiDocument): { method: string; path: string; operation: OpenApiOperation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    HTTP_METHODS.flatMap((method) => (item[method] ? [{ method, path, operation: item[method] }] : [])),
  );
}

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em 2em;color:#1d2330}
h1{margin-bottom:.2em}h2{border-bottom:2px solid #dde3ec;padding-bottom:.2em;margin-top:2em}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
pre{background:#f5f7fa;border:1px solid #e3e8ef;padding:.6em;overflow:auto;max-height:28em}
table{border-collapse:collapse;width:100%;margin:.4em 0}th,td{border:1px solid #e3e8ef;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f5f7fa}td table{font-size:13px}
.op{border:1px solid #dde3ec;border-radius:6px;padding:.2em 1em 1em;margin:1em 0}
.m{display:inline-block;min-width:4.2em;text-align:center;border-radius:4px;color:#fff;font-size:13px;padding:.1em .4em}
.get{background:#2f7ed8}.post{background:#2e9d5b}.delete{background:#c9423a}.head{background:#7a5fc0}
.st{display:inline-block;min-width:2.6em;font-weight:600}.s2{color:#2e9d5b}.s4{color:#b7791f}.s5{color:#c9423a}
.req{color:#c9423a;font-size:12px}.note,.ex,.ct{color:#5a6472;margin:.3em 0}
nav ul{columns:2;padding-left:1.2em}details{margin:.3em 0}summary{cursor:pointer}
`;

/** The page for `GET /docs`. */
export function renderDocsPage(document: OpenApiDocument): string {
  const operations = operationsOf(document);
  const byTag = document.tags.map((tag) => ({
    tag,
    operations: operations.filter(({ operation }) => operation.tags.includes(tag.name)),
  }));
  const nav = operations
    .map(
      ({ method, path, operation }) =>
        `<li><a href="#${escapeHtml(operationAnchor(operation.operationId))}"><code>${method.toUpperCase()} ${escapeHtml(path)}</code></a> ${prose(operation.summary)}</li>`,
    )
    .join("");
  const sections = byTag
    .map(
      ({ tag, operations: ops }) =>
        `<h2>${escapeHtml(tag.name)}</h2><p>${prose(tag.description)}</p>${ops.map((o) => operationHtml(o.method, o.path, o.operation, document)).join("")}`,
    )
    .join("");
  const schemas = Object.entries(document.components.schemas)
    .map(
      ([name, schema]) =>
        `<section class="op" id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>${typeof schema.description === "string" ? `<p>${prose(schema.description)}</p>` : ""}${schemaTable(schema)}</section>`,
    )
    .join("");
  const security = Object.entries(document.components.securitySchemes)
    .map(([name, scheme]) => `<li><code>${escapeHtml(name)}</code>: ${prose(String(scheme.description ?? ""))}</li>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(document.info.title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(document.info.title)}</h1><p class="note">API version ${escapeHtml(document.info.version)} · OpenAPI ${escapeHtml(document.openapi)} · the machine-readable document: <a href="openapi.json"><code>/openapi.json</code></a></p>
<p>${prose(document.info.description)}</p><h2>API keys</h2><ul>${security}</ul>
<h2>Operations</h2><nav><ul>${nav}</ul></nav>${sections}<h2>Schemas</h2>${schemas}</body></html>`;
}
