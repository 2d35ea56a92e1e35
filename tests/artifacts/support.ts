/**
 * What the artifact tests share: the secrets set on the "deployed" stack, a LocalCloud with
 * the five functions' artifacts (built as SST builds them when stale), and a caller for the
 * API function that speaks API Gateway's HTTP API payload 2.0.
 */
import { randomBytes } from "node:crypto";
import type { APIGatewayProxyResultV2 } from "aws-lambda";
import { LocalCloud, type DeployedFunction } from "../../build/lambda/cloud.js";
import { httpEvent } from "../support/events.js";

export const API_KEY = "artifact-test-key-0123456789";
export const WEBHOOK_SECRET = "artifact-webhook-secret-0123456789";

/** What `sst secret set` would hold for each secret infra/ declares. */
export const SECRETS = {
  ApiKey: API_KEY,
  AccountsEncryptionKey: randomBytes(32).toString("base64"),
  CreatorHashSecret: "artifact-creator-hash-secret-0123456789",
  WebhookSecret: WEBHOOK_SECRET,
};

/**
 * Starts the stack. Crawls and webhooks in these tests reach servers on 127.0.0.1, which the
 * egress policy refuses on AWS: ALLOW_PRIVATE_TARGETS is the one variable added to what
 * infra/ gives the functions.
 */
export function startCloud(onLog?: (fn: string, line: string) => void): Promise<LocalCloud> {
  return LocalCloud.start({
    secrets: SECRETS,
    extraEnvironment: { ALLOW_PRIVATE_TARGETS: "1" },
    ...(process.env.ARTIFACT_LOGS ? { onLog: (fn, line) => console.log(`[${fn}] ${line}`) } : onLog ? { onLog } : {}),
  });
}

export interface ApiAnswer {
  status: number;
  body: { code: number; message: string; data: any };
  headers: Record<string, string>;
  coldStart: boolean;
}

/** Invokes the API function as API Gateway would for `method path`. */
export async function callApi(
  api: DeployedFunction,
  method: string,
  path: string,
  options: Parameters<typeof httpEvent>[2] & { key?: string | false } = {},
): Promise<ApiAnswer> {
  const headers = { ...(options.key === false ? {} : { "x-api-key": options.key ?? API_KEY }), ...options.headers };
  const invocation = await api.invoke<
    APIGatewayProxyResultV2 & { statusCode: number; body?: string; headers?: Record<string, string> }
  >(httpEvent(method, path, { ...options, headers }));
  if (invocation.error)
    throw new Error(
      `API function failed: ${invocation.error.errorType}: ${invocation.error.errorMessage}\n${invocation.logs.join("\n")}`,
    );
  const result = invocation.result!;
  return {
    status: result.statusCode,
    body: JSON.parse(result.body ?? "null"),
    headers: result.headers ?? {},
    coldStart: invocation.coldStart,
  };
}
