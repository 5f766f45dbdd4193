import type { CacheCandidate, CandidateReranker } from './answer-cache.ts';

export interface EmbeddingSimilarityOptions {
  /** OpenAI-compatible base URL, e.g. http://127.0.0.1:8081/v1 (`/embeddings` is appended). */
  baseURL: string;
  model: string;
  apiKey?: string;
  fetch?: typeof fetch;
  /** Per request (default 2 s): a slow embedder must not hold up a reply. */
  timeoutMs?: number;
}

export interface EmbeddingSimilarity {
  embed(texts: readonly string[]): Promise<number[][]>;
  /** Cosine of the question against each candidate; the best id and score. */
  rerank: CandidateReranker;
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * Embedding re-rank for the answer cache through an OpenAI-compatible `/v1/embeddings` endpoint.
 * Candidate embeddings are memoised by question text; a failed request re-ranks nothing (the
 * lexical result stands).
 */
export function createEmbeddingSimilarity(options: EmbeddingSimilarityOptions): EmbeddingSimilarity {
  const doFetch = options.fetch ?? fetch;
  const memo = new Map<string, number[]>();
  const url = `${options.baseURL.replace(/\/+$/, '')}/embeddings`;

  async function embed(texts: readonly string[]): Promise<number[][]> {
    const missing = [...new Set(texts.filter((t) => !memo.has(t)))];
    if (missing.length > 0) {
      if (memo.size > 10_000) memo.clear();
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }) },
        body: JSON.stringify({ model: options.model, input: missing }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
      });
      if (!res.ok) throw new Error(`embeddings endpoint answered ${res.status}`);
      const body = (await res.json()) as { data?: { index: number; embedding: number[] }[] };
      for (const d of body.data ?? []) {
        const text = missing[d.index];
        if (text !== undefined) memo.set(text, d.embedding);
      }
    }
    return texts.map((t) => {
      const v = memo.get(t);
      if (v === undefined) throw new Error('embeddings endpoint returned too few vectors');
      return v;
    });
  }

  return {
    embed,
    async rerank(question: string, candidates: readonly CacheCandidate[]) {
      let vectors: number[][];
      try {
        vectors = await embed([question, ...candidates.map((c) => c.question)]);
      } catch {
        return null;
      }
      const [q, ...rest] = vectors;
      if (q === undefined) return null;
      let best: { id: number; score: number } | null = null;
      rest.forEach((v, i) => {
        const s = cosine(q, v);
        const c = candidates[i];
        if (c !== undefined && (best === null || s > best.score)) best = { id: c.id, score: s };
      });
      return best;
    },
  };
}
