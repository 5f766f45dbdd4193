import { PLACEHOLDERS, createPiiEngine, type PiiEngine } from './create-pii-engine.ts';
import { PII_TYPES, PSEUDONYM_LABELS } from './pii-types.ts';

/**
 * The engine shared by code that only needs placeholder masking and has no session: the logger,
 * stored agent messages, fine-tuning exports, audit entries. Recognizers are stateless, so one
 * instance serves everyone.
 */
export const sharedPiiEngine: PiiEngine = createPiiEngine();

export function maskPii(text: string): string {
  return sharedPiiEngine.mask(text).text;
}

const LABEL_TO_PLACEHOLDER = new Map(PII_TYPES.map((t) => [PSEUDONYM_LABELS[t], PLACEHOLDERS[t]]));

/**
 * `[PHONE_1]` → `[手机号]`: for text that leaves its session (fine-tuning pairs), where numbering
 * means nothing and a model should learn the generic placeholder.
 */
export function pseudonymsToPlaceholders(text: string): string {
  return text.replace(/\[([A-Z]+)_\d+\]/g, (whole, label: string) => LABEL_TO_PLACEHOLDER.get(label) ?? whole);
}
