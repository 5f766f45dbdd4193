/** The similarities of one question to every vector: how high a match must be to stand out. */
export interface ScanStats {
  mean: number;
  sd: number;
}

export interface VectorHit {
  /** Position in the ids the index was built from. */
  at: number;
  similarity: number;
}

/**
 * Exact nearest neighbours by dot product over unit vectors held in one flat array: a shop's
 * knowledge base is thousands of chunks, where a full scan costs milliseconds and needs no
 * approximate index to tune or rebuild (BENCHMARKS.md, "Hybrid retrieval").
 */
export class VectorIndex {
  readonly size: number;
  readonly dim: number;
  readonly #matrix: Float32Array;

  constructor(vectors: readonly Float32Array[]) {
    this.size = vectors.length;
    this.dim = vectors[0]?.length ?? 0;
    this.#matrix = new Float32Array(this.size * this.dim);
    vectors.forEach((v, i) => {
      if (v.length !== this.dim) throw new Error(`vector ${i} has ${v.length} dimensions, not ${this.dim}`);
      this.#matrix.set(v, i * this.dim);
    });
  }

  /** The `k` most similar at or above `minSimilarity`, most similar first, and the spread of all similarities. */
  nearest(query: Float32Array, k: number, minSimilarity: number): { hits: VectorHit[]; stats: ScanStats } {
    if (query.length !== this.dim || k <= 0 || this.size === 0) return { hits: [], stats: { mean: 0, sd: 0 } };
    let sum = 0;
    let squares = 0;
    const m = this.#matrix;
    const d = this.dim;
    const hits: VectorHit[] = [];
    for (let i = 0, base = 0; i < this.size; i++, base += d) {
      // Four running sums: the additions no longer wait on each other (about 1.5× on V8).
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let j = 0;
      for (; j + 3 < d; j += 4) {
        s0 += m[base + j]! * query[j]!;
        s1 += m[base + j + 1]! * query[j + 1]!;
        s2 += m[base + j + 2]! * query[j + 2]!;
        s3 += m[base + j + 3]! * query[j + 3]!;
      }
      for (; j < d; j++) s0 += m[base + j]! * query[j]!;
      const s = s0 + s1 + s2 + s3;
      sum += s;
      squares += s * s;
      if (s < minSimilarity) continue;
      if (hits.length === k && s <= hits[k - 1]!.similarity) continue;
      // Insertion into a short sorted list: k is a handful.
      let p = hits.length < k ? hits.length : k - 1;
      if (hits.length < k) hits.push({ at: i, similarity: s });
      while (p > 0 && hits[p - 1]!.similarity < s) {
        hits[p] = hits[p - 1]!;
        p--;
      }
      hits[p] = { at: i, similarity: s };
    }
    const mean = sum / this.size;
    return { hits, stats: { mean, sd: Math.sqrt(Math.max(0, squares / this.size - mean * mean)) } };
  }
}

/** The cosine of two unit vectors of one length. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
