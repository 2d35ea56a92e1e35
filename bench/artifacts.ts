import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { LAMBDA_LIMITS, ensureArtifacts, type Artifact } from "../build/artifacts.js";
import { LocalCloud, type DeployedFunction } from "../build/lambda/cloud.js";
import { LambdaSandbox, NODE22 } from "../build/lambda/sandbox.js";
import { startLoopbackSite, type LoopbackSite } from "./loopbackSite.js";
import { loadNow, measuredLine } from "./report.js";
import { formatMs, median } from "./stats.js";

/**
 * The functions as SST ships them (issue 10, item 5): the artifacts `npm run build:functions`
 * builds the way SST 4.17 builds them (build/), their sizes against Lambda's limits, and
 * their start-up measured in the Lambda-like sandbox (build/lambda), not in the source tree:
 *
 * - API: a fresh Node 22 process importing the artifact's bundle from an extracted copy of
 *   its zip (process start excluded), and the sandbox's Init Duration (runtime start and
 *   import, as Lambda's REPORT line has it).
 * - crawler: Init Duration; then, from a crawl message to the first navigation on a loopback
 *   page, a cold sandbox that unpacks Chromium into its empty /tmp, a cold sandbox whose /tmp
 *   already holds it (launch only), and warm invocations.
 */

/** Fresh processes per import figure, after one more whose figure is dropped (it reads the files into the page cache). */
const IMPORT_SAMPLES = 9;

export interface ArtifactFigures {
  loadAtStart: number;
  quick: boolean;
  artifacts: Array<Pick<Artifact, "id" | "source" | "bytes" | "installed">>;
  api: { importMs: number; initMs: number[] };
  crawler: {
    initMs: number[];
    coldUnpackMs: number[];
    coldPresentMs: number[];
    warmMs: number[];
    maxMemoryUsedMb: number;
  };
}

/** Median over fresh Node 22 processes of `await import(bundle)`, the bundle read from an extracted zip outside the repository. */
async function importTime(artifact: Artifact): Promise<number> {
  const sandbox = await LambdaSandbox.create({
    zip: artifact.zip,
    handler: artifact.handler,
    functionName: `${artifact.id}-import`,
    memoryMb: artifact.memoryMb,
    timeoutSeconds: artifact.timeoutSeconds,
    environment: {},
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  });
  try {
    const bundle = join(sandbox.taskRoot, "bundle.mjs");
    const script = `const t = performance.now(); await import(${JSON.stringify(bundle)}); console.log(performance.now() - t);`;
    const samples = Array.from({ length: IMPORT_SAMPLES + 1 }, () =>
      Number(
        execFileSync(NODE22, ["--input-type=module", "-e", script], {
          cwd: sandbox.taskRoot,
          encoding: "utf8",
          env: { PATH: process.env.PATH ?? "", AWS_REGION: "us-east-1" },
        })
          .trim()
          .split("\n")
          .at(-1),
      ),
    );
    return median(samples.slice(1));
  } finally {
    await sandbox.close();
  }
}

/** Creates a task for one loopback page through the API artifact and times its crawl message → first navigation. */
async function crawlOnce(
  cloud: LocalCloud,
  api: DeployedFunction,
  crawler: DeployedFunction,
  site: LoopbackSite,
  n: number,
): Promise<{ ms: number; coldStart: boolean; initMs?: number; maxMemoryUsedMb: number }> {
  const path = `/bench-${n}-${Date.now()}`;
  const invocation = await api.invoke<{ statusCode: number; body: string }>({
    version: "2.0",
    routeKey: "$default",
    rawPath: "/api/v1/tasks",
    rawQueryString: "",
    headers: { "content-type": "application/json", "x-api-key": "bench-key-0123456789" },
    requestContext: {
      http: { method: "POST", path: "/api/v1/tasks", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "bench" },
      timeEpoch: Date.now(),
    },
    body: JSON.stringify({
      platform: "web",
      crawler_type: "crawl",
      urls: [site.urlFor(0, path)],
      max_pages: 1,
      render: "always",
    }),
    isBase64Encoded: false,
  });
  if (invocation.result?.statusCode !== 201)
    throw new Error(`task not created: ${JSON.stringify(invocation.result ?? invocation.error)}`);
  const sent = Date.now();
  const polled = await cloud.pollQueue(crawler);
  if (polled === undefined) throw new Error("no crawl message");
  if (polled.invocation.error)
    throw new Error(`crawl failed: ${polled.invocation.error.errorMessage}\n${polled.invocation.logs.join("\n")}`);
  const navigated = site.firstRequestAt(path);
  if (navigated === undefined) throw new Error(`the crawler never requested ${path}`);
  return {
    ms: navigated - sent,
    coldStart: polled.invocation.coldStart,
    ...(polled.invocation.initDurationMs === undefined ? {} : { initMs: polled.invocation.initDurationMs }),
    maxMemoryUsedMb: polled.invocation.maxMemoryUsedMb,
  };
}

