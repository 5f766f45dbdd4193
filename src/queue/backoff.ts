/** Delay before a retry, given how many attempts have been made so far (1 after the first). */
export type Backoff = (attempts: number) => number;

export interface BackoffOptions {
  /** Delay after the first failed attempt, before jitter (ms). Default 500. */
  baseMs?: number;
  /** Largest delay, before jitter (ms). Default 60 000. */
  capMs?: number;
  /** Uniform in [0, 1); injectable so tests are deterministic. Default `Math.random`. */
  random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": the ceiling doubles per attempt up to `capMs`, and the
 * delay is drawn from [ceiling / 2, ceiling). Half the ceiling is always waited, so a failing
 * helpdesk is not hammered; the random half spreads retries from many workers apart.
 */
export function exponentialBackoff(options: BackoffOptions = {}): Backoff {
  const baseMs = options.baseMs ?? 500;
  const capMs = options.capMs ?? 60_000;
  const random = options.random ?? Math.random;
  if (!(baseMs >= 0) || !(capMs >= baseMs)) throw new RangeError('backoff needs 0 <= baseMs <= capMs');
  return (attempts) => {
    const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));
    return Math.floor(ceiling / 2 + random() * (ceiling / 2));
  };
}
