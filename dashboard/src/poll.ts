/**
 * Runs `tick` now and then every `intervalMs`, but only while the page is visible: a
 * dashboard left open in a background tab costs the API nothing. Ticks never overlap.
 * `tick` resolving to false stops the polling (e.g. the task reached a final status).
 * Returns the function that stops it.
 */
export function pollWhileVisible(tick: () => Promise<boolean | void>, intervalMs = 2000): () => void {
  let stopped = false;
  let running = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const schedule = () => {
    clearTimeout(timer);
    if (!stopped && document.visibilityState === "visible") timer = setTimeout(run, intervalMs);
  };
  const run = async () => {
    if (stopped || running) return;
    running = true;
    try {
      if ((await tick()) === false) stopped = true;
    } catch {
      // The page shows the error itself; keep polling, the API may come back.
    } finally {
      running = false;
    }
    schedule();
  };
  const onVisibility = () => {
    if (document.visibilityState === "visible") void run();
    else clearTimeout(timer);
  };

  document.addEventListener("visibilitychange", onVisibility);
  void run();
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener("visibilitychange", onVisibility);
  };
}
