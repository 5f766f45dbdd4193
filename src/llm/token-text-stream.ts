export interface TokenTextStream<T> {
  /** Adds one generated token; `delta` is the text now safe to show, `stopped` that a stop string was hit. */
  push(token: T): { delta: string; stopped: boolean };
  /** The text held back so far (a partial character or a possible stop-string start), at the end. */
  flush(): string;
}

const REPLACEMENT = '\uFFFD';

/**
 * Turns tokens into text deltas for streaming. It detokenizes the whole generation each time and
 * emits only the new suffix, so a character split over several byte tokens is never emitted half
 * (an incomplete UTF-8 tail decodes to U+FFFD and is held back) and tokenizers that render a token
 * differently depending on its neighbours (leading-space rules) stay consistent. Text that could be
 * the start of a stop string is held back until it is known not to be one; a stop string itself
 * is never emitted.
 */
export function createTokenTextStream<T>(options: {
  detokenize: (tokens: readonly T[]) => string;
  stops?: readonly string[];
}): TokenTextStream<T> {
  const stops = (options.stops ?? []).filter((s) => s !== '');
  const longestStop = Math.max(0, ...stops.map((s) => s.length));
  const tokens: T[] = [];
  let emitted = 0;
  let text = '';

  function heldBackFrom(end: number): number {
    let hold = 0;
    for (const stop of stops) {
      for (let k = Math.min(stop.length - 1, end - emitted); k > hold; k--) {
        if (text.endsWith(stop.slice(0, k), end)) {
          hold = k;
          break;
        }
      }
    }
    return end - hold;
  }

  return {
    push(token) {
      tokens.push(token);
      text = options.detokenize(tokens);
      let stopAt = -1;
      for (const stop of stops) {
        const i = text.indexOf(stop, Math.max(0, emitted - longestStop));
        if (i >= 0 && (stopAt < 0 || i < stopAt)) stopAt = i;
      }
      if (stopAt >= 0) {
        const delta = text.slice(emitted, Math.max(emitted, stopAt));
        emitted += delta.length;
        return { delta, stopped: true };
      }
      let end = text.length;
      while (end > emitted && text[end - 1] === REPLACEMENT) end--;
      end = heldBackFrom(end);
      const delta = text.slice(emitted, end);
      emitted = Math.max(emitted, end);
      return { delta, stopped: false };
    },
    flush() {
      const rest = text.slice(emitted);
      emitted = text.length;
      return rest;
    },
  };
}
