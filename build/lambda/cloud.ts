/**
 * The stack infra/ declares, stood up on this machine for the artifacts to run against:
 * the embedded DynamoDB and SQS servers, each Dynamo table and Queue created with the
 * keys, indexes, timeouts and redrive policies infra/ gives them, an IAM proxy in front of
 * both enforcing each function's role (build/lambda/iam.ts), each function's environment
 * resolved from infra/ (resource names, URLs and secrets), and the event sources that
 * invoke the functions: SQS polling per subscription, EventBridge Scheduler's event for a
 * cron, API Gateway's payload for the API.
 */
import { appendFileSync } from "node:fs";
import {
  CreateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type GlobalSecondaryIndex,
} from "@aws-sdk/client-dynamodb";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { AwsClients } from "../../core/aws/clients.js";
import { toSqsRecord } from "../../local/lambda.js";
import { startDynamoServer, startSqsServer, type RunningServer } from "../../local/servers.js";
import { ensureArtifacts, type Artifact } from "../artifacts.js";
import {
  evaluateInfra,
  ofType,
  placeholdersIn,
  seconds,
  stackFunctions,
  type Args,
  type Component,
  type SecretValue,
  type Stack,
  type StackFunction,
} from "../infraModel.js";
import {
  dynamoRequirements,
  sqsRequirements,
  startIamProxy,
  type Decision,
  type IamProxy,
  type Statement,
} from "./iam.js";
import { LambdaSandbox, type Invocation, type InvokeOptions } from "./sandbox.js";

export const REGION = "us-east-1";
export const ACCOUNT = "000000000000";

export interface LocalCloudOptions {
  /** What each sst.Secret holds; a required secret (no placeholder) left out fails the "deploy". */
  secrets: Record<string, string>;
  /**
   * Variables added to every function's environment after infra's, for what this machine
   * needs and Lambda does not: ALLOW_PRIVATE_TARGETS so crawls and webhooks may reach the
   * test's own servers on 127.0.0.1. Keep it to that.
   */
  extraEnvironment?: Record<string, string>;
  /** Enforce each function's IAM policy (default) or only record what it uses. */
  iam?: "enforce" | "audit";
  /** Every line each function logs. */
  onLog?: (functionId: string, line: string) => void;
}

/** One deployed function: its artifact, its sandbox and how to invoke it. */
export interface DeployedFunction {
  fn: StackFunction;
  artifact: Artifact;
  sandbox: LambdaSandbox;
  environment: Record<string, string>;
  statements: Statement[];
  invoke<T = unknown>(event: unknown, options?: InvokeOptions): Promise<Invocation<T>>;
}

export class LocalCloud {
  readonly decisions: Decision[] = [];
  private readonly tables = new Map<string, string>();
  private readonly queues = new Map<string, { url: string; arn: string }>();
  private readonly functions = new Map<string, DeployedFunction>();
  private dynamoProxy!: IamProxy;
  private sqsProxy!: IamProxy;
  /** Clients that go around IAM, for setting up and inspecting. */
  admin!: AwsClients;

  private constructor(
    readonly stack: Stack,
    private readonly options: LocalCloudOptions,
    private readonly servers: { dynamo: RunningServer; sqs: RunningServer },
  ) {}

  /** Builds what is stale, starts the servers and creates every table and queue infra/ declares. */
  static async start(options: LocalCloudOptions): Promise<LocalCloud> {
    const stack = await evaluateInfra();
    const [dynamo, sqs] = await Promise.all([startDynamoServer(), startSqsServer()]);
    const cloud = new LocalCloud(stack, options, { dynamo, sqs });
    await cloud.provision();
    return cloud;
  }

