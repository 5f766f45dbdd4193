import { remembered } from '../remembered.ts';
import { normalize } from './intent-training/normalize.ts';

// Kept apart from normalize.ts: that file's text stamps the committed intent weights.

/**
 * `normalize(text)`, remembered: one turn normalises the same message several times (its intent,
 * the bare-number check, its emotion, the earlier turns' emotion and locale), and normalisation
 * is pure. Emptied when full, so distinct messages cost a normalisation, never memory.
 */
export const normalizedText: (text: string) => string = remembered(normalize);
