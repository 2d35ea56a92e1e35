/**
 * sst.config.ts and infra/*.ts evaluated offline: a stand-in for SST's globals records
 * every component, its arguments and its method calls (`subscribe`, `route`), and the
 * functions the stack deploys are read off that recording. The infra test checks the
 * wiring on it; `npm run build:functions` builds each function from it; the Lambda harness
 * creates the tables and queues it declares and gives each function its environment.
 * One source of truth: nothing here keeps a second list of functions, handlers or options.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const ROOT = resolve(import.meta.dirname, "..");

export type Args = Record<string, any>;
export interface Call {
  method: string;
  args: any[];
}
/** One recorded component; `out` holds the placeholders its outputs stand for. */
export interface Component {
  type: string;
  name: string;
  args: Args;
  calls: Call[];
  out: { name: string; arn: string; url: string };
}
/** Rewrites the arguments at a site such as "Queue:TaskQueue" or "Queue:TaskQueue.subscribe" (tests break wiring with it). */
export type Tamper = (site: string, args: any[]) => any[];

export interface Stack {
  components: Component[];
  outputs: Record<string, unknown>;
  /** The config's app() for a stage. */
  app: (stage: string) => Args;
}

export interface EvaluateOptions {
  tamper?: Tamper;
  /** `$app.stage` @default "test" */
  stage?: string;
  /** `$dev`: true while `sst dev` runs. @default false */
  dev?: boolean;
  /** What each sst.Secret holds (by name); a secret not named holds {@link DEFAULT_SECRET_VALUE}. */
  secrets?: Record<string, string>;
  /**
   * Imports sst.config.ts. A test that evaluates the config more than once passes one that
   * resets its module registry first (infra modules create their components at import).
   */
  importConfig?: () => Promise<{
    default: { app(input: { stage: string }): Args; run(): Promise<Record<string, unknown>> };
  }>;
}

export const DEFAULT_SECRET_VALUE = "test-key-0123456789,test-key-abcdefghij";

/** `<Type:Name.prop>`: what a component output stands for in the recording. */
export function placeholder(type: string, name: string, prop: string): string {
  return `<${type}:${name}.${prop}>`;
}

const PLACEHOLDER = /<(\w+):([\w-]+)\.([\w.]+)>/g;

/** The placeholders inside a string, in order. */
export function placeholdersIn(text: string): Array<{ type: string; name: string; prop: string; text: string }> {
  return [...text.matchAll(PLACEHOLDER)].map((m) => ({ type: m[1]!, name: m[2]!, prop: m[3]!, text: m[0] }));
}

/**
 * A secret's value as the recording keeps it: `{ from }` when passed on as it is (an
 * Output), `{ from, value }` when a function was applied to it at deploy time.
 */
export interface SecretValue {
  from: string;
  value?: unknown;
  apply?: (fn: (value: string) => unknown) => SecretValue;
  /** The applied function, to recompute `value` from another secret value. */
  compute?: (value: string) => unknown;
}

/** `$transform` callbacks by component class, as SST keeps them (components/component.ts, ComponentTransforms). */
type Transforms = Map<unknown, Array<(args: Args, opts: Args, name: string) => void>>;

