/**
 * Reads the curl examples of a Markdown file (README.md, docs/**) and checks each against the
 * OpenAPI document: the operation exists, its query parameters and JSON body are what
 * the document accepts, and the shown answer is what the document says that status returns.
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import type {
  JsonSchema,
  OpenApiDocument,
  OpenApiMediaType,
  OpenApiOperation,
  OpenApiResponse,
} from "../../functions/api/openapi.js";

export interface CurlExample {
  /** The Markdown file, as the caller named it (`docs/api.md`); absent when it was not named. */
  file?: string;
  /** 1-based line of the command in the Markdown file. */
  line: number;
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** The -d value parsed as JSON; undefined when there is none or it is not JSON. */
  body?: unknown;
  /** The -d value as written. */
  rawBody?: string;
  /** What the command's output went through (`jq …`, `cut …`), when it was piped. */
  pipe?: string;
  /** The lines shown after the command, up to the next command or the end of the block. */
  output: string[];
}

/** Splits a shell command into words (quotes and backslashes as a POSIX shell reads them) and stops at an unquoted `|`. */
export function shellWords(command: string): { words: string[]; pipe?: string } {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unterminated ' in: ${command}`);
      word = (word ?? "") + command.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let text = "";
      for (i++; i < command.length && command[i] !== '"'; i++) {
        if (command[i] === "\\" && /["\\$`]/.test(command[i + 1] ?? "")) i++;
        text += command[i];
      }
      word = (word ?? "") + text;
    } else if (c === "\\") {
      word = (word ?? "") + (command[++i] ?? "");
    } else if (c === "|") {
      if (word !== undefined) words.push(word);
      return { words, pipe: command.slice(i + 1).trim() };
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== undefined) words.push(word);
  return { words };
}

const DATA_OPTIONS = new Set(["-d", "--data", "--data-raw", "--data-binary", "--json"]);
const OPTIONS_WITH_VALUE = new Set([
  "-X",
  "--request",
  "-H",
  "--header",
  "-w",
  "--write-out",
  "-o",
  "--output",
  "-u",
  "--user",
  "-m",
  "--max-time",
  "-D",
  "--dump-header",
  "-A",
  "--user-agent",
  "-e",
  "--referer",
  "-b",
  "--cookie",
  "-c",
  "--cookie-jar",
  "--connect-timeout",
  "--retry",
  "-T",
  "--upload-file",
  ...DATA_OPTIONS,
]);

/** `docs/api.md line 12`, or `line 12` when the file was not named. */
export function exampleLocation(example: Pick<CurlExample, "file" | "line">): string {
  return example.file === undefined ? `line ${example.line}` : `${example.file} line ${example.line}`;
}

/** Reads one curl command line; undefined when it has no URL. */
export function parseCurl(command: string, line: number, output: string[], file?: string): CurlExample | undefined {
  const { words, pipe } = shellWords(command.replace(/^\s*\$\s*/, ""));
  if (words[0] !== "curl") return undefined;
  let method: string | undefined;
  let head = false;
  let rawBody: string | undefined;
  let url: URL | undefined;
  const headers: Record<string, string> = {};
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (OPTIONS_WITH_VALUE.has(word)) {
      const value = words[++i] ?? "";
      if (word === "-X" || word === "--request") method = value.toUpperCase();
      else if (word === "-H" || word === "--header") {
        const colon = value.indexOf(":");
        if (colon > 0) headers[value.slice(0, colon).trim().toLowerCase()] = value.slice(colon + 1).trim();
      } else if (DATA_OPTIONS.has(word)) rawBody = value;
    } else if (word === "-I" || word === "--head" || (/^-[a-zA-Z]+$/.test(word) && word.includes("I"))) {
      head = true;
    } else if (!word.startsWith("-")) {
      // A shell variable holding a whole endpoint (`"$B?format=csv"` in a loop) names no route: not checkable.
      if (word.startsWith("$") && !/^\$\{?\w+\}?\//.test(word)) return undefined;
      // `<api>` and a leading `$API`-style variable stand for the API's URL.
      const spelled = word.replace(/^<api>/, "http://api.invalid").replace(/^\$\{?\w+\}?(?=\/)/, "http://api.invalid");
      if (!URL.canParse(spelled))
        throw new Error(`${exampleLocation({ file, line })}: curl URL ${JSON.stringify(word)} does not parse`);
      url = new URL(spelled);
    }
  }
  if (url === undefined) return undefined;
  let body: unknown;
  if (rawBody !== undefined) {
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
  }
  return {
    ...(file !== undefined ? { file } : {}),
    line,
    method: method ?? (head ? "HEAD" : rawBody !== undefined ? "POST" : "GET"),
    url,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(rawBody !== undefined ? { rawBody } : {}),
    ...(pipe !== undefined ? { pipe } : {}),
    output,
  };
}

/** Every curl command in the Markdown's fenced code blocks, with the output shown after it; `file` names the Markdown in messages. */
export function curlExamples(markdown: string, file?: string): CurlExample[] {
  const lines = markdown.split("\n");
  const examples: CurlExample[] = [];
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const fenceMatch = /^\s*(```+|~~~+)\s*(\w*)/.exec(text);
    if (fenceMatch) {
      fence = fence === undefined ? fenceMatch[2] || "text" : undefined;
      continue;
    }
    if (fence === undefined) continue;
    const prompted = /^\s*\$\s+curl\s/.test(text);
    const bare = /^(sh|bash|shell|console)$/.test(fence) && /^\s*curl\s/.test(text);
    if (!prompted && !bare) continue;
    let command = text;
    const line = i + 1;
    while (command.endsWith("\\") && i + 1 < lines.length) command = `${command.slice(0, -1)} ${lines[++i]!.trim()}`;
    const output: string[] = [];
    for (let j = i + 1; j < lines.length && !/^\s*(\$\s|```|~~~)/.test(lines[j]!); j++) output.push(lines[j]!);
    const example = parseCurl(command, line, output, file);
    if (example) examples.push(example);
  }
  return examples;
}