export async function measureArtifacts(options: { quick: boolean }): Promise<ArtifactFigures> {
  const loadAtStart = loadNow();
  const manifest = await ensureArtifacts({ log: (line) => console.error(`artifacts: ${line}`) });
  const byFolder = (folder: string) => manifest.artifacts.find((a) => a.source.startsWith(`functions/${folder}/`))!;
  const apiArtifact = byFolder("api");
  const importMs = await importTime(apiArtifact);

  const rounds = options.quick ? 1 : 3;
  const warmPerRound = options.quick ? 2 : 5;
  const cloud = await LocalCloud.start({
    secrets: {
      ApiKey: "bench-key-0123456789",
      AccountsEncryptionKey: Buffer.alloc(32, 7).toString("base64"),
      CreatorHashSecret: "bench-creator-hash",
      WebhookSecret: "bench-webhook",
    },
    extraEnvironment: { ALLOW_PRIVATE_TARGETS: "1" },
    // BENCH_LOGS=1: every line the functions log, to see where a slow start spends its time.
    ...(process.env.BENCH_LOGS ? { onLog: (fn: string, line: string) => console.error(`[${fn}] ${line}`) } : {}),
  });
  const site = await startLoopbackSite();
  const figures: ArtifactFigures["crawler"] = {
    initMs: [],
    coldUnpackMs: [],
    coldPresentMs: [],
    warmMs: [],
    maxMemoryUsedMb: 0,
  };
  const apiInit: number[] = [];
  try {
    const api = await cloud.deploy(cloud.byHandler("api"));
    let n = 0;
    for (let round = 0; round < rounds; round += 1) {
      // A new sandbox: empty /tmp, so @sparticuz/chromium unpacks its binary first.
      const crawler = await cloud.deploy(cloud.byHandler("crawler"));
      const unpack = await crawlOnce(cloud, api, crawler, site, n++);
      figures.coldUnpackMs.push(unpack.ms);
      if (unpack.initMs !== undefined) figures.initMs.push(unpack.initMs);
      for (let w = 0; w < warmPerRound; w += 1)
        figures.warmMs.push((await crawlOnce(cloud, api, crawler, site, n++)).ms);
      // The same sandbox started again: its /tmp keeps the unpacked binary, only the launch is left.
      crawler.sandbox.kill();
      const present = await crawlOnce(cloud, api, crawler, site, n++);
      figures.coldPresentMs.push(present.ms);
      figures.maxMemoryUsedMb = Math.max(figures.maxMemoryUsedMb, unpack.maxMemoryUsedMb, present.maxMemoryUsedMb);
      await cloud.undeploy(crawler);
      // The API's cold start, in a fresh sandbox per round.
      api.sandbox.kill();
      const health = await api.invoke({
        version: "2.0",
        routeKey: "$default",
        rawPath: "/health",
        rawQueryString: "",
        headers: {},
        requestContext: { http: { method: "GET", path: "/health" } },
        isBase64Encoded: false,
      });
      if (health.initDurationMs !== undefined) apiInit.push(health.initDurationMs);
    }
  } finally {
    await site.close();
    await cloud.close();
  }
  return {
    loadAtStart,
    quick: options.quick,
    artifacts: manifest.artifacts.map(({ id, source, bytes, installed }) => ({ id, source, bytes, installed })),
    api: { importMs, initMs: apiInit },
    crawler: figures,
  };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const list = (values: number[]) => `${formatMs(median(values))} (${values.map((v) => v.toFixed(0)).join(", ")})`;

export function artifactsMarkdown(f: ArtifactFigures): string {
  const rows = f.artifacts.map(
    (a) =>
      `| ${a.id} | \`${a.source}\` | ${Object.keys(a.installed).join(", ") || "—"} | ${kib(a.bytes.bundle)} | ${mib(a.bytes.unzipped)} (${((100 * a.bytes.unzipped) / LAMBDA_LIMITS.unzippedBytes).toFixed(1)} % of 250 MiB) | ${mib(a.bytes.zipped)} |`,
  );
  const api = f.artifacts.find((a) => a.source.startsWith("functions/api/"));
  return `
## Function bundles: the artifacts SST ships (issue 10, item 5)

${measuredLine(f.quick, f.loadAtStart)}

Built by \`npm run build:functions\` as SST 4.17 builds them (esbuild 0.27.2, SST's banner, \`nodejs\` options from infra/, \`nodejs.install\` packages installed for linux/x64), measured from their code.zip in the Lambda-like sandbox (build/lambda). Lambda counts 250 MiB unzipped; SST uploads the zip through S3, so the 50 MiB direct-upload limit does not bind.

| function | handler | installed, not bundled | bundle | unzipped | zipped |
|---|---|---|---|---|---|
${rows.join("\n")}

API artifact: bundle ${api ? kib(api.bytes.bundle) : "?"} (target ≤ 1 MiB); fresh import in Node 22 **${formatMs(f.api.importMs)}** (median of ${IMPORT_SAMPLES}, process start excluded; target ≤ 150 ms); sandbox Init Duration (runtime start + import) ${f.api.initMs.length > 0 ? list(f.api.initMs) : "n/a"}.

Crawler artifact, crawl message → first navigation of a one-page task (median, then each run):

| start | time |
|---|---|
| Init Duration (runtime start + artifact import) | ${f.crawler.initMs.length > 0 ? list(f.crawler.initMs) : "n/a"} |
| cold, Chromium unpacked into an empty /tmp first | ${list(f.crawler.coldUnpackMs)} |
| cold, Chromium already in /tmp (launch only) | ${list(f.crawler.coldPresentMs)} |
| warm | ${list(f.crawler.warmMs)} |

Peak memory of the crawler sandbox (Node and Chromium, PSS) in a cold crawl: ${f.crawler.maxMemoryUsedMb} MB of its 2048 MB.
`;
}
