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
}

export interface KbImportProgress {
  done: number;
  total: number;
}

export interface KnowledgeBase {
  upsert(docs: KbDocument[], onProgress?: (p: KbImportProgress) => void): Promise<{ documents: number; chunks: number }>;
  remove(docId: string): Promise<boolean>;
  search(query: string, k?: number): Promise<Passage[]>;
  stats(): Promise<{ documents: number; chunks: number }>;
}
