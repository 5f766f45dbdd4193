/**
 * `fn` remembered for the texts a turn checks against again and again (the passages, the
 * customer's words, the system prompts): a streamed reply is checked once per released piece, and
 * recomputing what a check derives from those texts was most of its cost (issue 16). Bounded;
 * emptied when full. `fn` must be pure and its result must not be changed by the caller.
 */
export function remembered<T>(fn: (s: string) => T, max = 256): (s: string) => T {
  const seen = new Map<string, T>();
  return (s) => {
    let out = seen.get(s);
    if (out === undefined) {
      out = fn(s);
      if (seen.size >= max) seen.clear();
      seen.set(s, out);
    }
    return out;
  };
}