/** What the example's output says about the answer. */
export interface ShownAnswer {
  status?: number;
  /** The whole JSON body, when the output shows it unchanged. */
  envelope?: { code: number; message: string; data: unknown };
  /** `code` when only a jq projection shows it. */
  code?: number;
}

/** Pipes that keep the body whole (pretty-printing, or grep keeping the JSON line). */
const WHOLE_BODY_PIPE = /^(python3 -m json\.tool|jq \.?|grep (-[a-z] )*(-e '[^']*' ?)+)$/;

export function shownAnswer(example: CurlExample): ShownAnswer {
  const shown: ShownAnswer = {};
  const text = example.output.join("\n");
  const statusLine = /^HTTP\/[\d.]+ (\d{3})/m.exec(text) ?? /\(HTTP (\d{3})\)\s*$/m.exec(text);
  if (statusLine) shown.status = Number(statusLine[1]);
  const bodyIntact =
    example.pipe === undefined ||
    (WHOLE_BODY_PIPE.test(example.pipe) && (!example.pipe.startsWith("grep") || example.pipe.includes("'^{'")));
  const start = example.output.findIndex((line) => line.trimStart().startsWith("{"));
  if (start === -1) return shown;
  const jsonText = example.output
    .slice(start)
    .join("\n")
    .replace(/\s*\(HTTP \d{3}\)\s*$/, "");
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonText);
  } catch {
    try {
      parsed = JSON.parse(example.output[start]!.replace(/\s*\(HTTP \d{3}\)\s*$/, ""));
    } catch {
      return shown;
    }
  }
  if (typeof parsed !== "object" || parsed === null || typeof (parsed as { code?: unknown }).code !== "number")
    return shown;
  const envelope = parsed as ShownAnswer["envelope"] & object;
  if (bodyIntact && "message" in envelope && "data" in envelope) shown.envelope = envelope;
  else shown.code = envelope.code;
  return shown;
}

/** `#/components/...` references replaced by what they point at, for validating one part on its own. */
export function resolveRefs<T>(value: T, document: OpenApiDocument): T {
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, document)) as T;
  if (typeof value !== "object" || value === null) return value;
  const ref = (value as { $ref?: unknown }).$ref;
  if (typeof ref === "string" && ref.startsWith("#/")) {
    const target = ref
      .slice(2)
      .split("/")
      .reduce<unknown>(
        (node, key) => (node as Record<string, unknown> | undefined)?.[key.replaceAll("~1", "/").replaceAll("~0", "~")],
        document,
      );
    if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
    return resolveRefs(target as T, document);
  }
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, resolveRefs(v, document)])) as T;
}

