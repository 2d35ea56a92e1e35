/** Talking to a running API over HTTP, as a client would; every answer is checked against /openapi.json. */
import { answerProblems } from "./documentedAnswers.js";

export interface Envelope<T> {
  code: number;
  message: string;
  data: T;
}

export interface TaskView {
  task_id: string;
  status: string;
  attempts: number;
  max_attempts: number;
  result_count: number;
  progress: { pages_done: number; items: number; errors: number };
  error?: { code: string; message: string };
  continuations?: number;
}

/** Sends a request; throws when the answer is not what the document says that operation and status return. */
export async function api<T>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Envelope<T> }> {
  const response = await fetch(`${base}${path}`, {
    method,
    // Every POST says JSON, as the API requires (even cancel and retry, which have no body).
    headers: body === undefined && method !== "POST" ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const answer = (await response.json()) as Envelope<T>;
  const problems = answerProblems(method, path, response.status, response.headers.get("content-type"), answer);
  if (problems.length > 0)
    throw new Error(
      `the answer is not what /openapi.json documents:\n${problems.join("\n")}\n${JSON.stringify(answer).slice(0, 2000)}`,
    );
  return { status: response.status, body: answer };
}

/** Polls GET /api/v1/tasks/{id} until `done` holds. */
export async function waitForTask(
  base: string,
  id: string,
  done: (task: TaskView) => boolean,
  timeoutMs = 60_000,
  headers: Record<string, string> = {},
): Promise<TaskView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api<TaskView>(base, "GET", `/api/v1/tasks/${id}`, undefined, headers);
    if (done(body.data)) return body.data;
    if (Date.now() > deadline)
      throw new Error(`task ${id} still ${body.data.status} after ${timeoutMs} ms: ${JSON.stringify(body.data)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export const isTerminal = (task: TaskView) => ["completed", "failed", "cancelled"].includes(task.status);

/** Every result item of a task, following next_cursor. */
export async function allResults(
  base: string,
  id: string,
  headers: Record<string, string> = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=1000&cursor=${cursor}` : "?limit=1000";
    const page = await api<{ items: Record<string, unknown>[]; next_cursor: string | null }>(
      base,
      "GET",
      `/api/v1/tasks/${id}/results${query}`,
      undefined,
      headers,
    );
    items.push(...page.body.data.items);
    cursor = page.body.data.next_cursor;
  } while (cursor);
  return items;
}
