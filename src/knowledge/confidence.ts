import type { Passage } from '../contracts/knowledge-base.ts';

/**
 * Default cut-off on `Passage.confidence` (share of the query's idf weight a passage matches) for
 * "this passage can ground an answer". Measured on the demo shop KB: on-topic questions in either
 * language score well above it, off-topic ones ("今天天气怎么样", "who won the football") below.
 */
export const CONFIDENT_PASSAGE = 0.4;

/** Whether a retrieved passage is strong enough to answer from. */
export function isConfidentPassage(p: Passage, threshold: number = CONFIDENT_PASSAGE): boolean {
  return (p.confidence ?? 0) >= threshold;
}
