/**
 * The docs' "Deploying to AWS" (docs/deploying.md) against infra/: every secret a deploy needs is set by its
 * commands (and no command sets one that does not exist), the outputs it lists are the
 * ones `sst deploy` prints, and its table of functions says what infra/ deploys: handler,
 * trigger, memory, timeout and concurrency cap. A change to infra/ that the section does
 * not follow fails here, with the rows the section should have.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { ENV, VARIABLES, type Variable } from "../../core/config.js";
import {
  evaluateInfra,
  FUNCTION_DEFAULTS,
  megabytes,
  ofType,
  ROOT,
  seconds,
  stackFunctions,
  type Stack,
  type StackFunction,
} from "../../build/infraModel.js";
import { docFiles, headings, section } from "../support/markdown.js";

/** The one file of README.md and docs/ with a "Deploying to AWS" heading, and that section. */
function deployingSection(): { path: string; text: string } {
  const found = docFiles().filter((file) => headings(file.text).some((h) => h.text === "Deploying to AWS"));
  if (found.length !== 1)
    throw new Error(
      `expected one file with a "Deploying to AWS" heading, found: ${found.map((f) => f.path).join(", ") || "none"}`,
    );
  return { path: found[0]!.path, text: section(found[0]!.text, "Deploying to AWS") };
}

/** Rows of the first table whose header starts with `| <first> |`, as arrays of trimmed cells. */
function table(text: string, first: string): string[][] {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.startsWith(`| ${first} |`));
  if (start === -1) throw new Error(`no table starting "| ${first} |"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .slice(1, -1)
        .split("|")
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const unquote = (cell: string) => cell.replace(/^`|`$/g, "");
const NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

/** What a function's row says, as infra/ gives it; `schedulerTargets`: the ARNs another function hands EventBridge Scheduler. */
function functionRow(fn: StackFunction, schedulerTargets: ReadonlySet<unknown>): string[] {
  const folder = /^(functions\/[^/]+)\//.exec(String(fn.args.handler))?.[1] ?? String(fn.args.handler);
  const trigger =
    fn.trigger.kind === "api"
      ? `API Gateway HTTP API (${fn.trigger.routes.length} routes)`
      : fn.trigger.kind === "queue"
        ? `\`${fn.trigger.queue.name}\`, batches of ${fn.trigger.batch.size}${fn.trigger.batch.partialResponses ? ", partial batch responses" : ""}`
        : fn.trigger.kind === "schedule"
          ? `\`${fn.trigger.schedule}\``
          : schedulerTargets.has(`<Function:${fn.id}.arn>`)
            ? "EventBridge Scheduler: the schedules the API creates"
            : "none";
  const cap =
    fn.trigger.kind === "queue" && fn.trigger.maximumConcurrency !== undefined
      ? String(fn.trigger.maximumConcurrency)
      : "—";
  return [
    `\`${fn.id}\``,
    `\`${folder}\``,
    trigger,
    `${megabytes(fn.args.memory ?? FUNCTION_DEFAULTS.memory)} MB`,
    `${seconds(fn.args.timeout ?? FUNCTION_DEFAULTS.timeout)} s`,
    cap,
  ];
}

let stack: Stack;
const evaluate = async () =>
  (stack ??= await evaluateInfra({
    importConfig: () => {
      vi.resetModules();
      return import(pathToFileURL(resolve(ROOT, "sst.config.ts")).href);
    },
  }));

const deploying = deployingSection();

describe(`${deploying.path}: Deploying to AWS`, () => {
  const text = deploying.text;
  const commands = [...text.matchAll(/^\s*npx sst secret set (\w+) .*$/gm)];

  it("sets every secret a deploy needs, and only secrets infra/ declares", async () => {
    const secrets = ofType(await evaluate(), "Secret");
    const required = secrets.filter((s) => s.args.placeholder === undefined).map((s) => s.name);
    const set = commands.map((c) => c[1]);
    expect(
      required.filter((name) => !set.includes(name)),
      "required secrets the commands leave unset",
    ).toEqual([]);
    expect(
      set.filter((name) => !secrets.some((s) => s.name === name)),
      "commands for secrets infra/ does not declare",
    ).toEqual([]);
    for (const command of commands) {
      const optional = secrets.find((s) => s.name === command[1])?.args.placeholder !== undefined;
      expect(
        command[0].includes("# optional"),
        `${command[1]}: marked "# optional" exactly when it has a placeholder`,
      ).toBe(optional);
    }
  });

  it("describes each secret, required or not, as infra/ declares it", async () => {
    const secrets = ofType(await evaluate(), "Secret");
    const rows = table(text, "Secret");
    expect(rows.map((r) => unquote(r[0]!)).sort()).toEqual(secrets.map((s) => s.name).sort());
    for (const row of rows) {
      const declared = secrets.find((s) => s.name === unquote(row[0]!));
      expect(row[1]!.startsWith("yes"), `${row[0]}: "Required" column`).toBe(declared?.args.placeholder === undefined);
    }
  });

  it("lists the outputs sst deploy prints", async () => {
    const outputs = Object.keys((await evaluate()).outputs);
    expect(
      table(text, "Output")
        .map((r) => unquote(r[0]!))
        .sort(),
    ).toEqual(outputs.sort());
  });

  it("has a row per function saying what infra/ deploys, and counts them right", async () => {
    const functions = stackFunctions(await evaluate());
    // The schedule runner is invoked by Scheduler schedules the API creates at run time (infra/schedules.ts).
    const schedulerTargets = new Set(
      functions.map((fn) => (fn.args.environment as Record<string, unknown> | undefined)?.[ENV.schedulerTargetArn]),
    );
    expect(table(text, "Function")).toEqual(functions.map((fn) => functionRow(fn, schedulerTargets)));
    const count = /The (\w+) functions/.exec(text)?.[1];
    expect(count, 'a sentence "The <n> functions …"').toBe(NUMBER_WORDS[functions.length]);
  });

  it("names the deploy-time settings infra/ reads", () => {
    const read = Object.values(VARIABLES as Record<string, Variable>)
      .filter((variable) => variable.scope === "deploy")
      .map((variable) => variable.name);
    expect(read.length).toBeGreaterThan(0);
    for (const name of read) expect(text, `${name} documented`).toContain(`\`${name}\``);
  });
});
