import type { LookupAddress } from "node:dns";
import { connect, type Socket } from "node:net";
import { bareHost } from "./hosts.js";
import { connectTimeout } from "./proxyWire.js";
import { pinnedLookup } from "./resolveTarget.js";
import { UpstreamProxyError, type UpstreamProxy } from "./upstreamProxy.js";

/**
 * The egress proxy's two ways of opening a CONNECT tunnel once the target passed the
 * policy: straight to the target's checked addresses, or through an upstream proxy.
 * Both resolve with a connected socket and leave answering the browser to the caller.
 */

/** Most bytes of an upstream's answer to CONNECT before its blank line. */
const MAX_CONNECT_ANSWER_BYTES = 16 * 1024;

/**
 * A TCP connection to the target's checked `addresses`, within `timeoutMs`.
 *
 * @param track Gets the socket as soon as it exists, so its owner can cut it.
 */
export function connectDirect(
  host: string,
  port: number,
  addresses: readonly LookupAddress[],
  timeoutMs: number,
  track: (socket: Socket) => void,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: bareHost(host), port, lookup: pinnedLookup(addresses), autoSelectFamily: true });
    track(socket);
    const timer = setTimeout(() => socket.destroy(connectTimeout()), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once("error", fail);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.off("error", fail);
      resolve(socket);
    });
  });
}

/**
 * Opens a tunnel to `authority` (`host:port`, as the browser asked for it) through
 * `upstream`, connecting only to `addresses` (the upstream's checked addresses). Resolves
 * with the socket once the upstream answered 2xx, paused, bytes past the answer put back.
 *
 * @param track Gets the socket as soon as it exists, so its owner can cut it.
 * @throws {UpstreamProxyError} when the upstream answers otherwise (407: credentials refused), closes or times out.
 */
export function connectThroughUpstream(
  upstream: UpstreamProxy,
  addresses: readonly LookupAddress[],
  authority: string,
  timeoutMs: number,
  track: (socket: Socket) => void,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: upstream.host,
      port: upstream.port,
      lookup: pinnedLookup(addresses),
      autoSelectFamily: true,
    });
    track(socket);
    let answer = Buffer.alloc(0);
    const settle = (error?: Error) => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("error", settle);
      socket.off("close", onClose);
      if (error === undefined) return;
      socket.destroy();
      reject(
        error instanceof UpstreamProxyError
          ? error
          : new UpstreamProxyError(`upstream proxy ${upstream.label}: ${describe(error)}`, { cause: error }),
      );
    };
    const onClose = () =>
      settle(new UpstreamProxyError(`upstream proxy ${upstream.label} closed the connection before answering CONNECT`));
    const onData = (chunk: Buffer) => {
      answer = Buffer.concat([answer, chunk]);
      const end = answer.indexOf("\r\n\r\n");
      if (end === -1) {
        if (answer.length > MAX_CONNECT_ANSWER_BYTES)
          settle(new UpstreamProxyError(`upstream proxy ${upstream.label} sent an oversized answer to CONNECT`));
        return;
      }
      const statusLine = answer.subarray(0, answer.indexOf("\r\n")).toString("latin1");
      const status = /^HTTP\/1\.[01] (\d{3})\b/.exec(statusLine)?.[1];
      if (status === undefined || !status.startsWith("2")) {
        const said =
          status === undefined
            ? "no HTTP status"
            : `${status}${status === "407" ? " (proxy credentials refused)" : ""}`;
        return settle(
          new UpstreamProxyError(`upstream proxy ${upstream.label} answered CONNECT ${authority} with ${said}`),
        );
      }
      settle();
      // Until the caller attaches its own handler, an error must not go unhandled.
      socket.on("error", () => undefined);
      socket.pause();
      const rest = answer.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    const timer = setTimeout(() => settle(connectTimeout()), timeoutMs);
    socket.on("data", onData);
    socket.once("error", settle);
    socket.once("close", onClose);
    socket.once("connect", () => {
      const credentials =
        upstream.authorization === undefined ? "" : `Proxy-Authorization: ${upstream.authorization}\r\n`;
      socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${credentials}\r\n`);
    });
  });
}

function describe(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code !== undefined && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
