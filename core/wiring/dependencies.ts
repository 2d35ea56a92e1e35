/**
 * The one builder of the functions' dependencies. Every handler under functions/ starts up the
 * same way, at module scope:
 *
 *   const dependencies = buildDependencies({ ...taskParts, ...accountParts });
 *
 * naming the parts it uses (./tasks.ts, ./accounts.ts, ./webhooks.ts, ./crawler.ts). Nothing
 * is built then: each member is built from the configuration (core/config.ts) when a handler
 * first reads it, and kept for the container's warm invocations. A handler imports only its
 * parts, so its bundle carries only what it uses (the API none of the crawler's). The
 * one-machine stack (local/) wires the same handlers, against its embedded servers (the SDK
 * reads AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_SQS).
 */
import { type AwsClients, sharedAwsClients } from "../aws/clients.js";
import { type AppConfig, type Env, loadConfig } from "../config.js";

/** What every part may use. */
export interface BaseDependencies {
  readonly config: AppConfig;
  readonly clients: AwsClients;
  /** The environment the configuration is read from; undefined: process.env. */
  readonly env: Env | undefined;
}

/** Builds one member from the others. */
// biome-ignore lint/suspicious/noExplicitAny: a factory's own parameter type says what it needs; Parts checks it.
type Factory = (self: any) => unknown;

/** The members `parts` build. */
export type Built<P> = { readonly [K in keyof P]: P[K] extends (self: never) => infer R ? R : never };

/** Parts whose factories need only what the base and the parts themselves provide. */
export type Parts<P> = { [K in keyof P]: (self: BaseDependencies & Built<P>) => unknown };

export interface DependencyOptions {
  /** @default process.env, read when a member is first used */
  env?: Env;
}

/** The base (config, clients) and the members of `parts`, each built on first read and then kept. */
export function buildDependencies<P extends Parts<P> & Record<string, Factory>>(
  parts: P,
  options: DependencyOptions = {},
): BaseDependencies & Built<P> {
  return lazily({
    config: () => loadConfig(options.env),
    clients: () => sharedAwsClients(),
    env: () => options.env,
    ...parts,
  }) as BaseDependencies & Built<P>;
}

/**
 * An object whose members are built by `factories` on first read and kept; a factory that
 * throws is tried again on the next read. Each factory gets the object, to use other members.
 */
function lazily(factories: Record<string, Factory>): object {
  const self = {};
  for (const [key, factory] of Object.entries(factories)) {
    let built: { value: unknown } | undefined;
    Object.defineProperty(self, key, {
      enumerable: true,
      get: () => {
        built ??= { value: factory(self) };
        return built.value;
      },
    });
  }
  return self;
}