function recordingSst(
  components: Component[],
  tamper: Tamper,
  secrets: Record<string, string>,
  transforms: Transforms,
) {
  const classes = new Map<string, unknown>();
  /**
   * SST runs a component class's transforms in its constructor, so a Function's apply to the
   * functions a queue subscription, an API route or a cron creates from FunctionArgs too.
   */
  const transformFunction = (fnArgs: unknown, name: string) => {
    if (typeof fnArgs !== "object" || fnArgs === null) return;
    for (const transform of transforms.get(componentClass("Function")) ?? []) transform(fnArgs as Args, {}, name);
  };
  const componentClass = (type: string) => {
    if (!classes.has(type)) {
      classes.set(
        type,
        class {
          readonly component: Component;
          readonly name: string;
          readonly arn: string;
          readonly url: string;
          readonly id: string;
          constructor(name: string, ...rest: any[]) {
            const [args = {}] = tamper(`${type}:${name}`, rest);
            for (const transform of transforms.get(new.target) ?? []) transform(args, {}, name);
            if (type === "Cron" || type === "CronV2") transformFunction(args.function ?? args.job, `${name}Handler`);
            this.name = placeholder(type, name, "name");
            this.arn = placeholder(type, name, "arn");
            this.url = placeholder(type, name, "url");
            this.id = placeholder(type, name, "id");
            this.component = { type, name, args, calls: [], out: { name: this.name, arn: this.arn, url: this.url } };
            components.push(this.component);
          }
          subscribe(...args: any[]) {
            return this.record("subscribe", args);
          }
          route(...args: any[]) {
            return this.record("route", args);
          }
          private record(method: string, args: any[]) {
            const { type: t, name: n } = this.component;
            const recorded = tamper(`${t}:${n}.${method}`, args);
            // subscribe(functionArgs, …) and route(key, functionArgs, …) create Functions.
            transformFunction(method === "subscribe" ? recorded[0] : recorded[1], `${n}Subscriber`);
            this.component.calls.push({ method, args: recorded });
            return { arn: placeholder(t, n, `${method}.arn`) };
          }
        },
      );
    }
    return classes.get(type);
  };
  const namespace = (extra: Args) =>
    new Proxy(extra, { get: (target, key) => (key in target ? target[key as string] : componentClass(String(key))) });
  class Secret {
    readonly component: Component;
    constructor(name: string, placeholderValue?: string) {
      const out = {
        name: placeholder("Secret", name, "name"),
        arn: placeholder("Secret", name, "arn"),
        url: placeholder("Secret", name, "url"),
      };
      this.component = {
        type: "Secret",
        name,
        args: placeholderValue === undefined ? {} : { placeholder: placeholderValue },
        calls: [],
        out,
      };
      components.push(this.component);
    }
    get value(): SecretValue {
      const name = this.component.name;
      const from = placeholder("Secret", name, "value");
      const held = secrets[name] ?? DEFAULT_SECRET_VALUE;
      // `compute` (not enumerable: the infra test compares these objects) redoes the apply
      // with another value, e.g. the secrets a harness sets.
      return {
        from,
        apply: (fn) => Object.defineProperty({ from, value: fn(held) }, "compute", { value: fn, enumerable: false }),
      };
    }
  }
  // The Pulumi AWS provider's resources (`aws.scheduler.ScheduleGroup`), recorded as type "aws_scheduler_ScheduleGroup".
  const pulumiAws = new Proxy(
    {},
    {
      get: (_provider, group) =>
        new Proxy({}, { get: (_group, resource) => componentClass(`aws_${String(group)}_${String(resource)}`) }),
    },
  );
  return { sst: namespace({ aws: namespace({}), Secret }), aws: pulumiAws };
}

const evaluated = new Map<string, Promise<Stack>>();

/**
 * Runs sst.config.ts's app() and run() against the recording stand-in. Infra modules create
 * their components when first imported, so without `importConfig` a process evaluates the
 * config once per stage and `$dev`, and later calls get that same recording.
 */
export function evaluateInfra(options: EvaluateOptions = {}): Promise<Stack> {
  if (options.importConfig !== undefined || options.tamper !== undefined || options.secrets !== undefined)
    return evaluateNow(options);
  const key = JSON.stringify([options.stage ?? "test", options.dev ?? false]);
  if (evaluated.size > 0 && !evaluated.has(key))
    throw new Error("infra is already evaluated with another stage or $dev in this process: pass importConfig");
  if (!evaluated.has(key)) evaluated.set(key, evaluateNow(options));
  return evaluated.get(key)!;
}

async function evaluateNow(options: EvaluateOptions): Promise<Stack> {
  const components: Component[] = [];
  const stage = options.stage ?? "test";
  const transforms: Transforms = new Map();
  const recording = recordingSst(
    components,
    options.tamper ?? ((_site, args) => args),
    options.secrets ?? {},
    transforms,
  );
  Object.assign(globalThis, {
    sst: recording.sst,
    aws: recording.aws,
    $jsonStringify: (value: unknown) => JSON.stringify(value),
    $transform: (resource: unknown, cb: (args: Args, opts: Args, name: string) => void) => {
      transforms.set(resource, [...(transforms.get(resource) ?? []), cb]);
    },
    $app: { name: "crawl-tasks", stage },
    $dev: options.dev ?? false,
    $config: (config: unknown) => config,
    $interpolate: (strings: TemplateStringsArray, ...values: unknown[]) => String.raw({ raw: strings }, ...values),
    $output: (value: unknown) => value,
    $resolve: (value: unknown) => value,
  });
  const importConfig = options.importConfig ?? (() => import(pathToFileURL(resolve(ROOT, "sst.config.ts")).href));
  const config = (await importConfig()).default;
  const outputs = await config.run();
  if (components.length === 0)
    throw new Error(
      "sst.config.ts created no components: its infra modules were imported before (evaluate once per process, or pass importConfig)",
    );
  return { components, outputs, app: (s) => config.app({ stage: s }) };
}

// ---- Reading the recording --------------------------------------------------------------

export const ofType = (stack: Stack, ...types: string[]) => stack.components.filter((c) => types.includes(c.type));
export const byArn = (stack: Stack, arn: unknown) => stack.components.find((c) => c.out.arn === arn);
export const calls = (stack: Stack, method: string) =>
  stack.components.flatMap((c) =>
    c.calls.filter((call) => call.method === method).map((call) => ({ owner: c, ...call })),
  );

/** FunctionArgs as given to a Function, subscriber, cron or route (a string is a handler). */
export function functionArgs(stack: Stack, input: unknown): Args | undefined {
  if (typeof input === "object" && input !== null) return input as Args;
  if (typeof input !== "string") return undefined;
  const target = byArn(stack, input);
  return target ? target.args : { handler: input };
}

