import { createPiiEngine, type PiiEngineOptions } from '../safety/pii/create-pii-engine.ts';

/** Strings up to this long may be remembered as clean (paths, methods, messages, ids). */
export const CLEAN_MAX_CHARS = 64;
const CLEAN_MAX_ENTRIES = 1024;

/**
 * Masks a string bound for the log. Short strings the scanner read in full and found nothing in
 * are remembered, so the fields that repeat on every line (a route's path, the method, the
 * message) are scanned once instead of once per request (issue 16.3: the scan of fixed request
 * log fields was a tenth of a millisecond per turn). A string with anything masked, or whose scan
 * ran out of its time budget (later recognizers skipped), is never remembered; the set is emptied
 * when full, so a flood of distinct strings costs scans, never memory.
 */
export function createLogStringMasker(options: PiiEngineOptions = {}): (text: string) => string {
  let overBudget = false;
  const engine = createPiiEngine(Object.assign({}, options, {
    onBudgetExceeded: (info: Parameters<NonNullable<PiiEngineOptions['onBudgetExceeded']>>[0]) => {
      overBudget = true;
      options.onBudgetExceeded?.(info);
    },
  }));
  const clean = new Set<string>();
  return (text) => {
    const short = text.length <= CLEAN_MAX_CHARS;
    if (short && clean.has(text)) return text;
    overBudget = false;
    const { text: masked, entities } = engine.mask(text);
    if (short && entities.length === 0 && !overBudget) {
      if (clean.size >= CLEAN_MAX_ENTRIES) clean.clear();
      clean.add(text);
    }
    return masked;
  };
}
