import { randomInt } from "node:crypto";
import { ENV, type Env, proxyPoolEntries } from "../config.js";
import { upstreamProxyProblem } from "./upstreamProxy.js";

/**
 * The configured upstream proxies (env PROXY_POOL, comma-separated URLs), handed out in
 * turn to media tasks that bring no `proxy` of their own.
 *
 * The turn is kept per process: each Lambda sandbox (or local worker) starts at a random
 * entry so they do not all begin with the first one, then goes round. Entries that are
 * not usable http:// proxy URLs are left out and reported by position (never by value:
 * they may carry credentials).
 *
 * @example
 * const pool = ProxyPool.fromEnv((message) => logger.warn(message));
 * const proxy = task.params.proxy ?? pool.next();
 */
export class ProxyPool {
  readonly #urls: readonly string[];
  #next: number;

  constructor(urls: readonly string[], start = urls.length > 0 ? randomInt(urls.length) : 0) {
    this.#urls = [...urls];
    this.#next = start;
  }

  /** Reads PROXY_POOL; `warn` hears about entries left out. */
  static fromEnv(warn: (message: string) => void = () => undefined, env?: Env): ProxyPool {
    const entries = proxyPoolEntries(env);
    const usable = entries.filter((entry, index) => {
      const problem = upstreamProxyProblem(entry);
      if (problem !== undefined) warn(`${ENV.proxyPool} entry ${index + 1} is left out: ${problem}`);
      return problem === undefined;
    });
    return new ProxyPool(usable);
  }

  get size(): number {
    return this.#urls.length;
  }

  /** The next proxy URL in turn; undefined when the pool is empty. */
  next(): string | undefined {
    if (this.#urls.length === 0) return undefined;
    const url = this.#urls[this.#next % this.#urls.length];
    this.#next = (this.#next + 1) % this.#urls.length;
    return url;
  }
}
