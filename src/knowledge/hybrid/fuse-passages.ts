import type { Passage } from '../../contracts/knowledge-base.ts';

export interface FuseOptions {
  k: number;
  /**
   * Cosine below which a vector match adds nothing: KEFU_EMBEDDING_MIN_SIMILARITY, or higher where
   * the question is that close to much of the knowledge base (outstandingSimilarity).
   */
  minSimilarity: number;
  /** The passage confidence that can ground an answer (CONFIDENT_PASSAGE): a vector match at `minSimilarity` gets this much. */
  confidentAt: number;
}

/** A passage the vectors found, with its cosine to the question. */
export interface SemanticMatch {
  passage: Passage;
  similarity: number;
}

const RRF_K = 60;

/**
 * BM25 and vector matches as one list. The pipeline compares `score`s as shares of the best one
 * (a see-also at 0.8 of the top, topic agreement), so the fused score keeps that meaning: each
 * passage's best of its BM25 score over the top BM25 score and its cosine over the top cosine
 * (CombMAX over max-normalised lists), ties broken by reciprocal-rank fusion. `confidence` is the
 * better of BM25's share of the question matched and what the cosine says above `minSimilarity`,
 * so a passage worded differently from the question can still ground an answer.
 * `lexical` is BM25's order; `similarityOf` gives the cosine of a lexical passage when its vector is known.
 */
export function fusePassages(lexical: readonly Passage[], semantic: readonly SemanticMatch[], similarityOf: (id: string) => number | undefined, options: FuseOptions): Passage[] {
  const { minSimilarity, confidentAt } = options;
  const topScore = lexical[0]?.score ?? 0;
  const topSimilarity = semantic[0]?.similarity ?? 0;
  const simShare = (s: number | undefined): number => (s === undefined || s < minSimilarity || topSimilarity <= 0 ? 0 : s / topSimilarity);
  const simConfidence = (s: number | undefined): number =>
    s === undefined || s < minSimilarity ? 0 : confidentAt + ((1 - confidentAt) * (s - minSimilarity)) / Math.max(1e-9, 1 - minSimilarity);

  interface Entry { passage: Passage; similarity: number | undefined; share: number; rrf: number }
  const byId = new Map<string, Entry>();
  lexical.forEach((p, rank) => {
    const similarity = similarityOf(p.id);
    byId.set(p.id, { passage: p, similarity, share: topScore > 0 ? p.score / topScore : 0, rrf: 1 / (RRF_K + rank + 1) });
  });
  semantic.forEach((m, rank) => {
    const seen = byId.get(m.passage.id);
    if (seen !== undefined) seen.rrf += 1 / (RRF_K + rank + 1);
    else byId.set(m.passage.id, { passage: m.passage, similarity: m.similarity, share: 0, rrf: 1 / (RRF_K + rank + 1) });
  });

  const entries = [...byId.values()].map((e) => {
    const score = Math.max(e.share, simShare(e.similarity));
    return { e, score };
  });
  entries.sort((a, b) => b.score - a.score || b.e.rrf - a.e.rrf || (a.e.passage.id < b.e.passage.id ? -1 : 1));
  return entries.slice(0, Math.max(0, options.k)).map(({ e, score }) => {
    const p: Passage = Object.assign({}, e.passage, { score, confidence: Math.max(e.passage.confidence ?? 0, simConfidence(e.similarity)) });
    if (e.similarity !== undefined) p.similarity = Math.round(e.similarity * 1000) / 1000;
    return p;
  });
}