/** What invokes a function on AWS. */
export type Trigger =
  | { kind: "api"; api: Component; routes: string[] }
  | {
      kind: "queue";
      queue: Component;
      batch: { size: number; windowSeconds: number; partialResponses: boolean };
      maximumConcurrency?: number;
    }
  | { kind: "schedule"; cron: Component; schedule: string; event: unknown }
  | { kind: "none" };

/** One Lambda function the stack deploys. */
export interface StackFunction {
  /**
   * The name SST gives the Function component, which names its build folder
   * (.sst/artifacts/<id>-src): a Function's own name, `<cron>Handler` for a CronV2, and
   * `<queue>Subscriber<hash>Function` for a queue subscriber, where the hash is taken from
   * the deployed queue's ARN; here it is left out (`<queue>SubscriberFunction`).
   */
  id: string;
  /** Where infra declares it, for messages. */
  site: string;
  args: Args;
  trigger: Trigger;
}

/** Every function the stack deploys, each once, in declaration order. */
export function stackFunctions(stack: Stack): StackFunction[] {
  const found = new Map<Args, StackFunction>();
  const add = (fn: Omit<StackFunction, "args">, input: unknown) => {
    const args = functionArgs(stack, input);
    if (args === undefined) return;
    const existing = found.get(args);
    if (existing === undefined) found.set(args, { ...fn, args });
    else if (existing.trigger.kind === "none") existing.trigger = fn.trigger;
  };
  for (const fn of ofType(stack, "Function"))
    add({ id: fn.name, site: `Function ${fn.name}`, trigger: { kind: "none" } }, fn.args);
  for (const cron of ofType(stack, "Cron", "CronV2")) {
    // CronV2 (cron-v2.ts): EventBridge Scheduler passes `event`, default {}, as the function's event.
    const trigger: Trigger = {
      kind: "schedule",
      cron,
      schedule: String(cron.args.schedule),
      event: cron.args.event ?? {},
    };
    add({ id: `${cron.name}Handler`, site: `${cron.type} ${cron.name}`, trigger }, cron.args.function ?? cron.args.job);
  }
  for (const call of calls(stack, "subscribe")) {
    if (call.owner.type !== "Queue") continue;
    const options: Args = call.args[1] ?? {};
    const batch = options.batch ?? {};
    const trigger: Trigger = {
      kind: "queue",
      queue: call.owner,
      // SST 4.17's defaults (queue-lambda-subscriber.ts): 10 per batch, no window, no partial responses.
      batch: {
        size: batch.size ?? 10,
        windowSeconds: batch.window ? seconds(batch.window) : 0,
        partialResponses: batch.partialResponses === true,
      },
      ...(maximumConcurrencyOf(options) === undefined ? {} : { maximumConcurrency: maximumConcurrencyOf(options) }),
    };
    add({ id: `${call.owner.name}SubscriberFunction`, site: `${call.owner.name}.subscribe`, trigger }, call.args[0]);
  }
  for (const call of calls(stack, "route")) {
    const args = functionArgs(stack, call.args[1]);
    const existing = args && found.get(args);
    if (existing?.trigger.kind === "api") existing.trigger.routes.push(String(call.args[0]));
    else
      add(
        {
          id: `${call.owner.name}Route`,
          site: `${call.owner.name}.route`,
          trigger: { kind: "api", api: call.owner, routes: [String(call.args[0])] },
        },
        call.args[1],
      );
  }
  return [...found.values()];
}

/** The event source mapping's MaximumConcurrency, set through the subscription's `transform.eventSourceMapping`. */
function maximumConcurrencyOf(options: Args): number | undefined {
  const transform = options.transform?.eventSourceMapping;
  if (transform === undefined) return undefined;
  const mapping: Args = {};
  if (typeof transform === "function") transform(mapping, {}, "");
  else Object.assign(mapping, transform);
  const value = mapping.scalingConfig?.maximumConcurrency;
  return typeof value === "number" ? value : undefined;
}

// ---- Units SST takes ------------------------------------------------------------------------

const SECONDS = { second: 1, minute: 60, hour: 3600, day: 86400 } as const;
/** "5 minutes" → 300. */
export function seconds(duration: string): number {
  const match = /^(\d+(?:\.\d+)?) (second|minute|hour|day)s?$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  return Number(match[1]) * SECONDS[match[2] as keyof typeof SECONDS];
}
/** "2048 MB" / "2 GB" → megabytes. */
export function megabytes(size: string): number {
  const match = /^(\d+(?:\.\d+)?) (MB|GB)$/.exec(size);
  if (!match) throw new Error(`not a size: ${size}`);
  return Number(match[1]) * (match[2] === "GB" ? 1024 : 1);
}

/** SST's Function defaults (function.ts, 4.17): 20 s, 1024 MB, 512 MB of /tmp. */
export const FUNCTION_DEFAULTS = { timeout: "20 seconds", memory: "1024 MB", storage: "512 MB" } as const;
