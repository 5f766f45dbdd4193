import { PLACEHOLDERS, createPiiEngine, type PiiEngine } from './create-pii-engine.ts';
import { PII_TYPES, PSEUDONYM_LABELS } from './pii-types.ts';

/**
 * The engine shared by code that only needs placeholder masking and has no session: the logger,
 * stored agent messages, fine-tuning exports, audit entries. Recognizers are stateless, so one
 * instance serves everyone.
 */
let overBudget = false;
export const sharedPiiEngine: PiiEngine = createPiiEngine({ onBudgetExceeded: () => { overBudget = true; } });

// The same text is masked again and again: a cached answer's reply on every hit, an agent's
// stock phrases. A mask the scanner finished within its budget depends on the text alone, so
// recent ones are kept; one cut short by the budget is not, and neither is a text in which
// anything was masked: the key is the text as written, and personal data is not kept in memory
// past its turn (it would outlive an erasure). Emptied when full.
const recent = new Map<string, string>();
const RECENT_MAX = 256;

/** Whether `maskPii` keeps `text` in memory (what stays past a turn is checked by a test). */
export const maskPiiRemembers = (text: string): boolean => recent.has(text);

export function maskPii(text: string): string {
  const known = recent.get(text);
  if (known !== undefined) return known;
  overBudget = false;
  const masked = sharedPiiEngine.mask(text).text;
  if (!overBudget && masked === text) {
    if (recent.size >= RECENT_MAX) recent.clear();
    recent.set(text, masked);
  }
  return masked;
}

const LABEL_TO_PLACEHOLDER = new Map(PII_TYPES.map((t) => [PSEUDONYM_LABELS[t], PLACEHOLDERS[t]]));

/**
 * `[PHONE_1]` → `[手机号]`: for text that leaves its session (fine-tuning pairs), where numbering
 * means nothing and a model should learn the generic placeholder.
 */
export function pseudonymsToPlaceholders(text: string): string {
  return text.replace(/\[([A-Z]+)_\d+\]/g, (whole, label: string) => LABEL_TO_PLACEHOLDER.get(label) ?? whole);
}
