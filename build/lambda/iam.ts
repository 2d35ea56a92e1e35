/**
 * IAM for the harness: each sandbox signs its AWS requests with credentials of its own, and
 * a proxy in front of the embedded DynamoDB and SQS servers lets a request through only when
 * the function's policy (what infra/ grants its role) allows the action on the resource.
 * A function that needs a permission infra/ forgot fails here as it would on AWS, with an
 * AccessDeniedException; every decision is recorded, so tests can also show what was used.
 *
 * Evaluation follows IAM's rules for identity policies: an explicit Deny wins, else an Allow
 * whose action and resource patterns match (`*` and `?` wildcards; actions ignore case),
 * else denied. Which actions and resources a request needs follows the service
 * authorization references: one action per operation, the table (or `table/<t>/index/<i>`)
 * for DynamoDB, the queue for SQS, and for batch and transaction calls every table named.
 */
import type { IncomingMessage } from "node:http";
import { startForwardingProxy } from "../../local/awsGuard.js";

export interface Statement {
  effect?: "allow" | "deny";
  actions: string[];
  resources: string[];
}

export interface Decision {
  principal: string;
  action: string;
  resource: string;
  allowed: boolean;
}

function wildcard(pattern: string, flags = ""): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replaceAll("*", ".*")
    .replaceAll("?", ".");
  return new RegExp(`^${escaped}$`, flags);
}

export function allows(statements: Statement[], action: string, resource: string): boolean {
  const matches = (s: Statement) =>
    s.actions.some((a) => wildcard(a, "i").test(action)) && s.resources.some((r) => wildcard(r).test(resource));
  if (statements.some((s) => s.effect === "deny" && matches(s))) return false;
  return statements.some((s) => s.effect !== "deny" && matches(s));
}

/** The (action, resource) pairs one request needs. */
export type RequestReader = (
  target: string,
  body: Record<string, unknown>,
) => Array<{ action: string; resource: string }>;

export function dynamoRequirements(region: string, account: string): RequestReader {
  const table = (name: unknown, index?: unknown) =>
    `arn:aws:dynamodb:${region}:${account}:table/${String(name)}${index ? `/index/${String(index)}` : ""}`;
  return (target, body) => {
    const operation = target.split(".").pop() ?? target;
    const each = (items: unknown, pick: (item: Record<string, Record<string, unknown>>) => Array<[string, unknown]>) =>
      (Array.isArray(items) ? items : []).flatMap((item) =>
        pick(item).map(([op, name]) => ({ action: `dynamodb:${op}`, resource: table(name) })),
      );
    switch (operation) {
      case "BatchWriteItem":
      case "BatchGetItem":
        return Object.keys((body.RequestItems as object) ?? {}).map((name) => ({
          action: `dynamodb:${operation}`,
          resource: table(name),
        }));
      case "TransactWriteItems":
        return each(body.TransactItems, (item) =>
          Object.entries(item).map(([kind, op]) => [
            { Put: "PutItem", Update: "UpdateItem", Delete: "DeleteItem", ConditionCheck: "ConditionCheckItem" }[
              kind
            ] ?? kind,
            op.TableName,
          ]),
        );
      case "TransactGetItems":
        return each(body.TransactItems, (item) => [["GetItem", item.Get?.TableName]]);
      case "ListTables":
        return [{ action: "dynamodb:ListTables", resource: "*" }];
      default:
        return [{ action: `dynamodb:${operation}`, resource: table(body.TableName, body.IndexName) }];
    }
  };
}

export function sqsRequirements(region: string, account: string): RequestReader {
  return (target, body) => {
    const operation = target.split(".").pop() ?? target;
    // A queue URL is https://<host>/<account>/<name>; its ARN names the same account.
    const path = typeof body.QueueUrl === "string" ? new URL(body.QueueUrl).pathname.split("/").filter(Boolean) : [];
    const name = path.at(-1) ?? (typeof body.QueueName === "string" ? body.QueueName : undefined);
    return [
      { action: `sqs:${operation}`, resource: name ? `arn:aws:sqs:${region}:${path.at(-2) ?? account}:${name}` : "*" },
    ];
  };
}

/** The access key a SigV4 request was signed with. */
function accessKeyOf(req: IncomingMessage): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ""))?.[1];
}

export interface IamProxyOptions {
  upstream: string;
  /** DynamoDB's or SQS's request reader. */
  requirements: RequestReader;
  /** The policy of the principal an access key belongs to; `"admin"` lets everything through (the harness itself). */
  policyOf: (accessKeyId: string) => { principal: string; statements: Statement[] } | "admin" | undefined;
  onDecision?: (decision: Decision) => void;
}

export interface IamProxy {
  endpoint: string;
  close(): Promise<void>;
}

/** A proxy (local/awsGuard.ts's forwarding proxy) that lets a request through only when the signer's policy allows it. */
export function startIamProxy(options: IamProxyOptions): Promise<IamProxy> {
  return startForwardingProxy({
    upstream: options.upstream,
    port: 0,
    what: "IAM proxy",
    check: async (req, raw) => {
      const policy = options.policyOf(accessKeyOf(req) ?? "");
      if (policy === "admin") return undefined;
      const { target, body } = readRequest(req, raw);
      const principal = policy?.principal ?? `unknown key ${accessKeyOf(req) ?? "(unsigned)"}`;
      for (const { action, resource } of options.requirements(target, body)) {
        const allowed = policy !== undefined && allows(policy.statements, action, resource);
        options.onDecision?.({ principal, action, resource, allowed });
        if (!allowed)
          return denial(principal, action, resource, String(req.headers["x-amz-target"] ?? "").startsWith("AmazonSQS"));
      }
      return undefined;
    },
  });
}

/** The operation and its parameters: JSON protocols (X-Amz-Target) or SQS's query protocol (Action=…). */
function readRequest(req: IncomingMessage, raw: Buffer): { target: string; body: Record<string, unknown> } {
  const target = req.headers["x-amz-target"];
  if (typeof target === "string") {
    try {
      return { target, body: raw.length === 0 ? {} : (JSON.parse(raw.toString("utf8")) as Record<string, unknown>) };
    } catch {
      return { target, body: {} };
    }
  }
  const form = new URLSearchParams(raw.toString("utf8"));
  const body: Record<string, unknown> = Object.fromEntries(form);
  return { target: String(form.get("Action") ?? "Unknown"), body };
}

/** IAM's refusal, as DynamoDB and SQS (JSON protocol) answer it. */
function denial(principal: string, action: string, resource: string, sqs: boolean) {
  const message = `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
  return {
    status: 400,
    headers: (sqs ? { "x-amzn-query-error": "AccessDenied;Sender" } : {}) as Record<string, string>,
    body: JSON.stringify({ __type: "com.amazon.coral.service#AccessDeniedException", message, Message: message }),
  };
}