/** An operation's responses with `$ref`s resolved. */
export function resolvedResponses(
  operation: OpenApiOperation,
  document: OpenApiDocument,
): Record<string, OpenApiResponse> {
  return resolveRefs(operation.responses, document) as Record<string, OpenApiResponse>;
}

/** The operation for a method and a concrete path, matching `{param}` segments. */
export function findOperation(
  document: OpenApiDocument,
  method: string,
  path: string,
): { template: string; operation: OpenApiOperation } | undefined {
  for (const [template, item] of Object.entries(document.paths)) {
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`);
    const operation = item[method.toLowerCase() as keyof typeof item];
    if (operation && pattern.test(path)) return { template, operation };
  }
  return undefined;
}

/** Validates values against the document's schemas with Ajv (JSON Schema 2020-12). */
export class DocumentValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  /** Query values arrive as text; a numeric parameter accepts "20". */
  private readonly queryAjv = new Ajv2020({
    strict: false,
    allErrors: true,
    validateFormats: false,
    coerceTypes: true,
  });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly document: OpenApiDocument) {}

  private compile(schema: JsonSchema, query = false): ValidateFunction {
    const key = `${query}:${JSON.stringify(schema)}`;
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      const resolved = resolveRefs(schema, this.document);
      validate = (query ? this.queryAjv : this.ajv).compile(resolved);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  /** Ajv's errors for `value`, or [] when it is valid. A discriminated oneOf is checked against the named variant only (at the top; nested ones in turn), for readable errors. */
  errors(schema: JsonSchema, value: unknown, query = false): string[] {
    let target = resolveRefs(schema, this.document);
    // Nested discriminators (results: platform, then item_type) narrow one after the other.
    for (;;) {
      const discriminator = target.discriminator as
        | { propertyName: string; mapping?: Record<string, string> }
        | undefined;
      const tag =
        discriminator && typeof value === "object" && value !== null
          ? (value as Record<string, unknown>)[discriminator.propertyName]
          : undefined;
      const next = typeof tag === "string" ? discriminator?.mapping?.[tag] : undefined;
      if (next === undefined) break;
      target = resolveRefs({ $ref: next }, this.document);
    }
    const validate = this.compile(target, query);
    const input = query ? structuredClone(value) : value;
    if (validate(input)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`,
    );
  }
}

const jsonMedia = (content: Record<string, OpenApiMediaType> | undefined) => content?.["application/json"];

/** Every way `example` disagrees with the document; [] when it matches. */
export function checkExample(example: CurlExample, validator: DocumentValidator): string[] {
  const document = validator.document;
  const where = `${exampleLocation(example)}: ${example.method} ${example.url.pathname}${example.url.search}`;
  const found = findOperation(document, example.method, example.url.pathname);
  const shown = shownAnswer(example);
  if (found === undefined) {
    // An example of the API's answer to an unknown route: it must indeed not be in the document.
    const data = shown.envelope?.data as { error?: unknown } | undefined;
    if (shown.status === 404 && data?.error === "ROUTE_NOT_FOUND") return [];
    return [`${where}: no such operation in the document`];
  }
  const { operation } = found;
  const problems: string[] = [];
  // An error envelope's code is its status; code 0 says only "some 2xx".
  const code = shown.envelope?.code ?? shown.code;
  const status = shown.status ?? (code !== undefined && code !== 0 ? code : undefined);
  const failed = status !== undefined && status >= 400;

  // A request whose answer is an error may show what the API refuses; any other must be valid.
  if (!failed) {
    const parameters = operation.parameters ?? [];
    for (const [name, value] of example.url.searchParams) {
      const parameter = parameters.find((p) => p.in === "query" && p.name === name);
      if (parameter === undefined) problems.push(`${where}: query parameter "${name}" is not documented`);
      else
        problems.push(
          ...validator.errors(parameter.schema, value, true).map((e) => `${where}: query ${name}=${value}: ${e}`),
        );
    }
    for (const parameter of parameters) {
      if (parameter.in === "query" && parameter.required && !example.url.searchParams.has(parameter.name))
        problems.push(`${where}: required query parameter "${parameter.name}" missing`);
    }
    if (example.rawBody !== undefined) {
      const media = jsonMedia(operation.requestBody?.content);
      if (media === undefined) problems.push(`${where}: sends a body, but the operation takes none`);
      else if (example.body === undefined) problems.push(`${where}: the body is not JSON`);
      else problems.push(...validator.errors(media.schema, example.body).map((e) => `${where}: body ${e}`));
      if (!/^application\/(.+\+)?json\b/.test(example.headers["content-type"] ?? ""))
        problems.push(`${where}: sends a body without content-type: application/json`);
    } else if (operation.requestBody?.required) {
      problems.push(`${where}: the operation needs a body`);
    }
  }

  if (status !== undefined && operation.responses[String(status)] === undefined) {
    problems.push(`${where}: answers ${status}, which the document does not list for this operation`);
  }
  if (shown.envelope !== undefined) {
    const candidates =
      status !== undefined ? [String(status)] : Object.keys(operation.responses).filter((s) => s.startsWith("2"));
    const schemas = candidates
      .map((s) => operation.responses[s])
      .filter((r): r is OpenApiResponse => r !== undefined)
      .map((r) => jsonMedia(resolveRefs(r, document).content)?.schema)
      .filter((s): s is JsonSchema => s !== undefined);
    if (schemas.length === 0)
      problems.push(
        `${where}: shows a JSON answer, but the document has no JSON schema for ${candidates.join("/") || "it"}`,
      );
    else {
      const results = schemas.map((schema) => validator.errors(schema, shown.envelope));
      if (results.every((errors) => errors.length > 0))
        problems.push(...results[0]!.map((e) => `${where}: answer ${e}`));
    }
  }
  problems.push(...checkProjection(example, operation, validator).map((e) => `${where}: ${e}`));
  return problems;
}

