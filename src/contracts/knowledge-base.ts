/** A document as imported (one FAQ entry, one markdown section, one CSV row). */
export interface KbDocument {
  /** Stable id; re-importing the same id replaces the document (incremental index update). */
  id: string;
  title: string;
  text: string;
  lang?: 'zh' | 'en';
  category?: string;
  source?: string;
  url?: string;
  /** Default `policy` (the shop's own words); `untrusted` for reviews, supplier notes (src/knowledge/trust). */
  trust?: 'policy' | 'untrusted';
}

/** A retrieved passage: a chunk of a document with its BM25 score. */
export interface Passage {
  /** `${docId}#${chunkIndex}` */
  id: string;
  docId: string;
  title: string;
  text: string;
  score: number;
  /**
   * Optional, 0..1: idf-weighted share of the query's terms that occur in this passage. Comparable
   * across queries, unlike the raw BM25 score; use it to decide whether the top passage is strong
   * enough to ground an answer.
   */
  confidence?: number;
  url?: string;
  category?: string;
  /** `untrusted`: context only, never quoted to the customer nor backing a commitment. Absent: policy. */
  trust?: 'policy' | 'untrusted';
  /**
   * Cosine similarity of the passage's embedding to the question's, when an embedding model is
   * configured (src/knowledge/hybrid). Absent: found by BM25 alone.
   */
  similarity?: number;
}

/** A retrievable chunk as the index holds it, for a second index over the same chunks (vectors). */
export interface KbChunk {
  /** `${docId}#${chunkIndex}`, as in Passage. */
  id: string;
  docId: string;
  title: string;
  text: string;
  url?: string;
  category?: string;
  trust?: 'policy' | 'untrusted';
}

export interface KbImportProgress {
  done: number;
  total: number;
}

/** A document the scanner held back, with why (src/knowledge/trust/scan-document.ts). */
export interface QuarantinedDocument {
  id: string;
  title: string;
  text: string;
  trust: 'policy' | 'untrusted';
  source: string | null;
  findings: { kind: string; evidence: string }[];
  updatedAt: string;
}

/** A document as stored, active or held for review: what the admin API browses. */
export interface StoredKbDocument {
  id: string;
  title: string;
  text: string;
  lang: 'zh' | 'en' | null;
  category: string | null;
  source: string | null;
  url: string | null;
  trust: 'policy' | 'untrusted';
  /** `quarantined`: stored for review, never retrieved (KbReview). */
  status: 'active' | 'quarantined';
  /** The content hash stored with it (contentHash): cached answers are checked against it. */
  hash: string;
  /** Epoch ms of the last write. */
  updatedAt: number;
}

export interface KbDocumentQuery {
  /** Substring of the id or title; all documents when absent or empty. */
  query?: string;
  limit: number;
  offset: number;
}

/**
 * SQLite in the data dir on one node (src/knowledge/sqlite-knowledge-base.ts); with
 * KEFU_DATABASE_URL the documents live in PostgreSQL and each node's in-memory index follows
 * changes through Redis (src/knowledge/postgres/). test/knowledge/knowledge-base.contract.ts.
 */
export interface KnowledgeBase {
  /** `quarantined`: documents stored for review instead of being indexed (when a scanner is set). */
  upsert(docs: KbDocument[], onProgress?: (p: KbImportProgress) => void): Promise<{ documents: number; chunks: number; unchanged?: number; quarantined?: { id: string; findings: { kind: string; evidence: string }[] }[] }>;
  remove(docId: string): Promise<boolean>;
  search(query: string, k?: number): Promise<Passage[]>;
  stats(): Promise<{ documents: number; chunks: number }>;
  /** One stored document (active or quarantined); null when there is none. */
  getDocument(id: string): Promise<StoredKbDocument | null>;
  /** Stored documents, most recently written first (ties by id), and how many match in all. */
  listDocuments(query: KbDocumentQuery): Promise<{ documents: StoredKbDocument[]; total: number }>;
  /**
   * The stored content hash of a document, null when it is gone. Synchronous and local (the
   * answer cache checks every hit with it): SQLite reads its file, PostgreSQL its node's replica.
   */
  docHash(id: string): string | null;
  /**
   * Synchronous and local: a number that changes whenever the set of retrievable chunks this node
   * sees changes (its own writes, another process's on the same file, another node's replayed).
   */
  revision(): number;
  /** Every retrievable chunk (active documents only), with the fields a search returns. */
  chunks(): Promise<KbChunk[]>;
  close(): Promise<void>;
}

/** Review of quarantined documents (the admin API and dashboard). */
export interface KbReview {
  quarantined(): Promise<QuarantinedDocument[]>;
  /** Indexes a quarantined document as it is; false when there is no such quarantined document. */
  approve(docId: string): Promise<boolean>;
  /** Deletes a quarantined document; false when there is no such quarantined document. */
  reject(docId: string): Promise<boolean>;
}
