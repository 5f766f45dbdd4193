import type { IntentCandidate } from '../contracts/nlu.ts';
import { rankIntents } from './intent-classifier.ts';

/**
 * The likeliest readings of a message, best first, at most `k`, with the classifier's calibrated
 * probabilities: what a clarifying question offers when the best reading is not certain enough.
 */
export function intentCandidates(text: string, k = 5): IntentCandidate[] {
  return rankIntents(text, k).map((r) => ({ intent: r.intent, confidence: r.confidence }));
}
