/**
 * docs/coming-from-mediacrawler.md names task fields, CLI commands and flags for each of
 * MediaCrawler's settings: every one of them must exist, and its examples must be tasks
 * the API accepts (the same body from the JSON and from the CLI line).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { GLOBAL_OPTIONS, parseCommandLine } from "../../cli/args.js";
import { GROUPS } from "../../cli/main.js";
import { buildTaskBody } from "../../cli/taskBody.js";
import { parseTaskBody } from "../../core/tasks/schema.js";
import { buildOpenApiDocument } from "../../functions/api/openapi.js";
import { REPO_ROOT, section } from "../support/markdown.js";

const GUIDE = readFileSync(resolve(REPO_ROOT, "docs/coming-from-mediacrawler.md"), "utf8");

/** Every property name any schema of the OpenAPI document declares. */
function documentedProperties(): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === "object") {
      const properties = (node as { properties?: unknown }).properties;
      if (properties !== null && typeof properties === "object")
        for (const name of Object.keys(properties)) names.add(name);
      Object.values(node).forEach(visit);
    }
  };
  visit(buildOpenApiDocument());
  return names;
}

/** The settings table's rows as cells. */
function settingsRows(): string[][] {
  return section(GUIDE, "Settings")
    .split("\n")
    .filter((line) => line.startsWith("| `") || line.startsWith("| "))
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
    .filter((cells) => cells.length === 4 && !cells[0]?.startsWith("---") && cells[0] !== "MC setting");
}

const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);

/** `crawl-tasks <group> <command> …` → the command and its parsed flags (throws on an unknown flag). */
function parseCliLine(line: string) {
  const argv = line.trim().split(/\s+/).slice(1);
  const [groupName, commandName, ...rest] = argv;
  const group = GROUPS.find((candidate) => candidate.name === groupName);
  const command = group?.commands.find((candidate) => candidate.name === commandName);
  if (command === undefined) throw new Error(`no command "${groupName} ${commandName}"`);
  return { command, ...parseCommandLine(rest, { ...GLOBAL_OPTIONS, ...command.options }) };
}

describe("docs/coming-from-mediacrawler.md", () => {
  it("names only task fields the API's schemas have", () => {
    const properties = documentedProperties();
    const fields = settingsRows().flatMap((cells) => ticked(cells[1] as string));
    expect(fields.length).toBeGreaterThan(20);
    expect(fields.filter((field) => !properties.has(field))).toEqual([]);
  });

  it("names only CLI commands and flags that exist", () => {
    const elsewhere = settingsRows().map((cells) => cells[2] as string);
    const commands = elsewhere.flatMap((cell) => ticked(cell)).filter((text) => text.startsWith("crawl-tasks "));
    expect(commands.length).toBeGreaterThan(3);
    for (const text of commands) expect(() => parseCliLine(text.replace(/ ID\b| DIR\b/g, " x"))).not.toThrow();
    const flags = new Set(
      GROUPS.flatMap((group) => group.commands.flatMap((command) => Object.keys(command.options))).map(
        (name) => `--${name}`,
      ),
    );
    const named = elsewhere.flatMap((cell) => [...cell.matchAll(/`(--[a-z-]+)`/g)].map((match) => match[1] as string));
    expect(named.filter((flag) => !flags.has(flag))).toEqual([]);
  });

  it("gives example bodies the API accepts, and a CLI line that makes the first of them", () => {
    const bodies = [...GUIDE.matchAll(/```json\n([\s\S]*?)\n```/g)].map((match) => JSON.parse(match[1] as string));
    expect(bodies.length).toBeGreaterThanOrEqual(3);
    for (const body of bodies) expect(() => parseTaskBody(body)).not.toThrow();

    const lines = [...GUIDE.matchAll(/^crawl-tasks .*$/gm)].map((match) => match[0]);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(() => parseCliLine(line.replace(/<task_id>/g, "x"))).not.toThrow();
    const create = parseCliLine(lines[0] as string);
    expect(create.command.name).toBe("create");
    expect(parseTaskBody(buildTaskBody(create.values))).toEqual(parseTaskBody(bodies[0]));
  });
});
