/** BM25 parameters (Robertson/Sparck Jones, Lucene defaults). */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/** Lucene-style idf, always positive: ln(1 + (N - df + 0.5) / (df + 0.5)). */
export function bm25Idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** Contribution of one term occurring `tf` times in a passage of length `len`. */
export function bm25TermScore(idf: number, tf: number, len: number, avgdl: number): number {
  const norm = BM25_K1 * (1 - BM25_B + (BM25_B * len) / (avgdl > 0 ? avgdl : 1));
  return (idf * tf * (BM25_K1 + 1)) / (tf + norm);
}