/** The object schemas a schema allows: itself, or its oneOf variants (nested, through $refs). */
function objectVariants(schema: JsonSchema, validator: DocumentValidator): JsonSchema[] {
  if (Array.isArray(schema.oneOf))
    return (schema.oneOf as JsonSchema[]).flatMap((variant) =>
      objectVariants(resolveRefs(variant, validator.document), validator),
    );
  return schema.properties === undefined ? [] : [schema];
}

/**
 * Answers reshaped by `jq '.data | {a, b}'` or `jq '.data.items[] | {a, b}'`: each field
 * shown must be one the success answer has, with a value its schema accepts. A null is
 * skipped: jq prints null for a field the answer left out.
 */
function checkProjection(example: CurlExample, operation: OpenApiOperation, validator: DocumentValidator): string[] {
  const match = /^jq (?:-c )?'\.data(\.items\[\])? \| \{([\w, ]+)\}'$/.exec(example.pipe ?? "");
  if (match === null) return [];
  const success = Object.entries(operation.responses).find(([status]) => status.startsWith("2"))?.[1];
  let schema = success && jsonMedia((resolveRefs(success, validator.document) as OpenApiResponse).content)?.schema;
  schema = (schema?.properties as Record<string, JsonSchema> | undefined)?.data;
  if (match[1])
    schema = (schema?.properties as Record<string, JsonSchema> | undefined)?.items?.items as JsonSchema | undefined;
  // A oneOf (results: platform, then item_type) projects fields of any of its variants.
  const variants = schema === undefined ? [] : objectVariants(resolveRefs(schema, validator.document), validator);
  if (variants.length === 0) return [];
  const objects: unknown[] = [];
  for (const chunk of example.output.join("\n").split(/(?<=^\})\n(?=\{)/m)) {
    try {
      objects.push(JSON.parse(chunk));
    } catch {
      for (const line of chunk.split("\n")) {
        try {
          objects.push(JSON.parse(line));
        } catch {
          // not JSON: a line of prose or a cut line
        }
      }
    }
  }
  const problems: string[] = [];
  for (const object of objects) {
    if (typeof object !== "object" || object === null) continue;
    for (const [key, value] of Object.entries(object)) {
      const declaring = variants.filter((variant) => (variant.properties as Record<string, JsonSchema>)[key]);
      if (declaring.length === 0) {
        if (variants.every((variant) => variant.additionalProperties === false))
          problems.push(`answer has no field "${key}"`);
      } else if (value !== null) {
        const results = declaring.map((variant) =>
          validator.errors((variant.properties as Record<string, JsonSchema>)[key] as JsonSchema, value),
        );
        if (results.every((errors) => errors.length > 0))
          problems.push(...(results[0] ?? []).map((e) => `answer field ${key}: ${e}`));
      }
    }
  }
  return problems;
}
