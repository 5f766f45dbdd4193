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

export interface KnowledgeBase {
  /** `quarantined`: documents stored for review instead of being indexed (when a scanner is set). */
  upsert(docs: KbDocument[], onProgress?: (p: KbImportProgress) => void): Promise<{ documents: number; chunks: number; quarantined?: { id: string; findings: { kind: string; evidence: string }[] }[] }>;
  remove(docId: string): Promise<boolean>;
  search(query: string, k?: number): Promise<Passage[]>;
  stats(): Promise<{ documents: number; chunks: number }>;
}

/** Review of quarantined documents (the admin API and dashboard). */
export interface KbReview {
  quarantined(): Promise<QuarantinedDocument[]>;
  /** Indexes a quarantined document as it is; false when there is no such quarantined document. */
  approve(docId: string): Promise<boolean>;
  /** Deletes a quarantined document; false when there is no such quarantined document. */
  reject(docId: string): Promise<boolean>;
}
