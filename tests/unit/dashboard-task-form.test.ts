/**
 * The dashboard's create-task form is generated from the API's schemas and checks bodies
 * with them (dashboard/src/taskFields.ts over core/tasks/schema.ts): every schema field gets
 * a control, an untouched form is a valid request, and the browser's messages are the API's.
 */
import { describe, expect, it } from "vitest";
import { availablePlatforms, getPlatform } from "../../core/platforms/registry.js";
import { commonTaskFields, parseTaskBody, taskBodyIssues } from "../../core/tasks/schema.js";
import { ValidationError } from "../../core/errors.js";
import {
  bodyFromInputs,
  commonFields,
  FieldInputError,
  platformFields,
  type TaskField,
} from "../../dashboard/src/taskFields.js";

/** What an untouched control holds: its default, or empty. */
function untouched(field: TaskField): string | boolean | string[] {
  if (field.type.kind === "checkbox") return field.defaultValue === true;
  if (field.type.kind === "choices") return (field.defaultValue as string[] | undefined) ?? [];
  if (field.type.kind === "select")
    return field.defaultValue === undefined
      ? field.optional
        ? ""
        : field.type.options[0]!
      : String(field.defaultValue);
  return "";
}

describe("form fields from the schemas", () => {
  it.each(availablePlatforms())("%s: one control per schema field but platform", (platform) => {
    const shape = (getPlatform(platform).inputSchema as unknown as { shape: Record<string, unknown> }).shape;
    expect(
      platformFields(platform)
        .map((f) => f.name)
        .sort(),
    ).toEqual(
      Object.keys(shape)
        .filter((k) => k !== "platform")
        .sort(),
    );
  });

  it("describes web fields by their schema: kinds, bounds and defaults", () => {
    const fields = Object.fromEntries(platformFields("web").map((f) => [f.name, f]));
    expect(fields.urls).toMatchObject({ type: { kind: "lines" }, optional: false });
    expect(fields.max_pages).toMatchObject({
      type: { kind: "number", min: 1, max: 10_000 },
      defaultValue: 50,
      optional: true,
    });
    expect(fields.crawler_type).toMatchObject({
      type: { kind: "select", options: ["detail", "crawl"] },
      optional: false,
    });
    expect(fields.same_origin).toMatchObject({ type: { kind: "checkbox" }, defaultValue: true });
    expect(fields.selectors?.type.kind).toBe("json");
    expect(fields.block_resources?.type.kind).toBe("choices");
    expect(fields.render).toMatchObject({
      type: { kind: "select", options: ["auto", "always", "never"] },
      defaultValue: "auto",
      hint: expect.stringContaining("plain HTTP"),
    });
    expect(fields.formats).toMatchObject({
      type: { kind: "choices", options: ["text", "markdown", "html", "links"] },
      defaultValue: ["text"],
    });
    expect(fields.only_main_content).toMatchObject({ type: { kind: "checkbox" }, defaultValue: false });
    expect(fields.respect_robots_txt).toMatchObject({ type: { kind: "checkbox" }, defaultValue: true });
    expect(fields.sitemap).toMatchObject({
      type: { kind: "select", options: ["skip", "include", "only"] },
      defaultValue: "skip",
    });
  });

  it("has the common fields", () => {
    expect(
      commonFields()
        .map((f) => f.name)
        .sort(),
    ).toEqual(Object.keys(commonTaskFields.shape).sort());
  });
});

describe("bodies from the form", () => {
  it("an untouched web form plus a URL is a valid request that leaves defaults to the API", () => {
    const fields = [...platformFields("web"), ...commonFields()];
    const body = bodyFromInputs("web", fields, (field) =>
      field.name === "urls" ? "https://example.com/\n\n https://example.org/ " : untouched(field),
    );
    expect(body.urls).toEqual(["https://example.com/", "https://example.org/"]);
    expect(body).not.toHaveProperty("max_pages");
    expect(body).not.toHaveProperty("same_origin");
    expect(taskBodyIssues(body)).toEqual([]);
    expect(parseTaskBody(body).input).toMatchObject({ max_pages: 50, same_origin: true });
  });

  it.each(availablePlatforms().filter((p) => p !== "web"))(
    "%s: a search with keywords typed as text is valid",
    (platform) => {
      const fields = platformFields(platform);
      const body = bodyFromInputs(platform, fields, (field) =>
        field.name === "keywords" ? "咖啡, 旅行" : untouched(field),
      );
      expect(body.keywords).toBe("咖啡, 旅行");
      expect(taskBodyIssues(body)).toEqual([]);
    },
  );

  it("bad JSON is a field error, not a thrown SyntaxError", () => {
    const fields = platformFields("web");
    expect(() =>
      bodyFromInputs("web", fields, (field) => (field.name === "selectors" ? "{oops" : untouched(field))),
    ).toThrow(FieldInputError);
  });
});

describe("the browser's messages are the API's", () => {
  const bodies: Array<Record<string, unknown>> = [
    { platform: "web", crawler_type: "crawl", urls: ["https://example.com/"], max_pages: 0 },
    { platform: "web", crawler_type: "crawl", urls: ["nope"], max_pages: "x", max_attempts: 99 },
    { platform: "xhs", crawler_type: "search" },
    { platform: "nowhere" },
    { platform: "web", crawler_type: "detail", urls: ["https://example.com/"], surprise: 1 },
  ];

  it.each(bodies)("%j: first issue = the API's 400 message, every issue names its field", (body) => {
    const issues = taskBodyIssues(body);
    expect(issues.length).toBeGreaterThan(0);
    let refusal: unknown;
    try {
      parseTaskBody(body);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ValidationError);
    expect(issues[0]).toEqual({
      field: (refusal as ValidationError).field,
      message: (refusal as ValidationError).message,
    });
    for (const issue of issues)
      expect(issue.message.startsWith("unknown field") || issue.message.startsWith(`${issue.field}: `)).toBe(true);
  });

  it("lists every wrong field at once", () => {
    const fields = taskBodyIssues(bodies[1]).map((issue) => issue.field);
    expect(fields).toEqual(expect.arrayContaining(["max_attempts", "urls.0", "max_pages"]));
  });
});
