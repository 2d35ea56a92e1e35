/**
 * docs/configuration.md against core/config.ts: every variable in VARIABLES has one row, in the
 * section of its scope, showing its default (and the stack's own default when it differs), and
 * every row names a variable of the table. Adding, renaming or re-defaulting a variable without
 * the docs fails here.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { VARIABLES, type Variable, type VariableScope } from "../../core/config.js";

const text = readFileSync(resolve(import.meta.dirname, "../../docs/configuration.md"), "utf8");

/** The section each scope's rows sit in. */
const SECTION: Record<VariableScope, string> = {
  functions: "Functions",
  library: "Functions",
  deploy: "Deploy",
  local: "One-machine stack",
};

interface Row {
  name: string;
  defaultCell: string;
  section: string;
}

/** Table rows whose first cell is one `NAME`, with the `## ` heading above them. */
function variableRows(markdown: string): Row[] {
  const rows: Row[] = [];
  let section = "";
  for (const line of markdown.split("\n")) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) section = heading[1]?.trim() ?? "";
    const row = /^\| `([^`]+)` \| ([^|]*) \|/.exec(line);
    if (row) rows.push({ name: row[1] ?? "", defaultCell: row[2]?.trim() ?? "", section });
  }
  return rows;
}

const rows = variableRows(text);
const variables: Variable[] = Object.values(VARIABLES);

describe("docs/configuration.md lists core/config.ts's VARIABLES", () => {
  it.each(variables.map((variable) => [variable.name, variable] as const))(
    "%s: one row, its section and default",
    (_, variable) => {
      const found = rows.filter((row) => row.name === variable.name);
      expect(found, `rows for ${variable.name}`).toHaveLength(1);
      const [row] = found as [Row];
      expect(row.section).toBe(SECTION[variable.scope]);
      if (variable.default === undefined) {
        expect(row.defaultCell, "no default: the cell says what unset means").toMatch(/^(unset|none)\b/);
      } else {
        expect(row.defaultCell.startsWith(`\`${variable.default}\``), `default ${variable.default}`).toBe(true);
      }
      if (variable.localDefault !== undefined) {
        expect(row.defaultCell.replaceAll("`", "")).toContain(`the stack: ${variable.localDefault}`);
      }
    },
  );

  it("names no variable the table lacks", () => {
    const declared = new Set(variables.map((variable) => variable.name));
    expect(rows.map((row) => row.name).filter((name) => !declared.has(name))).toEqual([]);
  });
});
