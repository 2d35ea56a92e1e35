/**
 * The API as the dashboard sees it. Served by the one-machine stack, the API is on the same
 * origin; built for the SST static site, VITE_API_URL names it (CORS allows the call).
 */
import type { Account, LoginSession } from "../../core/accounts/model.js";
import type { PublicTask as Task } from "../../core/tasks/model.js";
import type { TaskStatus } from "../../core/tasks/status.js";

export type { Account, LoginSession, Task, TaskStatus };

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export type ResultRow = Record<string, unknown> & { task_id: string; item_key: string; ok: boolean };

/** One of MediaCrawler's files instead of our items (docs/exports.md, MediaCrawler layout); {} for ours. */
export type MediaCrawlerQuery = { layout?: "mediacrawler"; item_type?: "contents" | "comments" | "creators" };

interface Envelope<T> {
  code: number;
  message: string;
  data: T;
}

const API_KEY_STORAGE = "crawl-dashboard.api-key";

/** VITE_API_URL without its trailing slash; "" means same origin. */
export const apiBase = (import.meta.env.VITE_API_URL ?? "").replace(/\/+$/, "");

export function getApiKey(): string {
  return localStorage.getItem(API_KEY_STORAGE) ?? "";
}

export function setApiKey(key: string): void {
  if (key === "") localStorage.removeItem(API_KEY_STORAGE);
  else localStorage.setItem(API_KEY_STORAGE, key);
}

/** One refused field, as a 400's `data.errors` lists it. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** A refused or failed request; `message` is the API's own (it names the field for a 400). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Every refused field of a 400 (`data.errors`); [] otherwise. */
    readonly problems: readonly FieldProblem[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** `data.errors` of an error envelope, kept only where each entry is a {field, message}. */
function problemsOf(data: unknown): FieldProblem[] {
  if (typeof data !== "object" || data === null || !("errors" in data) || !Array.isArray(data.errors)) return [];
  return data.errors.filter(
    (entry): entry is FieldProblem =>
      typeof entry === "object" &&
      entry !== null &&
      typeof (entry as FieldProblem).field === "string" &&
      typeof (entry as FieldProblem).message === "string",
  );
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = getApiKey();
  return key === "" ? extra : { "x-api-key": key, ...extra };
}

/** Turns a non-2xx answer into an ApiError carrying the envelope's message. */
async function refusal(response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`.trim();
  let problems: FieldProblem[] = [];
  try {
    const body = (await response.json()) as Partial<Envelope<unknown>>;
    if (typeof body.message === "string" && body.message !== "") message = body.message;
    problems = problemsOf(body.data);
  } catch {
    // Not an envelope (a proxy's error page): the status line is all there is.
  }
  if (response.status === 401 || response.status === 403) message += " — set the API key (top right)";
  return new ApiError(response.status, message, problems);
}

/** A raw response (results pages as CSV/JSON Lines); throws ApiError unless 2xx. */
export async function fetchRaw(path: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${apiBase}${path}`, {
      ...init,
      headers: headers(init.headers as Record<string, string> | undefined),
    });
  } catch (error) {
    throw new ApiError(0, `the API did not answer (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!response.ok) throw await refusal(response);
  return response;
}

/** One JSON call; resolves to the envelope's `data`. */
export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method };
  // Every POST says JSON, even without a body (cancel, retry): the API refuses others.
  if (body !== undefined || method === "POST") init.headers = { "content-type": "application/json" };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetchRaw(path, init);
  return ((await response.json()) as Envelope<T>).data;
}

const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== "") search.set(name, String(value));
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
};

const taskPath = (id: string) => `/api/v1/tasks/${encodeURIComponent(id)}`;

export const tasksApi = {
  list: (params: { status?: TaskStatus | ""; limit?: number; cursor?: string }) =>
    call<Page<Task>>("GET", `/api/v1/tasks${query(params)}`),
  get: (id: string) => call<Task>("GET", taskPath(id)),
  create: (body: Record<string, unknown>) => call<Task>("POST", "/api/v1/tasks", body),
  cancel: (id: string) => call<Task>("POST", `${taskPath(id)}/cancel`),
  retry: (id: string) => call<Task>("POST", `${taskPath(id)}/retry`),
  results: (id: string, params: { limit?: number; cursor?: string } & MediaCrawlerQuery) =>
    call<Page<ResultRow>>("GET", `${taskPath(id)}/results${query(params)}`),
  /** One page of results as the API formats a file (csv/jsonl); see download.ts. */
  resultsFile: (
    id: string,
    params: { format: "csv" | "jsonl"; limit: number; cursor?: string; bom?: 1 } & MediaCrawlerQuery,
  ) => fetchRaw(`${taskPath(id)}/results${query(params)}`),
};

export const accountsApi = {
  list: () => call<{ items: Account[] }>("GET", "/api/v1/accounts"),
  create: (body: { platform: string; cookies: string; note?: string }) =>
    call<Account>("POST", "/api/v1/accounts", body),
  remove: (id: string) => call<Account>("DELETE", `/api/v1/accounts/${encodeURIComponent(id)}`),
  activate: (id: string) => call<Account>("POST", `/api/v1/accounts/${encodeURIComponent(id)}/activate`, {}),
  /** Sign in by QR code; with `account_id`, an expired account signs in again. */
  login: (body: { platform: string; account_id?: string }) =>
    call<LoginSession>("POST", "/api/v1/accounts/login", body),
  loginSession: (id: string) => call<LoginSession>("GET", `/api/v1/accounts/login/${encodeURIComponent(id)}`),
};

/** A schedule as GET /api/v1/schedules/{id} answers it (core/schedules/model.ts). */
export type { PublicSchedule as Schedule } from "../../core/schedules/model.js";
import type { PublicSchedule } from "../../core/schedules/model.js";

const schedulePath = (id: string) => `/api/v1/schedules/${encodeURIComponent(id)}`;

export const schedulesApi = {
  list: (params: { limit?: number; cursor?: string }) =>
    call<Page<PublicSchedule>>("GET", `/api/v1/schedules${query(params)}`),
  create: (body: Record<string, unknown>) => call<PublicSchedule>("POST", "/api/v1/schedules", body),
  pause: (id: string) => call<PublicSchedule>("POST", `${schedulePath(id)}/pause`),
  resume: (id: string) => call<PublicSchedule>("POST", `${schedulePath(id)}/resume`),
  remove: (id: string) => call<{ schedule_id: string }>("DELETE", schedulePath(id)),
};
