import { createHash } from 'node:crypto';
import { abortableSleep } from '../../abortable-sleep.ts';
import type { EmbeddingModel } from '../../contracts/embedding-model.ts';
import type { KbChunk, KbReview, KnowledgeBase, Passage } from '../../contracts/knowledge-base.ts';
import { KefuError } from '../../errors.ts';
import { CONFIDENT_PASSAGE } from '../confidence.ts';
import { fusePassages, type SemanticMatch } from './fuse-passages.ts';
import type { EmbedObserver } from './hybrid-metrics.ts';
import type { VectorCache } from './vector-cache.ts';
import { outstandingSimilarity } from './outstanding-similarity.ts';
import { dot, VectorIndex } from './vector-index.ts';
import { holderGone, leaseOwner } from './lease-owner.ts';

export interface HybridSettings {
  model: EmbeddingModel;
  cache: VectorCache;
  /** Cosine at which a passage found by its meaning alone can ground an answer. */
  minSimilarity: number;
  /** Matches each side contributes before fusion. */
  candidates?: number;
  logger?: { info(details: Record<string, unknown>, message: string): void; warn(details: Record<string, unknown>, message: string): void };
  /** Told of every call to the embedding server (src/knowledge/hybrid/hybrid-metrics.ts). */
  onEmbed?: EmbedObserver;
  /**
   * How long a search waits for its question's vector before it goes on with BM25 alone
   * (KEFU_EMBEDDING_TIMEOUT_MS). After such a failure, searches skip the vectors for `retryMs`, so
   * a hung embedding server costs one turn this wait, not every turn.
   */
  questionTimeoutMs?: number;
  /** Runs after the knowledge base is closed: frees what was opened for it (a GGUF). */
  onClose?: () => Promise<void>;
  /** After a failed embedding call, chunks wait this long before the next try (a search never waits for it). */
  retryMs?: number;
  /**
   * Processes sharing embeddings.db (the workers of `kefu serve --workers N`, `kefu kb import`
   * beside a server) embed one at a time: the others read what it stores, every `pollMs`. Its
   * right to embed lasts `leaseMs` from its last batch, so a process that died is replaced.
   */
  pollMs?: number;
  leaseMs?: number;
}

interface IndexState {
  chunks: KbChunk[];
  vectors: VectorIndex;
  byId: Map<string, Float32Array>;
}

const QUERY_MEMO = 256;
const EMBED_BATCH = 32;

/** What is embedded for a chunk: its document's title gives a short chunk its subject. */
const chunkInput = (c: KbChunk): string => `${c.title}\n${c.text}`;
const hashOf = (text: string): string => createHash('sha256').update(text).digest('base64url');

/**
 * The knowledge base with vectors beside BM25 (ARCHITECTURE: "hybrid … + vectors when an
 * embedding model is configured, fused, cited"). Every retrievable chunk is embedded once per
 * model (kept in `embeddings.db`) in the background; a search runs BM25, embeds the question,
 * scans the chunk vectors and fuses both lists (fuse-passages.ts). The chunk set follows the
 * inner knowledge base's `revision()`: a removed chunk leaves before its next search, a new one
 * joins when its vector is in. Without the embedding server, search is BM25's.
 */
export class HybridKnowledgeBase implements KnowledgeBase, KbReview {
  readonly #inner: KnowledgeBase & KbReview;
  readonly #s: Required<Omit<HybridSettings, 'logger' | 'onEmbed' | 'onClose'>> & Pick<HybridSettings, 'logger' | 'onEmbed' | 'onClose'>;
  /** This knowledge base's name in embeddings.db's `embedder` lease. */
  readonly #owner = leaseOwner();
  #seenRevision = Number.NaN;
  #syncing: Promise<void> | null = null;
  #chunks: { chunk: KbChunk; text: string; hash: string }[] = [];
  /** Chunks wait for a vector (embedding, or failed and to be tried again). */
  #pending = false;
  /** The length of the last question vector: the space the chunk vectors must be in. */
  #queryDim: number | null = null;
  /** Until then, searches do not ask for their question's vector (it failed or hung). */
  #questionsOffUntil = 0;
  /** Why the last embedding of chunks failed; null once one succeeds. */
  #lastError: string | null = null;
  /** `idle`'s listener while it waits (the CLI's progress bar). */
  #progress: ((p: { done: number; total: number }) => void) | null = null;
  readonly #byHash = new Map<string, Float32Array>();
  /** The index over the chunks whose vectors are in, and those chunks in its order. */
  #index: IndexState | null = null;
  #embedding: Promise<void> | null = null;
  #retryAt = 0;
  readonly #queries = new Map<string, Float32Array>();
  #lastScan: { index: object; query: string; result: { matches: SemanticMatch[]; floor: number } } | null = null;
  #started = performance.now();
  #lastWarn = 0;
  /** Stops background embedding at close. */
  readonly #closing = new AbortController();

