/**
 * `probe <platform> [--account ID] [--keyword K]`: runs each mode of a media platform on a
 * small scale against the live site, through the API (a running stack or AWS), and prints
 * what the crawler saw step by step: the pages it opened, the requests it read and their
 * status, whether each body matched its shape, the selectors it found, the items it parsed
 * with a sample. This is how someone with a network and an account finds out exactly what
 * changed on a site (core/platforms/media/probe.ts records it; each platform's FLOW.md says
 * which file to change for each step).
 *
 * Search runs first with the keyword; detail then takes the first post it found, creator
 * that post's author. Exit 0 when every mode ran without drift, 1 otherwise. Drift is a body
 * off its shape, a failed step, or a missing field the crawler reads; new fields the site
 * added are shown (progress warnings, step details) but are not drift.
 */
import type { ProbeStep } from "../../core/platforms/media/probe.js";
import { ACCOUNT_PLATFORMS, type AccountPlatformName } from "../../core/platforms/registry.js";
import type { Task } from "../../core/tasks/model.js";
import { stringValue } from "../args.js";
import type { CrawlTasksClient } from "../../sdk/typescript/src/index.js";
import type { Command, CommandGroup } from "../command.js";
import { EXIT, type ExitCode } from "../errors.js";
import type { Output } from "../output.js";

/** The media platforms: those that take accounts. */
type MediaPlatform = AccountPlatformName;

/** Coffee: every one of the sites has plenty of posts for it. */
const DEFAULT_KEYWORD = "咖啡";

/** Where a post found by search says what detail mode takes (a URL carries tokens some sites need), in order of preference. */
const DETAIL_FIELDS = ["note_url", "aweme_url", "video_url", "content_url", "post_url"];

const POLL_MS = 1500;

/** A result as the API returns it: its keys and the item's fields, side by side (core/results/publicSchema.ts). */
interface ResultRow {
  item_key: string;
  ok: boolean;
  [field: string]: unknown;
}

interface ModeReport {
  mode: "search" | "detail" | "creator";
  input: string;
  task?: Task;
  probe?: ResultRow;
  /** Why the mode did not run. */
  skipped?: string;
}

function probeCommand(platform: MediaPlatform): Command {
  return {
    name: platform,
    summary: `run ${platform}'s search, detail and creator modes small, and report what the crawler saw`,
    usage: "[--account ID] [--keyword K]",
    options: {
      account: {
        type: "string",
        value: "ID",
        description: "use this stored account (default: the least recently used active one)",
      },
      keyword: {
        type: "string",
        value: "K",
        description: `the search keyword (default: ${DEFAULT_KEYWORD})`,
      },
    },
    details: [
      "Creates three small tasks with probe: true (2 posts, 5 comments with replies), waits for each,",
      "and prints each step: the page opened, the requests read (status), whether each body matched its",
      "shape, the selectors found, the items parsed. Exit codes: 0 no drift, 1 drift or a failed mode,",
      "3 API error. With --json: the probe items.",
    ].join("\n"),
    async run({ values, client, out }) {
      const account = stringValue(values, "account");
      const keyword = stringValue(values, "keyword") ?? DEFAULT_KEYWORD;
      return runProbe(client(), out, platform, keyword, account);
    },
  };
}

export const probeGroup: CommandGroup = {
  name: "probe",
  summary: "Probe a media platform's live site for drift",
  commands: ACCOUNT_PLATFORMS.map(probeCommand),
};

async function runProbe(
  client: CrawlTasksClient,
  out: Output,
  platform: MediaPlatform,
  keyword: string,
  account: string | undefined,
): Promise<ExitCode> {
  const base = {
    platform,
    max_notes_count: 2,
    enable_comments: true,
    enable_sub_comments: true,
    max_comments_count: 5,
    keep_user_info: true,
    probe: true,
    ...(account ? { account } : {}),
  };
  const reports: ModeReport[] = [];

  const search = await runMode(
    client,
    out,
    { ...base, crawler_type: "search", keywords: [keyword] },
    "search",
    keyword,
  );
  reports.push(search);
  const found = (await contentOf(client, search)) ?? undefined;
  const detailInput =
    found === undefined
      ? undefined
      : ((DETAIL_FIELDS.map((field) => found[field]).find((value) => typeof value === "string" && value !== "") as
          | string
          | undefined) ?? idOf(found.item_key));
  reports.push(
    detailInput === undefined
      ? { mode: "detail", input: "", skipped: "search found no post" }
      : await runMode(
          client,
          out,
          { ...base, crawler_type: "detail", specified_ids: [detailInput] },
          "detail",
          detailInput,
        ),
  );
  const author = typeof found?.user_id === "string" ? found.user_id : undefined;
  reports.push(
    author === undefined
      ? { mode: "creator", input: "", skipped: "search found no post with its author" }
      : await runMode(client, out, { ...base, crawler_type: "creator", creator_ids: [author] }, "creator", author),
  );

  if (out.json)
    out.printJson(
      reports.map((r) => ({
        mode: r.mode,
        input: r.input,
        status: r.task?.status,
        error: r.task?.error,
        progress: r.task?.progress,
        probe: r.probe,
        skipped: r.skipped,
      })),
    );
  else for (const report of reports) printReport(out, platform, report);
  const drift = reports.some(
    (r) =>
      r.skipped !== undefined ||
      r.task?.status !== "completed" ||
      steps(r).some((s) => s.shape === "mismatch" || s.kind === "error") ||
      steps(r).some((s) => s.shape === "warnings"),
  );
  if (!out.json)
    out.line(
      drift
        ? `${platform}: drift found — see the steps above; each platform's FLOW.md names the file for each step`
        : `${platform}: no drift seen`,
    );
  return drift ? EXIT.failed : EXIT.ok;
}

