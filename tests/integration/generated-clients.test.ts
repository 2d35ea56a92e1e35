/**
 * The OpenAPI document makes usable typed clients with the two TypeScript generators users
 * reach for: openapi-typescript (types only) and @hey-api/openapi-ts (types and an SDK).
 * Each is generated from /openapi.json into a temp dir, next to a small program that
 * creates a web task with only its required fields and an xhs task, then narrows results
 * to a web page and to xhs content (crawled, or failed with its error) and reads their fields; `tsc --strict` compiles each.
 * It fails when a request field with a default becomes required again, or when results go
 * back to a loose schema (the program's field reads and its @ts-expect-error lines break).
 * The @hey-api SDK is then run: bundled and pointed at the API's handler behind the local
 * gateway, it creates a task, reads it back and reads its results.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createClient } from "@hey-api/openapi-ts";
import { build } from "esbuild";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument } from "../../functions/api/openapi.js";
import { startGateway } from "../../local/gateway.js";
import { startTestAws } from "../support/aws.js";

const run = promisify(execFile);
const TSC = join(process.cwd(), "node_modules/typescript/bin/tsc");

/** Strict, self-contained: the generated code and the program, nothing from node_modules. */
const TSCONFIG = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: "ES2022",
    module: "ESNext",
    moduleResolution: "Bundler",
    lib: ["ES2022", "DOM"],
    types: [],
    skipLibCheck: false,
    noUnusedLocals: false,
    exactOptionalPropertyTypes: false,
  },
  include: ["*.ts", "**/*.ts"],
};

/** What a client program does with its types, written once for both generators. */
const USES = `
// A web task with only its required fields; an xhs search without max_notes_count & co.
const web: TaskInput = { platform: "web", crawler_type: "detail", urls: ["https://example.com/"] };
const xhs: TaskInput = { platform: "xhs", crawler_type: "search", keywords: "咖啡" };
// @ts-expect-error platform is required
const noPlatform: TaskInput = { crawler_type: "detail", urls: ["https://example.com/"] };

export function read(items: ResultItem[]): string[] {
  const seen: string[] = [];
  for (const item of items) {
    const key: string = item.item_key;
    const ok: boolean = item.ok;
    if (item.platform === "web") {
      const title: string | null = item.title;
      const status: number | null = item.status;
      const depth: number = item.depth;
      const code: string | undefined = item.error?.code;
      seen.push(key, String(ok), title ?? "", String(status), String(depth), code ?? "");
    } else if (item.platform === "xhs" && item.item_type === "content") {
      if (item.ok) {
        const noteId: string = item.note_id;
        const likes: number | string | null = item.liked_count;
        const images: string[] = item.image_list;
        // @ts-expect-error xhs content has no depth
        const depth = item.depth;
        seen.push(noteId, String(likes), ...images, String(depth));
      } else {
        // A post the site no longer shows: why, and what the crawl still knew.
        const code: string = item.error.code;
        const noteId: string | undefined = item.note_id;
        seen.push(code, noteId ?? "");
      }
    } else if (item.platform === "xhs" && item.item_type === "comment") {
      const content: string = item.content;
      const parent: string | null = item.parent_comment_id;
      seen.push(content, parent ?? "");
    } else if (item.platform === "bili" && item.item_type === "creator") {
      const fans: number | string | null = item.total_fans;
      seen.push(String(fans));
    }
  }
  return seen;
}
export const bodies = [web, xhs, noPlatform];
`;

const OPENAPI_TYPESCRIPT_PROGRAM = `import type { components, paths } from "./schema";

type TaskInput = paths["/api/v1/tasks"]["post"]["requestBody"]["content"]["application/json"];
type ResultItem = components["schemas"]["ResultItem"];
type ResultsAnswer = paths["/api/v1/tasks/{task_id}/results"]["get"]["responses"][200]["content"]["application/json"];
export const itemsOf = (answer: ResultsAnswer): ResultItem[] => answer.data.items;
${USES}`;

const HEY_API_PROGRAM = `import { createTask, getTask, getTaskResults } from "./client/sdk.gen";
import type { ResultItem, TaskInput } from "./client/types.gen";

export async function roundTrip(): Promise<{ taskId: string; status: string; platform: string; urls: unknown; seen: string[] }> {
  const created = await createTask({ body: web, throwOnError: true });
  const taskId: string = created.data.data.task_id;
  const task = await getTask({ path: { task_id: taskId }, throwOnError: true });
  const results = await getTaskResults({ path: { task_id: taskId }, query: { limit: 10 }, throwOnError: true });
  return { taskId, status: task.data.data.status, platform: task.data.data.platform, urls: task.data.data.params.urls, seen: read(results.data.data.items) };
}
${USES}`;

/** Runs the compiled program: the generated SDK pointed at API_URL, one round trip, its answer as JSON. */
const HEY_API_MAIN = `import { client } from "./client/client.gen";
import { roundTrip } from "./program";

client.setConfig({ baseUrl: process.env.API_URL });
console.log(JSON.stringify(await roundTrip()));
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "crawl-tasks-clients-"));
  await writeFile(join(dir, "openapi.json"), JSON.stringify(openApiDocument()));
});
afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

/** tsc's diagnostics for the project in `project` ("" when it compiles). */
async function compile(project: string): Promise<string> {
  await writeFile(join(project, "tsconfig.json"), JSON.stringify(TSCONFIG));
  try {
    await run(process.execPath, [TSC, "-p", project], { cwd: project });
    return "";
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return `${stdout ?? ""}${stderr ?? ""}` || String(error);
  }
}

describe("generated TypeScript clients", () => {
  it("openapi-typescript: request types take only the required fields, results narrow to each item's fields", async () => {
    const project = join(dir, "openapi-typescript");
    const ast = await openapiTS(new URL(`file://${join(dir, "openapi.json")}`), { silent: true });
    await mkdir(project, { recursive: true });
    await writeFile(join(project, "schema.d.ts"), astToString(ast));
    await writeFile(join(project, "program.ts"), OPENAPI_TYPESCRIPT_PROGRAM);
    expect(await compile(project)).toBe("");
  }, 120_000);

  it("@hey-api/openapi-ts: its SDK creates tasks with only the required fields, results narrow to each item's fields, and it runs against the API", async () => {
    const project = join(dir, "hey-api");
    await createClient({
      input: join(dir, "openapi.json"),
      output: join(project, "client"),
      logs: { level: "silent", file: false },
    });
    await writeFile(join(project, "program.ts"), HEY_API_PROGRAM);
    expect(await compile(project)).toBe("");

    // And it runs: bundled as it is (esbuild, no type changes), against the API's real handler
    // behind the one-machine gateway, with the embedded DynamoDB and SQS servers.
    await writeFile(join(project, "main.ts"), HEY_API_MAIN);
    await build({
      entryPoints: [join(project, "main.ts")],
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node22",
      outfile: join(project, "main.mjs"),
      logLevel: "silent",
    });
    const aws = await startTestAws();
    const { handler } = await import("../../functions/api/handler.js");
    const gateway = await startGateway({ handler, log: () => undefined });
    try {
      const { stdout } = await run(process.execPath, [join(project, "main.mjs")], {
        env: { ...process.env, API_URL: gateway.url },
      });
      const answer = JSON.parse(stdout) as {
        taskId: string;
        status: string;
        platform: string;
        urls: unknown;
        seen: string[];
      };
      expect(answer).toEqual({
        taskId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
        status: "pending",
        platform: "web",
        urls: ["https://example.com/"],
        seen: [],
      });
    } finally {
      await gateway.close();
      await aws.close();
    }
  }, 120_000);
});