  private async provision(): Promise<void> {
    const policyOf = (key: string) => {
      const deployed = this.functions.get(key);
      return deployed
        ? {
            principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${deployed.fn.id}Role/${deployed.fn.id}`,
            statements: deployed.statements,
          }
        : undefined;
    };
    const onDecision = (decision: Decision) => this.decisions.push(decision);
    const enforce = this.options.iam !== "audit";
    [this.dynamoProxy, this.sqsProxy] = await Promise.all([
      startIamProxy({
        upstream: this.servers.dynamo.endpoint,
        requirements: dynamoRequirements(REGION, ACCOUNT),
        policyOf: enforce ? policyOf : () => "admin",
        onDecision,
      }),
      startIamProxy({
        upstream: this.servers.sqs.endpoint,
        requirements: sqsRequirements(REGION, ACCOUNT),
        policyOf: enforce ? policyOf : () => "admin",
        onDecision,
      }),
    ]);
    this.admin = adminClients(this.servers.dynamo.endpoint, this.servers.sqs.endpoint);
    for (const table of ofType(this.stack, "Dynamo")) await this.createTable(table);
    // Dead-letter queues first: a queue's redrive policy names its DLQ's ARN.
    const queues = ofType(this.stack, "Queue").sort(
      (a, b) => Number(Boolean(a.args.dlq)) - Number(Boolean(b.args.dlq)),
    );
    for (const queue of queues) await this.createQueue(queue);
  }

  /** `crawl-tasks-test-Tasks`: SST adds a random suffix; names here only need to be distinct. */
  private physicalName(component: Component): string {
    return `crawl-tasks-test-${component.name}`;
  }

  private async createTable(table: Component): Promise<void> {
    const args = table.args;
    const type = { string: "S", number: "N", binary: "B" } as const;
    const keySchema = (index: Args) => [
      { AttributeName: index.hashKey, KeyType: "HASH" as const },
      ...(index.rangeKey ? [{ AttributeName: index.rangeKey, KeyType: "RANGE" as const }] : []),
    ];
    // dynamo.ts: projection "all" (default), "keys-only", or a list of attributes (INCLUDE).
    const projection = (value: unknown) =>
      Array.isArray(value)
        ? { ProjectionType: "INCLUDE" as const, NonKeyAttributes: value as string[] }
        : { ProjectionType: value === "keys-only" ? ("KEYS_ONLY" as const) : ("ALL" as const) };
    const indexes: GlobalSecondaryIndex[] = Object.entries((args.globalIndexes ?? {}) as Record<string, Args>).map(
      ([name, index]) => ({
        IndexName: name,
        KeySchema: keySchema(index),
        Projection: projection(index.projection),
      }),
    );
    const name = this.physicalName(table);
    await this.admin.dynamo.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: Object.entries((args.fields ?? {}) as Record<string, keyof typeof type>).map(
          ([attribute, kind]): AttributeDefinition => ({ AttributeName: attribute, AttributeType: type[kind] }),
        ),
        KeySchema: keySchema(args.primaryIndex),
        ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
      }),
    );
    if (args.ttl) {
      // dynalite does not expire items; the setting is kept for fidelity.
      await this.admin.dynamo
        .send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: { AttributeName: args.ttl, Enabled: true },
          }),
        )
        .catch(() => undefined);
    }
    this.tables.set(table.name, name);
  }

  private async createQueue(queue: Component): Promise<void> {
    const args = queue.args;
    const attributes: Record<string, string> = {
      VisibilityTimeout: String(args.visibilityTimeout ? seconds(args.visibilityTimeout) : 30),
    };
    const transformed: Args = {};
    args.transform?.queue?.(transformed, {}, "");
    if (transformed.messageRetentionSeconds)
      attributes.MessageRetentionPeriod = String(transformed.messageRetentionSeconds);
    if (args.dlq) {
      // queue.ts: `dlq` is an ARN or { queue, retry } (retry default 3).
      const dlq = typeof args.dlq === "string" ? { queue: args.dlq, retry: 3 } : args.dlq;
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: this.resolve(dlq.queue),
        maxReceiveCount: dlq.retry ?? 3,
      });
    }
    const created = await this.admin.sqs.send(
      new CreateQueueCommand({ QueueName: this.physicalName(queue), Attributes: attributes }),
    );
    const arn = (
      await this.admin.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl!, AttributeNames: ["QueueArn"] }),
      )
    ).Attributes!.QueueArn!;
    this.queues.set(queue.name, { url: created.QueueUrl!, arn });
  }

  /** A placeholder such as `<Dynamo:Tasks.name>` or `<Queue:TaskQueue.url>`, or a string holding some, with this cloud's values. */
  resolve(value: string): string {
    let out = value;
    for (const p of placeholdersIn(value)) out = out.replace(p.text, this.placeholderValue(p.type, p.name, p.prop));
    return out;
  }

  private placeholderValue(type: string, name: string, prop: string): string {
    if (type === "Dynamo") {
      const table = this.tables.get(name);
      if (table === undefined) throw new Error(`no table ${name}`);
      if (prop === "name") return table;
      if (prop === "arn") return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}`;
    }
    if (type === "Queue") {
      const queue = this.queues.get(name);
      if (queue === undefined) throw new Error(`no queue ${name}`);
      // The SQS client sends each request to the host of the QueueUrl it names (the SDK's
      // useQueueUrlAsEndpoint), so the functions get URLs on the IAM proxy.
      if (prop === "url") return `${this.sqsProxy.endpoint}${new URL(queue.url).pathname}`;
      if (prop === "arn") return queue.arn;
    }
    if (type === "Secret" && prop === "value") return this.secret(name);
    // What the schedules' infra names (infra/schedules.ts): no calls reach them here, only their names.
    if (type === "Function" && prop === "arn") return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
    if (type === "aws_iam_Role" && prop === "arn") return `arn:aws:iam::${ACCOUNT}:role/${name}`;
    if (type === "aws_scheduler_ScheduleGroup" && prop === "name") {
      const group = this.stack.components.find((c) => c.type === type && c.name === name);
      if (group !== undefined) return String(group.args.name ?? name);
    }
    // Buckets get a name and an ARN only: the harness serves no S3 API and its IAM proxy
    // covers DynamoDB and SQS, so no artifact test makes an S3 call (download_media is
    // tested against s3rver in tests/integration/media-files.test.ts).
    if (type === "Bucket") {
      const bucket = `crawl-tasks-test-${name.toLowerCase()}`;
      if (prop === "name") return bucket;
      if (prop === "arn") return `arn:aws:s3:::${bucket}`;
    }
    throw new Error(`cannot resolve <${type}:${name}.${prop}>`);
  }

  /** What `sst secret set` gave a secret, else its placeholder; a required secret left unset fails like `sst deploy` does. */
  secret(name: string): string {
    const value = this.options.secrets[name];
    if (value !== undefined) return value;
    const declared = ofType(this.stack, "Secret").find((s) => s.name === name);
    if (declared?.args.placeholder !== undefined) return String(declared.args.placeholder);
    throw new Error(`secret ${name} is not set: sst deploy would stop here (set it with \`sst secret set ${name} …\`)`);
  }

  /** A function's environment as Lambda would hold it, and what SST adds (function.ts normalizeEnvironment). */
  environmentOf(fn: StackFunction, artifact: Artifact): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, raw] of Object.entries((fn.args.environment ?? {}) as Record<string, unknown>)) {
      if (raw === undefined) continue;
      if (typeof raw === "string") env[key] = this.resolve(raw);
      else if (typeof raw === "object" && raw !== null && "from" in raw) {
        const secret = raw as SecretValue;
        const name = placeholdersIn(secret.from)[0]?.name ?? "";
        env[key] = String(secret.compute ? secret.compute(this.secret(name)) : this.resolve(secret.from));
      } else env[key] = String(raw);
    }
    return {
      ...env,
      SST_RESOURCE_App: JSON.stringify({ name: "crawl-tasks", stage: "test" }),
      SST_KEY: artifact.sstKey,
      SST_KEY_FILE: "resource.enc",
      // How the AWS SDK finds the embedded servers (through the IAM proxy).
      AWS_ENDPOINT_URL_DYNAMODB: this.dynamoProxy.endpoint,
      AWS_ENDPOINT_URL_SQS: this.sqsProxy.endpoint,
      ...this.options.extraEnvironment,
    };
  }

  /**
   * The function's role: SST's `link` grants (dynamodb:* on a table and its indexes, sqs:*
   * on a queue; dynamo.ts / queue.ts getSSTLink) and its `permissions`, resolved. The event
   * source's own grants (receive/delete on the subscribed queue) are left out: the harness
   * polls for it, as Lambda's poller does with them.
   */
  statementsOf(fn: StackFunction): Statement[] {
    const statements: Statement[] = [];
    for (const link of (fn.args.link ?? []) as Array<{ component?: Component }>) {
      const c = link.component;
      if (c?.type === "Dynamo")
        statements.push({
          actions: ["dynamodb:*"],
          resources: [this.resolve(c.out.arn), `${this.resolve(c.out.arn)}/*`],
        });
      if (c?.type === "Queue") statements.push({ actions: ["sqs:*"], resources: [this.resolve(c.out.arn)] });
    }
    for (const permission of (fn.args.permissions ?? []) as Array<{
      effect?: string;
      actions: string[];
      resources: string[];
    }>) {
      statements.push({
        ...(permission.effect === "deny" ? { effect: "deny" as const } : {}),
        actions: permission.actions,
        resources: permission.resources.map((r) => this.resolve(String(r))),
      });
    }
    return statements;
  }

  /** The function deployed from its current artifact (built now when stale), in a sandbox of its own. */
  async deploy(match: (fn: StackFunction) => boolean): Promise<DeployedFunction> {
    const fn = stackFunctions(this.stack).find(match);
    if (fn === undefined) throw new Error("no such function in infra/");
    const existing = this.functions.get(fn.id);
    if (existing) return existing;
    const manifest = await ensureArtifacts({ stack: this.stack });
    const artifact = manifest.artifacts.find((a) => a.id === fn.id);
    if (artifact === undefined) throw new Error(`no artifact for ${fn.id}`);
    const environment = this.environmentOf(fn, artifact);
    const sandbox = await LambdaSandbox.create({
      zip: artifact.zip,
      handler: artifact.handler,
      functionName: fn.id,
      memoryMb: artifact.memoryMb,
      timeoutSeconds: artifact.timeoutSeconds,
      environment,
      region: REGION,
      // The access key names the function, so the IAM proxy knows whose policy applies.
      credentials: { accessKeyId: fn.id, secretAccessKey: "harness", sessionToken: "harness" },
      ...(this.options.onLog ? { onLog: (line: string) => this.options.onLog?.(fn.id, line) } : {}),
    });
    const deployed: DeployedFunction = {
      fn,
      artifact,
      sandbox,
      environment,
      statements: this.statementsOf(fn),
      invoke: (event, options) => sandbox.invoke(event, options),
    };
    this.functions.set(fn.id, deployed);
    return deployed;
  }

  /** Ends a function's sandbox; the next deploy of it starts a new one (empty /tmp, cold). */
  async undeploy(deployed: DeployedFunction): Promise<void> {
    this.functions.delete(deployed.fn.id);
    await deployed.sandbox.close();
  }

  /** The function whose handler is `functions/<folder>/…`. */
  byHandler(folder: string): (fn: StackFunction) => boolean {
    return (fn) => String(fn.args.handler).startsWith(`functions/${folder}/`);
  }

  queueUrl(name: string): string {
    const queue = this.queues.get(name);
    if (queue === undefined) throw new Error(`no queue ${name}`);
    return queue.url;
  }

  tableName(name: string): string {
    const table = this.tables.get(name);
    if (table === undefined) throw new Error(`no table ${name}`);
    return table;
  }

  /**
   * One poll of a function's event source mapping, as Lambda's SQS poller does it: receive up
   * to the batch size, invoke with the SQS event, then delete what succeeded: every record
   * on success, all but the reported `batchItemFailures` with partial responses on, none when
   * the invocation fails. Returns undefined when the queue had nothing.
   */
  async pollQueue(
    deployed: DeployedFunction,
    options: InvokeOptions & { waitSeconds?: number } = {},
  ): Promise<{ event: SQSEvent; invocation: Invocation<SQSBatchResponse>; deleted: string[] } | undefined> {
    const trigger = deployed.fn.trigger;
    if (trigger.kind !== "queue") throw new Error(`${deployed.fn.id} is not subscribed to a queue`);
    const queue = this.queues.get(trigger.queue.name)!;
    const received = await this.admin.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: Math.min(10, trigger.batch.size),
        WaitTimeSeconds: options.waitSeconds ?? 1,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return undefined;
    const event: SQSEvent = { Records: messages.map((m) => toSqsRecord(m, queue.arn, REGION)) };
    const invocation = await deployed.invoke<SQSBatchResponse>(event, options);
    const failed = new Set(
      invocation.error
        ? event.Records.map((r) => r.messageId)
        : trigger.batch.partialResponses
          ? (invocation.result?.batchItemFailures ?? []).map((f) => f.itemIdentifier)
          : [],
    );
    const done = event.Records.filter((r) => !failed.has(r.messageId));
    if (done.length > 0) {
      await this.admin.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      );
    }
    return { event, invocation, deleted: done.map((r) => r.messageId) };
  }

  /** The denied requests, for a message naming each. */
  denied(): Decision[] {
    return this.decisions.filter((d) => !d.allowed);
  }

  /** What each function asked of DynamoDB and SQS, once per (action, resource), with IAM's answer. */
  usage(): Array<{ principal: string; action: string; resource: string; allowed: boolean }> {
    const seen = new Map<string, Decision>();
    for (const d of this.decisions) seen.set(`${d.principal} ${d.action} ${d.resource} ${d.allowed}`, d);
    return [...seen.values()].sort((a, b) =>
      `${a.principal}${a.action}${a.resource}`.localeCompare(`${b.principal}${b.action}${b.resource}`),
    );
  }

  async close(): Promise<void> {
    // IAM_USAGE_REPORT=<file>: append what each function used, to review a role against it. A switch of
    // this build-time checker, not runtime configuration, so it is read here and not in core/config.ts.
    if (process.env.IAM_USAGE_REPORT)
      appendFileSync(
        process.env.IAM_USAGE_REPORT,
        `${this.usage()
          .map((u) => JSON.stringify(u))
          .join("\n")}\n`,
      );
    await Promise.all([...this.functions.values()].map((f) => f.sandbox.close()));
    this.admin?.dynamo.destroy();
    this.admin?.sqs.destroy();
    await Promise.all([this.dynamoProxy?.close(), this.sqsProxy?.close()]);
    await Promise.all([this.servers.dynamo.close(), this.servers.sqs.close()]);
  }
}

/** Clients straight to the servers (no IAM proxy), whatever the test process's environment says. */
function adminClients(dynamoEndpoint: string, sqsEndpoint: string): AwsClients {
  const common = {
    region: REGION,
    credentials: { accessKeyId: "harness", secretAccessKey: "harness" },
    maxAttempts: 2,
  };
  const dynamo = new DynamoDBClient({ ...common, endpoint: dynamoEndpoint });
  const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  return { dynamo, doc, sqs: new SQSClient({ ...common, endpoint: sqsEndpoint }) };
}