  constructor(inner: KnowledgeBase & KbReview, settings: HybridSettings) {
    this.#inner = inner;
    this.#s = Object.assign({ candidates: 20, retryMs: 30_000, questionTimeoutMs: 2000, pollMs: 1000, leaseMs: 60_000 }, settings);
  }

  /** Starts embedding what the knowledge base holds now, rather than at the first search. */
  async warm(): Promise<void> {
    await this.#sync();
  }

  /** Settles when the chunks known now have their vectors or failed to get them (tests, the CLI). */
  async idle(onProgress?: (p: { done: number; total: number }) => void): Promise<void> {
    this.#progress = onProgress ?? null;
    try {
      await this.#sync();
      while (this.#syncing !== null || this.#embedding !== null) await (this.#syncing ?? this.#embedding);
    } finally {
      this.#progress = null;
    }
  }

  async search(query: string, k: number = 5): Promise<Passage[]> {
    const limit = Number.isFinite(k) ? Math.floor(k) : 5;
    await this.#sync();
    const index = this.#index;
    if (index === null || index.vectors.size === 0 || limit <= 0 || query.trim().length === 0) return this.#inner.search(query, k);
    // BM25's wider candidate list is read only when there are vectors to fuse it with.
    const [lexical, q] = await Promise.all([this.#inner.search(query, Math.max(limit, this.#s.candidates)), this.#queryVector(query)]);
    if (q === null) return lexical.slice(0, limit);
    if (q.length !== index.vectors.dim) {
      // The server answers in another space than the stored vectors (a new model under the same
      // name): the chunks are embedded again, and until then BM25 answers.
      this.#queryDim = q.length;
      this.#warn(null, `the embedding model now gives ${q.length} dimensions, the stored vectors have ${index.vectors.dim}: embedding the knowledge base again`);
      this.#rebuild();
      this.#embedMissing();
      return lexical.slice(0, limit);
    }
    const { matches, floor } = this.#nearest(index, query, q);
    const semantic = matches.filter((m) => m.similarity >= floor);
    const similarityOf = (id: string): number | undefined => {
      const v = index.byId.get(id);
      return v === undefined || v.length !== q.length ? undefined : dot(v, q);
    };
    return fusePassages(lexical, semantic, similarityOf, { k: limit, minSimilarity: floor, confidentAt: CONFIDENT_PASSAGE });
  }

  /**
   * The vector matches of a question, kept for the next search of the same question on the same
   * index: a turn searches twice (the knowledge-first check, then the answer), and the scan is the
   * costly part (BENCHMARKS.md, "Hybrid retrieval").
   */
  #nearest(index: IndexState, query: string, q: Float32Array): { matches: SemanticMatch[]; floor: number } {
    const last = this.#lastScan;
    if (last !== null && last.index === index && last.query === query) return last.result;
    const { hits, stats } = index.vectors.nearest(q, this.#s.candidates, this.#s.minSimilarity);
    const result = {
      matches: hits.map((h) => ({ passage: toPassage(index.chunks[h.at]!), similarity: h.similarity })),
      floor: outstandingSimilarity(this.#s.minSimilarity, stats, index.vectors.size),
    };
    this.#lastScan = { index, query, result };
    return result;
  }

  async #queryVector(query: string): Promise<Float32Array | null> {
    const memo = this.#queries.get(query);
    if (memo !== undefined) return memo;
    if (Date.now() < this.#questionsOffUntil) return null;
    try {
      const [v] = await this.#embedQuestion(query);
      if (v === undefined) return null;
      if (this.#queries.size >= QUERY_MEMO) this.#queries.delete(this.#queries.keys().next().value!);
      this.#queries.set(query, v);
      return v;
    } catch (err) {
      this.#questionsOffUntil = Date.now() + this.#s.retryMs;
      this.#warn(err, `embedding the question failed: searches are BM25 only for ${Math.round(this.#s.retryMs / 1000)} s`);
      return null;
    }
  }

  /** The question's vector within questionTimeoutMs, whatever the model does with the signal (an in-process model queues calls). */
  #embedQuestion(query: string): Promise<Float32Array[]> {
    const ms = this.#s.questionTimeoutMs;
    const stop = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new KefuError('embedding_timeout', `no vector for the question within ${ms} ms`, { status: 504, retryable: true });
        stop.abort(err);
        reject(err);
      }, ms);
    });
    return Promise.race([this.#embed('question', [query], stop.signal), late]).finally(() => clearTimeout(timer));
  }

  async #embed(kind: 'chunks' | 'question', texts: string[], signal: AbortSignal = this.#closing.signal): Promise<Float32Array[]> {
    const start = performance.now();
    try {
      const vectors = await this.#s.model.embed(texts, { signal });
      this.#s.onEmbed?.(kind, 'ok', (performance.now() - start) / 1000);
      return vectors;
    } catch (err) {
      this.#s.onEmbed?.(kind, 'error', (performance.now() - start) / 1000);
      throw err;
    }
  }

  /** Chunks known, and how many of them have a vector (metrics). */
  vectorStats(): { chunks: number; embedded: number; lastError: string | null } {
    return { chunks: this.#chunks.length, embedded: this.#index?.chunks.length ?? 0, lastError: this.#lastError };
  }

  /** Follows the inner knowledge base's chunks; starts embedding the new ones. */
  #sync(): Promise<void> {
    const revision = this.#inner.revision();
    const retry = this.#pending && this.#embedding === null && Date.now() >= this.#retryAt;
    if (revision === this.#seenRevision && !retry) return Promise.resolve();
    this.#syncing ??= (async () => {
      try {
        this.#seenRevision = revision;
        // Each text is hashed once per change of the chunk set, not at every rebuild.
        this.#chunks = (await this.#inner.chunks()).map((chunk) => {
          const text = chunkInput(chunk);
          return { chunk, text, hash: hashOf(text) };
        });
        this.#rebuild(true);
        this.#embedMissing();
      } finally {
        this.#syncing = null;
      }
    })();
    return this.#syncing;
  }

  /** A vector held in memory, else (`fromStore`) the one embeddings.db keeps from an earlier run or another worker. */
  #vectorOf(hash: string, fromStore: boolean): Float32Array | undefined {
    let v = this.#byHash.get(hash);
    if (v === undefined && fromStore) {
      v = this.#s.cache.get(this.#s.model.id, hash) ?? undefined;
      if (v !== undefined) this.#byHash.set(hash, v);
    }
    return v;
  }

  /**
   * The index over the chunks whose vectors are in; vectors of chunks no longer there are let go.
   * The store is read after a change of the chunk set; while embedding, new vectors are already in
   * memory, and a chunk still waiting would be read again from SQLite at every rebuild.
   */
  #rebuild(fromStore = false): void {
    const lengths = new Map<number, number>();
    const found = this.#chunks.map((c) => {
      const v = this.#vectorOf(c.hash, fromStore);
      if (v !== undefined) lengths.set(v.length, (lengths.get(v.length) ?? 0) + 1);
      return v;
    });
    // One space: the questions' length once one is known, else the commoner one; chunks of another
    // length count as not embedded (they are embedded again).
    const dim = this.#queryDim ?? [...lengths].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
    const chunks: KbChunk[] = [];
    const vectors: Float32Array[] = [];
    const byId = new Map<string, Float32Array>();
    const kept = new Map<string, Float32Array>();
    this.#chunks.forEach((c, i) => {
      const v = found[i];
      if (v === undefined || v.length !== dim) return;
      chunks.push(c.chunk);
      vectors.push(v);
      byId.set(c.chunk.id, v);
      kept.set(c.hash, v);
    });
    if (this.#embedding === null) {
      this.#byHash.clear();
      for (const [h, v] of kept) this.#byHash.set(h, v);
    }
    this.#index = { chunks, vectors: new VectorIndex(vectors), byId };
  }

  #embedMissing(): void {
    if (this.#embedding !== null) return;
    const inIndex = this.#index?.byId ?? new Map<string, Float32Array>();
    const missing = this.#chunks.filter((c) => !inIndex.has(c.chunk.id));
    this.#pending = missing.length > 0;
    if (!this.#pending) return;
    this.#embedding = (async () => {
      const { model, cache, pollMs, leaseMs } = this.#s;
      let done = 0;
      let asked = 0;
      let rebuilt = performance.now();
      let waiting = missing;
      const advance = (n: number): void => {
        done += n;
        this.#progress?.({ done, total: missing.length });
        // New chunks become searchable as they come, but the index (n × d floats) is rebuilt at most once a second.
        if (performance.now() - rebuilt >= 1000) {
          this.#rebuild();
          rebuilt = performance.now();
        }
      };
      try {
        while (waiting.length > 0) {
          if (!cache.claim(model.id, this.#owner, leaseMs, holderGone)) {
            // Another process is embedding: what it stores is read here rather than asked for again.
            if (!(await abortableSleep(pollMs, this.#closing.signal))) return;
            const before = waiting.length;
            waiting = this.#notStored(waiting);
            advance(before - waiting.length);
            continue;
          }
          const next = waiting.slice(0, EMBED_BATCH);
          waiting = waiting.slice(EMBED_BATCH);
          // Another process may have stored some before this one took over.
          const batch = this.#notStored(next);
          if (batch.length > 0) {
            const vectors = await this.#embed('chunks', batch.map((c) => c.text));
            const entries = batch.map((c, j) => ({ hash: c.hash, vec: vectors[j]! }));
            cache.putAll(model.id, entries);
            for (const e of entries) this.#byHash.set(e.hash, e.vec);
            asked += batch.length;
          }
          advance(next.length);
        }
        this.#pending = false;
        this.#lastError = null;
        this.#s.logger?.info({ chunks: this.#chunks.length, embedded: asked, stored: done - asked, model: model.id, ms: Math.round(performance.now() - this.#started) }, 'knowledge vectors ready');
      } catch (err) {
        if (this.#closing.signal.aborted) return;
        this.#lastError = err instanceof Error ? err.message : String(err);
        this.#retryAt = Date.now() + this.#s.retryMs;
        this.#warn(err, `embedding knowledge chunks failed after ${done} of ${missing.length}: retrying in ${Math.round(this.#s.retryMs / 1000)} s; until then those chunks are found by BM25 only`);
      } finally {
        cache.release(model.id, this.#owner);
        this.#embedding = null;
        if (!this.#closing.signal.aborted) this.#rebuild();
      }
    })();
  }

  /**
   * The chunks with no vector yet, in memory or in embeddings.db (where another process may have
   * put it). Once a question has fixed the space, a vector of another length counts as none.
   */
  #notStored<C extends { hash: string }>(chunks: readonly C[]): C[] {
    const dim = this.#queryDim;
    return chunks.filter((c) => {
      const v = this.#vectorOf(c.hash, true);
      return v === undefined || (dim !== null && v.length !== dim);
    });
  }

  #warn(err: unknown, message: string): void {
    // One line a minute at most: a down embedding server must not flood the log with every turn.
    if (Date.now() - this.#lastWarn < 60_000) return;
    this.#lastWarn = Date.now();
    this.#s.logger?.warn({ err }, message);
  }

  upsert(...args: Parameters<KnowledgeBase['upsert']>): ReturnType<KnowledgeBase['upsert']> {
    return this.#inner.upsert(...args);
  }
  remove(docId: string): Promise<boolean> {
    return this.#inner.remove(docId);
  }
  stats(): Promise<{ documents: number; chunks: number }> {
    return this.#inner.stats();
  }
  getDocument(id: string): ReturnType<KnowledgeBase['getDocument']> {
    return this.#inner.getDocument(id);
  }
  listDocuments(...args: Parameters<KnowledgeBase['listDocuments']>): ReturnType<KnowledgeBase['listDocuments']> {
    return this.#inner.listDocuments(...args);
  }
  docHash(id: string): string | null {
    return this.#inner.docHash(id);
  }
  revision(): number {
    return this.#inner.revision();
  }
  chunks(): Promise<KbChunk[]> {
    return this.#inner.chunks();
  }
  quarantined(): ReturnType<KbReview['quarantined']> {
    return this.#inner.quarantined();
  }
  approve(docId: string): Promise<boolean> {
    return this.#inner.approve(docId);
  }
  reject(docId: string): Promise<boolean> {
    return this.#inner.reject(docId);
  }
  async close(): Promise<void> {
    this.#closing.abort();
    await this.#embedding;
    this.#s.cache.close();
    await this.#inner.close();
    await this.#s.onClose?.();
  }
}

/** A chunk carries a passage's fields already (KnowledgeBase.chunks()); only the score is the search's. */
const toPassage = (c: KbChunk): Passage => Object.assign({ score: 0 }, c);
