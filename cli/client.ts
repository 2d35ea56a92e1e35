/**
 * The API over HTTP, as any client sees it: envelopes unwrapped, every failure turned into
 * an {@link ApiError} or {@link NetworkError} with a one-line message. Nothing here knows the
 * API's internals, so the CLI works against the deployed API as well as the local stack.
 */
import { ApiError, NetworkError, UsageError } from "./errors.js";

export interface ApiClientOptions {
  /** e.g. http://127.0.0.1:8888 or https://abc.execute-api.eu-west-1.amazonaws.com */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>` when set. */
  apiKey?: string | undefined;
  /** How long one request may take before it counts as a network error. @default 30_000 */
  requestTimeoutMs?: number;
}

export type Query = Record<string, string | number | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  /** Aborts the request (Ctrl+C while watching); the caller sees an AbortError. */
  signal?: AbortSignal;
}

export interface Answer<T> {
  status: number;
  message: string;
  data: T;
}

interface Envelope {
  code: number;
  message: string;
  data: unknown;
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly apiKey: string | undefined;
  private readonly requestTimeoutMs: number;

  constructor(options: ApiClientOptions) {
    this.baseUrl = checkedBaseUrl(options.baseUrl);
    this.apiKey = options.apiKey === "" ? undefined : options.apiKey;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** A JSON route: resolves with the envelope's data, throws on any non-2xx answer. */
  async call<T>(method: string, path: string, options: RequestOptions = {}): Promise<Answer<T>> {
    const { response, settled } = await this.send(method, path, options);
    const text = await this.readText(response).finally(settled);
    const envelope = parseEnvelope(text);
    if (!response.ok) throw new ApiError(errorMessage(envelope, text, response.status), response.status);
    if (envelope === undefined)
      throw new ApiError(
        `the answer from ${this.baseUrl} is not the API's JSON envelope: ${excerpt(text)}`,
        response.status,
      );
    return { status: response.status, message: envelope.message, data: envelope.data as T };
  }

  /** A route whose body is read as a stream (result exports); throws on any non-2xx answer. */
  async stream(path: string, query: Query): Promise<Response> {
    const { response, settled } = await this.send("GET", path, { query });
    // A streamed export may take long as a whole: only waiting for its headers is bounded.
    settled();
    if (!response.ok) {
      const text = await this.readText(response);
      throw new ApiError(errorMessage(parseEnvelope(text), text, response.status), response.status);
    }
    return response;
  }

  /** `settled` ends the request's time limit; call it once the body was read (or handed to a stream). */
  private async send(
    method: string,
    path: string,
    options: RequestOptions,
  ): Promise<{ response: Response; settled: () => void }> {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (this.apiKey !== undefined) headers.authorization = `Bearer ${this.apiKey}`;
    // Every POST says JSON, even without a body: the API refuses others (a page on another origin could send them).
    if (options.body !== undefined || method === "POST") headers["content-type"] = "application/json";
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new RequestTimeout()), this.requestTimeoutMs);
    try {
      const response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? null : JSON.stringify(options.body),
        signal: options.signal === undefined ? controller.signal : AbortSignal.any([controller.signal, options.signal]),
      });
      return { response, settled: () => clearTimeout(timer) };
    } catch (error) {
      clearTimeout(timer);
      if (options.signal?.aborted) throw error;
      throw this.networkError(error);
    }
  }

  private async readText(response: Response): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      throw this.networkError(error);
    }
  }

  private networkError(error: unknown): NetworkError {
    if (error instanceof RequestTimeout || (error instanceof Error && error.name === "TimeoutError")) {
      return new NetworkError(
        `the API at ${this.baseUrl} did not answer within ${Math.round(this.requestTimeoutMs / 1000)} s`,
      );
    }
    return new NetworkError(`cannot reach the API at ${this.baseUrl}: ${causeOf(error)}`, { cause: error });
  }
}

class RequestTimeout extends Error {
  constructor() {
    super("request timed out");
    this.name = "RequestTimeout";
  }
}

function checkedBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `--api-url: must be an http or https URL like http://127.0.0.1:8888 (got ${JSON.stringify(value)})`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(
      `--api-url: must be an http or https URL like http://127.0.0.1:8888 (got ${JSON.stringify(value)})`,
    );
  }
  // A stage path (https://host/prod) is kept: routes are appended to it.
  return url.toString().replace(/\/+$/, "");
}

/** fetch reports "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …) is in its cause. */
function causeOf(error: unknown): string {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 4 && current instanceof Error && current.cause !== undefined; depth++) {
    current = current.cause;
    if (current instanceof Error && current.message) message = current.message;
    else if (current && typeof current === "object" && "code" in current)
      message = String((current as { code: unknown }).code);
  }
  return oneLine(message);
}

function parseEnvelope(text: string): Envelope | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (
      value !== null &&
      typeof value === "object" &&
      typeof (value as Envelope).message === "string" &&
      "code" in value
    )
      return value as Envelope;
  } catch {
    // not JSON: the caller describes it
  }
  return undefined;
}

function errorMessage(envelope: Envelope | undefined, text: string, status: number): string {
  if (envelope === undefined)
    return text.trim() === "" ? "the API answered with an empty error" : `the API answered: ${excerpt(text)}`;
  const message = oneLine(envelope.message);
  // The key is the one thing a caller can fix without reading the docs.
  return status === 401 ? `${message} — pass --api-key or set API_KEY` : message;
}

const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, " ").trim();

function excerpt(text: string): string {
  const line = oneLine(text);
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
