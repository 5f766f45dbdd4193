/**
 * A text embedding model (KEFU_EMBEDDING_BASE_URL): vectors for knowledge-base chunks and
 * questions, so retrieval finds a passage that says the same thing in other words
 * (src/knowledge/hybrid).
 */
export interface EmbeddingModel {
  /** Names the vectors' space: vectors from models with different ids are never compared. */
  readonly id: string;
  /** One unit-length vector per text, in the order given; all of one length. */
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<Float32Array[]>;
}
