import type { ScanStats } from './vector-index.ts';

/** Below this many chunks the spread of a question's similarities says too little to use. */
const MIN_CHUNKS_FOR_SPREAD = 30;

/**
 * The cosine a match must reach to count: the configured threshold, and, over a knowledge base
 * large enough to tell, standing out from the question's similarity to every chunk by more than
 * the largest of as many unrelated ones would (about √(2 ln n) standard deviations, plus a half).
 * Some models put every text near every other (the shipped chat model's pooled states: a weather
 * question at 0.81 to an exchange passage, 2.4 deviations above its mean; OpenAI's ada-002 is
 * known for 0.7 between unrelated texts): there the threshold alone would let any question be
 * answered from its nearest passage.
 */
export function outstandingSimilarity(minSimilarity: number, stats: ScanStats, chunks: number): number {
  if (chunks < MIN_CHUNKS_FOR_SPREAD) return minSimilarity;
  const deviations = Math.max(3.5, Math.sqrt(2 * Math.log(chunks)) + 0.5);
  return Math.max(minSimilarity, stats.mean + deviations * stats.sd);
}
