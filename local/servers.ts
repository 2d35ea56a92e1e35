/**
 * The embedded stand-ins for AWS: dynalite (DynamoDB API, LevelDB on disk) and
 * local-aws-sqs (SQS API, in memory). Both speak the real wire protocols, so the
 * real AWS SDK clients talk to them over HTTP exactly as they talk to AWS.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createRequestHandler } from "local-aws-sqs";
import { localAwsRegion } from "../core/config.js";
import { startAwsGuard, type AwsCredentials } from "./awsGuard.js";

const require = createRequire(import.meta.url);

export interface RunningServer {
  /** e.g. http://127.0.0.1:8889 */
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export interface EmbeddedServerOptions {
  /** @default "127.0.0.1" */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /**
   * Put local/awsGuard.ts's door in front: the server itself listens on a free loopback
   * port, and `port` (on 127.0.0.1, whatever `host` says) takes only requests signed with
   * these credentials, from no browser. The one-machine stack always sets it.
   */
  guard?: { credentials: AwsCredentials; log?: (line: string) => void };
}

export interface DynamoServerOptions extends EmbeddedServerOptions {
  /** Directory for the LevelDB files; in memory when omitted. */
  dataDir?: string;
}

/** Thrown when a port is taken, so callers can print one clear line. */
export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly what: string,
  ) {
    super(`${what}: port ${port} on ${host} is already in use`);
    this.name = "PortInUseError";
  }
}

/** A host as it appears in a URL: IPv6 literals go in brackets. */
export function hostInUrl(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

export function listen(server: Server, host: string, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      reject(error.code === "EADDRINUSE" ? new PortInUseError(host, port, what) : error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

export async function startDynamoServer(options: DynamoServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const dynalite = require("dynalite") as (opts: Record<string, unknown>) => Server;
  // Tables become ACTIVE at once: the CREATING delay only slows local start-up.
  const server = dynalite({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // dynalite's close() also closes its LevelDB store; wait for it so a restart can reopen the files.
  const closeDynalite = () => new Promise<void>((resolve) => server.close(() => resolve()));
  if (options.guard === undefined) {
    const port = await listen(server, host, options.port ?? 0, "DynamoDB-API server");
    return { endpoint: `http://${hostInUrl(host)}:${port}`, port, close: closeDynalite };
  }
  const inner = await listen(server, "127.0.0.1", 0, "DynamoDB-API server");
  try {
    const guard = await startAwsGuard({
      upstream: `http://127.0.0.1:${inner}`,
      port: options.port ?? 0,
      what: "DynamoDB-API server",
      ...options.guard,
    });
    return {
      endpoint: guard.endpoint,
      port: guard.port,
      close: async () => void (await Promise.all([guard.close(), closeDynalite()])),
    };
  } catch (error) {
    await closeDynalite();
    throw error;
  }
}

export async function startSqsServer(options: EmbeddedServerOptions = {}): Promise<RunningServer> {
  const host = options.guard ? "127.0.0.1" : (options.host ?? "127.0.0.1");
  const { service, requestHandler } = createRequestHandler({
    port: options.port ?? 0,
    hostname: host,
    region: localAwsRegion(),
    emulateQueueCreationLifecycle: false,
  });
  const server = createServer((req, res) => void requestHandler(req, res));
  if (options.guard === undefined) {
    const port = await listen(server, host, options.port ?? 0, "SQS-API server");
    // Queue URLs embed the port; with port 0 it is only known now.
    service.PORT = port;
    return { endpoint: `http://${hostInUrl(host)}:${port}`, port, close: () => closeServer(server) };
  }
  const inner = await listen(server, "127.0.0.1", 0, "SQS-API server");
  try {
    const guard = await startAwsGuard({
      upstream: `http://127.0.0.1:${inner}`,
      port: options.port ?? 0,
      what: "SQS-API server",
      ...options.guard,
    });
    // Queue URLs name the door: the SDK sends each request to its QueueUrl's host.
    service.PORT = guard.port;
    return {
      endpoint: guard.endpoint,
      port: guard.port,
      close: async () => void (await Promise.all([guard.close(), closeServer(server)])),
    };
  } catch (error) {
    await closeServer(server);
    throw error;
  }
}
