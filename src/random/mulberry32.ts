/**
 * mulberry32: a small, fast PRNG with a 32-bit state. Everything seeded in Kefu uses it (the
 * intent training corpus, red-team perturbations, the customer simulator, benchmark corpora), so
 * the same seed replays the same text on every machine. Not for anything secret.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
