/**
 * Resolves after `ms`, or earlier when one of `wakers` is called (someone in this process
 * gave a slot back). Rejects with `signal.reason` as soon as `signal` aborts.
 */
export function pause(ms: number, signal: AbortSignal, wakers?: Set<() => void>): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", abort);
      wakers?.delete(wake);
    };
    const wake = (): void => {
      settle();
      resolve();
    };
    const abort = (): void => {
      settle();
      reject(signal.reason);
    };
    const timer = setTimeout(wake, Math.max(0, ms));
    signal.addEventListener("abort", abort, { once: true });
    wakers?.add(wake);
  });
}
