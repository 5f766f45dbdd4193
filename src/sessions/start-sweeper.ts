export interface SweeperOptions {
  /** Called when a sweep fails; the sweeper keeps running. Default: `console.error`. */
  onError?: (error: unknown) => void;
  /** Called after each sweep with the number of conversations deleted. */
  onSwept?: (deleted: number) => void;
}

/**
 * Runs `target.sweep()` every `intervalMs` until the returned function is called. A sweep still
 * running when the next tick comes is not doubled. The timer is `unref()`ed so it never keeps
 * the process alive on its own.
 */
export function startSweeper(
  target: { sweep(): Promise<number> },
  intervalMs: number,
  options: SweeperOptions = {},
): () => void {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new RangeError(`sweep interval must be a positive number of milliseconds, got ${intervalMs}`);
  }
  const onError = options.onError ?? ((error: unknown) => console.error('session sweep failed', error));
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    target
      .sweep()
      .then((deleted) => options.onSwept?.(deleted), onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
