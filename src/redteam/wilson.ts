/** A share with its Wilson score interval (95% unless told): honest at 0% and 100% and for small n. */
export interface Rate {
  /** Trials. */
  n: number;
  /** Successes. */
  k: number;
  rate: number;
  low: number;
  high: number;
}

export function wilsonInterval(k: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export function rateOf(k: number, n: number): Rate {
  return { n, k, rate: n === 0 ? 0 : k / n, ...wilsonInterval(k, n) };
}
