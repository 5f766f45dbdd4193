import type { KbChunk, Passage } from '../contracts/knowledge-base.ts';
import { Bm25Index } from './bm25-index.ts';
import type { IndexedChunk } from './index-document.ts';
import { analyze } from './segmenter.ts';

/** A stored document as a replica holds it: retrievable when active, only its hash when held. */
export interface ReplicaDocument {
  id: string;
  title: string;
  url: string | null;
  category: string | null;
  trust: 'policy' | 'untrusted';
  hash: string;
  status: 'active' | 'quarantined';
  /** The document's chunks with their terms; ignored for a quarantined document. */
  chunks: readonly IndexedChunk[];
}

interface HeldDocument {
  title: string;
  url: string | null;
  category: string | null;
  trust: 'policy' | 'untrusted';
  hash: string;
  chunkIds: number[];
}

interface HeldChunk {
  docId: string;
  idx: number;
  text: string;
  terms: string[];
}

const DEFAULT_K = 5;

/** Shared by passages and chunks, so `chunks()` feeds a second index the fields search returns. */
function setOptionalFields(out: KbChunk, doc: HeldDocument): void {
  if (doc.trust === 'untrusted') out.trust = 'untrusted';
  if (doc.url !== null) out.url = doc.url;
  if (doc.category !== null) out.category = doc.category;
}

/**
 * One node's in-memory copy of a shared knowledge base: BM25 postings over the active documents'
 * chunks, the chunk texts a search returns, and every stored document's content hash. The shared
 * store (PostgreSQL) holds the truth; the node replays its changes here, so a search or a cache
 * hash check never waits on the network.
 */
export class KbReplica {
  readonly #index = new Bm25Index();
  readonly #docs = new Map<string, HeldDocument>();
  readonly #chunks = new Map<number, HeldChunk>();
  #nextChunkId = 1;
  /** Bumped when chunks come or go, never otherwise: a consumer re-reads every chunk when it moves. */
  #revision = 0;

  /** Adds or replaces a document. */
  put(doc: ReplicaDocument): void {
    this.delete(doc.id);
    const held: HeldDocument = { title: doc.title, url: doc.url, category: doc.category, trust: doc.trust, hash: doc.hash, chunkIds: [] };
    this.#docs.set(doc.id, held);
    if (doc.status !== 'active') return;
    for (const chunk of doc.chunks) {
      const chunkId = this.#nextChunkId++;
      this.#index.addChunkTerms(chunkId, chunk.len, chunk.terms);
      this.#chunks.set(chunkId, { docId: doc.id, idx: chunk.idx, text: chunk.text, terms: [...chunk.terms.keys()] });
      held.chunkIds.push(chunkId);
    }
    this.#revision++;
  }

  delete(id: string): void {
    const held = this.#docs.get(id);
    if (held === undefined) return;
    for (const chunkId of held.chunkIds) {
      const chunk = this.#chunks.get(chunkId);
      if (chunk !== undefined) this.#index.removeChunk(chunkId, chunk.terms);
      this.#chunks.delete(chunkId);
    }
    this.#docs.delete(id);
    if (held.chunkIds.length > 0) this.#revision++;
  }

  clear(): void {
    if (this.#chunks.size > 0) this.#revision++;
    this.#index.clear();
    this.#docs.clear();
    this.#chunks.clear();
  }

  /** The stored content hash (active or quarantined); null when the document is gone. */
  hash(id: string): string | null {
    return this.#docs.get(id)?.hash ?? null;
  }

  revision(): number {
    return this.#revision;
  }

  /** Every active document's chunks, by document id then chunk index, with the fields `search` gives. */
  chunks(): KbChunk[] {
    const out: KbChunk[] = [];
    for (const [docId, doc] of [...this.#docs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      // chunkIds are in chunk index order: `put` adds them as indexDocument made them.
      for (const chunk of doc.chunkIds.flatMap((chunkId) => this.#chunks.get(chunkId) ?? [])) {
        const c: KbChunk = { id: `${docId}#${chunk.idx}`, docId, title: doc.title, text: chunk.text };
        setOptionalFields(c, doc);
        out.push(c);
      }
    }
    return out;
  }

  stats(): { documents: number; chunks: number } {
    return { documents: this.#docs.size, chunks: this.#chunks.size };
  }

  /** Top `k` passages by BM25, as the SQLite knowledge base returns them. */
  search(query: string, k: number = DEFAULT_K): Passage[] {
    const limit = Number.isFinite(k) ? Math.floor(k) : DEFAULT_K;
    const { terms, auxiliary } = analyze(query);
    if (terms.length === 0 || limit <= 0) return [];
    const passages: Passage[] = [];
    for (const { chunkId, score, coverage } of this.#index.search(terms, limit, auxiliary)) {
      const chunk = this.#chunks.get(chunkId);
      const doc = chunk === undefined ? undefined : this.#docs.get(chunk.docId);
      if (chunk === undefined || doc === undefined) continue;
      const p: Passage = { id: `${chunk.docId}#${chunk.idx}`, docId: chunk.docId, title: doc.title, text: chunk.text, score, confidence: coverage };
      setOptionalFields(p, doc);
      passages.push(p);
    }
    return passages;
  }
}
