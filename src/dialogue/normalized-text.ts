import { normalize } from './intent-training/normalize.ts';

// Kept apart from normalize.ts: that file's text stamps the committed intent weights.
const recent = new Map<string, string>();
const RECENT_MAX = 256;

/**
 * `normalize(text)`, remembered: one turn normalises the same message several times (its intent,
 * the bare-number check, its emotion, the earlier turns' emotion and locale), and normalisation
 * is pure. The map is emptied when full, so distinct messages cost a normalisation, never memory.
 */
export function normalizedText(text: string): string {
  let t = recent.get(text);
  if (t === undefined) {
    t = normalize(text);
    if (recent.size >= RECENT_MAX) recent.clear();
    recent.set(text, t);
  }
  return t;
}
