/**
 * The Lambda-like sandbox itself (build/lambda/sandbox.ts): that it fails what Lambda
 * fails. A function whose bundle does not parse fails at init; a bundle that imports a
 * package it does not ship cannot borrow the project's node_modules; an invocation past
 * its deadline is cut and the next one starts cold; the context counts down to the deadline.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LambdaSandbox } from "../../build/lambda/sandbox.js";
import { SST_ESM_BANNER_LINES, zipLikeSst } from "../../build/sstBuild.js";

let work: string;
const sandboxes: LambdaSandbox[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "harness-test-"));
});
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  await rm(work, { recursive: true, force: true });
});

/** A function whose bundle.mjs is SST's banner followed by `code`. */
async function sandboxFor(name: string, code: string, timeoutSeconds = 5): Promise<LambdaSandbox> {
  const dir = join(work, name);
  await (await import("node:fs/promises")).mkdir(dir, { recursive: true });
  await writeFile(join(dir, "bundle.mjs"), `${SST_ESM_BANNER_LINES.join("\n")}\n${code}`);
  const zip = join(work, `${name}.zip`);
  await zipLikeSst(dir, zip, [], []);
  const sandbox = await LambdaSandbox.create({
    zip,
    handler: "bundle.handler",
    functionName: name,
    memoryMb: 256,
    timeoutSeconds,
    environment: {},
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
  });
  sandboxes.push(sandbox);
  return sandbox;
}

describe("Lambda sandbox", () => {
  it("fails a bundle that declares a name SST's banner declares at init, as Runtime.UserCodeSyntaxError", async () => {
    const sandbox = await sandboxFor(
      "clash",
      `const __dirname = "/elsewhere";\nexport const handler = async () => "never";`,
    );
    const invocation = await sandbox.invoke({});
    expect(invocation.error?.errorType).toBe("Runtime.UserCodeSyntaxError");
    expect(invocation.error?.errorMessage).toMatch(/Identifier '__dirname' has already been declared/);
  });

  it("does not let a bundle borrow a package from the repository's node_modules", async () => {
    // zod is in the project's node_modules, not in this artifact.
    const sandbox = await sandboxFor(
      "borrow",
      `import { z } from "zod";\nexport const handler = async () => typeof z;`,
    );
    const invocation = await sandbox.invoke({});
    expect(invocation.error?.errorType).toBe("Runtime.ImportModuleError");
    expect(invocation.error?.errorMessage).toMatch(/zod/);
  });

  it("refuses reads outside the sandbox", async () => {
    const sandbox = await sandboxFor(
      "reader",
      `import { readFileSync } from "node:fs";\nexport const handler = async (event) => readFileSync(event.path, "utf8").length;`,
    );
    const inside = await sandbox.invoke({ path: join(sandbox.taskRoot, "bundle.mjs") });
    expect(inside.result).toBeGreaterThan(0);
    const outside = await sandbox.invoke({ path: join(import.meta.dirname, "harness.test.ts") });
    expect(outside.error?.errorMessage).toMatch(/ERR_ACCESS_DENIED|Access to this API has been restricted/);
  });

  it("gives the handler Lambda's context, counting down to the invocation's deadline", async () => {
    const sandbox = await sandboxFor(
      "context",
      `export const handler = async (event, context) => ({ left: context.getRemainingTimeInMillis(), id: context.awsRequestId, name: context.functionName, tmp: (await import("node:os")).tmpdir(), region: process.env.AWS_REGION });`,
    );
    const invocation = await sandbox.invoke<{ left: number; id: string; name: string; tmp: string; region: string }>(
      {},
      { timeoutMs: 3_000 },
    );
    expect(invocation.result!.left).toBeGreaterThan(2_000);
    expect(invocation.result!.left).toBeLessThanOrEqual(3_000);
    expect(invocation.result!.id).toBe(invocation.requestId);
    expect(invocation.result!.name).toBe("context");
    expect(invocation.result!.tmp).toBe(sandbox.tmp);
    expect(invocation.result!.region).toBe("us-east-1");
  });

  it("cuts an invocation at its deadline, and starts the next one cold", async () => {
    const sandbox = await sandboxFor(
      "sleeper",
      `export const handler = async (event) => { await new Promise((r) => setTimeout(r, event.ms)); return "woke"; };`,
      1,
    );
    const first = await sandbox.invoke({ ms: 10 });
    expect(first).toMatchObject({ result: "woke", coldStart: true });
    const late = await sandbox.invoke({ ms: 5_000 });
    expect(late.error?.errorType).toBe("Sandbox.Timedout");
    expect(late.error?.errorMessage).toMatch(/Task timed out after 1.00 seconds/);
    const after = await sandbox.invoke({ ms: 10 });
    expect(after).toMatchObject({ result: "woke", coldStart: true });
  });

  it("takes the next invocation after being stopped between two, whatever the stopped process still had in flight", async () => {
    const sandbox = await sandboxFor("restarted", `export const handler = async (event) => event.n;`);
    for (let n = 0; n < 5; n += 1) {
      expect((await sandbox.invoke({ n })).result).toBe(n);
      // As a benchmark does to measure a cold start: stop it right after an answer, while its
      // runtime is already asking for the next invocation.
      sandbox.kill();
    }
    const last = await sandbox.invoke({ n: 99 }, { timeoutMs: 5_000 });
    expect(last).toMatchObject({ result: 99, coldStart: true });
  });
});