/** Creates one probe task, waits for it to end, and reads its probe item. */
async function runMode(
  client: CrawlTasksClient,
  out: Output,
  body: Record<string, unknown>,
  mode: ModeReport["mode"],
  input: string,
): Promise<ModeReport> {
  // No idempotency key: a retried 503 could create a second task.
  const created = (await client.request<Task>("POST", "/api/v1/tasks", { body, retry503: false })).data;
  if (!out.json) out.note(`${mode} ${JSON.stringify(input)}: task ${created.task_id}…`);
  let task = created;
  while (!["completed", "failed", "cancelled"].includes(task.status)) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    task = (await client.request<Task>("GET", `/api/v1/tasks/${created.task_id}`)).data;
  }
  const page = (
    await client.request<{ items: ResultRow[] }>("GET", `/api/v1/tasks/${created.task_id}/results`, {
      query: { limit: 1000 },
    })
  ).data;
  const probe = page.items.find((item) => item.item_type === "probe");
  return { mode, input, task, ...(probe ? { probe } : {}) };
}

async function contentOf(client: CrawlTasksClient, report: ModeReport): Promise<ResultRow | undefined> {
  if (report.task === undefined) return undefined;
  const page = (
    await client.request<{ items: ResultRow[] }>("GET", `/api/v1/tasks/${report.task.task_id}/results`, {
      query: { limit: 1000 },
    })
  ).data;
  return page.items.find((item) => item.ok && item.item_type === "content");
}

/** `<platform>:content:<id>` → id. */
const idOf = (itemKey: string) => itemKey.split(":").slice(2).join(":");

const steps = (report: ModeReport): ProbeStep[] => (report.probe?.steps as ProbeStep[] | undefined) ?? [];

function printReport(out: Output, platform: string, report: ModeReport): void {
  if (report.skipped !== undefined) {
    out.line(`${platform} ${report.mode}: skipped (${report.skipped})`);
    out.line();
    return;
  }
  const task = report.task!;
  const counts = Object.entries((report.probe?.counts as Record<string, number> | undefined) ?? {})
    .map(([type, n]) => `${n} ${type}`)
    .join(", ");
  const warnings = task.progress.warnings ?? 0;
  out.line(
    `${platform} ${report.mode} ${JSON.stringify(report.input)}: ${task.status}${counts ? ` — ${counts}` : ""}${warnings > 0 ? `; ${warnings} warning(s)` : ""}`,
  );
  for (const step of steps(report)) out.line(`  ${stepLine(step)}`);
  if (task.error) out.line(`  ! ${task.error.code}: ${task.error.message}`);
  for (const example of task.progress.warning_examples ?? []) out.line(`  ~ ${example}`);
  out.line();
}

/** One step as a report line: time, kind, status or verdict, the step, then what it concerned. */
export function stepLine(step: ProbeStep): string {
  const time = `+${(step.at / 1000).toFixed(1)}s`.padStart(7);
  const verdict =
    step.status !== undefined
      ? String(step.status)
      : step.shape !== undefined
        ? step.shape === "mismatch"
          ? "MISMATCH"
          : step.shape
        : step.count !== undefined
          ? `×${step.count}`
          : "";
  const what = step.url ?? step.detail ?? (step.sample ? JSON.stringify(step.sample).slice(0, 160) : "");
  return `${time}  ${step.kind.padEnd(8)} ${verdict.padEnd(9)} ${step.step}${what ? `  ${what}` : ""}`;
}
