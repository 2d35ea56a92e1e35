/**
 * Polite defaults for one host (or platform) when a task does not ask otherwise, and the
 * bounds a task may ask within. Deployment-wide caps (env HOST_MAX_CONCURRENCY,
 * HOST_MIN_DELAY_MS) can only make these stricter; see {@link HostPoliteness}.
 */
export const HOST_LIMIT_DEFAULTS = {
  /** Fetches from one host at the same time, across every worker. */
  concurrency: 2,
  /** Least time between the starts of two fetches from one host, across every worker, ms. */
  delayMs: 250,
} as const;

/** What a task's `host_concurrency` and `host_delay_ms` may be. */
export const HOST_LIMIT_BOUNDS = {
  concurrency: { min: 1, max: 8 },
  delayMs: { min: 0, max: 60_000 },
} as const;
