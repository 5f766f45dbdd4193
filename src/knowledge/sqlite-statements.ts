import type Database from 'better-sqlite3';
import type { KbDocument } from '../contracts/knowledge-base.ts';

export interface DocumentRow {
  id: string;
  title: string;
  text: string;
  lang: string | null;
  category: string | null;
  source: string | null;
  url: string | null;
}

export interface PassageRow {
  doc_id: string;
  idx: number;
  text: string;
  title: string;
  url: string | null;
  category: string | null;
}

/** Every statement the SQLite knowledge base runs, prepared once per connection. */
export const prepareStatements = (db: Database.Database) => ({
  docHash: db.prepare<[string], string>('SELECT hash FROM documents WHERE id = ?').pluck(),
  upsertDoc: db.prepare<[string, string, string, string | null, string | null, string | null, string | null, string, number]>(
    `INSERT INTO documents (id, title, text, lang, category, source, url, hash, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET title = excluded.title, text = excluded.text, lang = excluded.lang,
       category = excluded.category, source = excluded.source, url = excluded.url, hash = excluded.hash,
       updated_at = excluded.updated_at`,
  ),
  deleteDoc: db.prepare<[string]>('DELETE FROM documents WHERE id = ?'),
  docChunks: db.prepare<[string], { id: number; len: number }>('SELECT id, len FROM chunks WHERE doc_id = ?'),
  chunkTerms: db.prepare<[number], string>('SELECT term FROM postings WHERE chunk_id = ?').pluck(),
  deleteChunkPostings: db.prepare<[number]>('DELETE FROM postings WHERE chunk_id = ?'),
  deleteDocChunks: db.prepare<[string]>('DELETE FROM chunks WHERE doc_id = ?'),
  insertChunk: db.prepare<[string, number, string, number]>('INSERT INTO chunks (doc_id, idx, text, len) VALUES (?, ?, ?, ?)'),
  insertPosting: db.prepare<[string, number, number]>('INSERT INTO postings (term, chunk_id, tf) VALUES (?, ?, ?)'),
  addDf: db.prepare<[string, number]>(
    'INSERT INTO terms (term, df) VALUES (?, ?) ON CONFLICT (term) DO UPDATE SET df = df + excluded.df',
  ),
  dropZeroDf: db.prepare('DELETE FROM terms WHERE df <= 0'),
  addStat: db.prepare<[number, string]>('UPDATE stats SET value = value + ? WHERE key = ?'),
  stat: db.prepare<[string], number>('SELECT value FROM stats WHERE key = ?').pluck(),
  df: db.prepare<[string], number>('SELECT df FROM terms WHERE term = ?').pluck(),
  passage: db.prepare<[number], PassageRow>(
    `SELECT c.doc_id, c.idx, c.text, d.title, d.url, d.category
     FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE c.id = ?`,
  ),
  allChunks: db.prepare<[], [number, number]>('SELECT id, len FROM chunks').raw(),
  /** One row per term: "chunk_id:tf,chunk_id:tf,..." (3x faster to load than one row per posting). */
  allPostings: db.prepare<[], [string, string]>(`SELECT term, group_concat(chunk_id || ':' || tf) FROM postings GROUP BY term`).raw(),
  allDocuments: db.prepare<[], DocumentRow>('SELECT id, title, text, lang, category, source, url FROM documents'),
  getMeta: db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck(),
  setMeta: db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
});


export type KbStatements = ReturnType<typeof prepareStatements>;

export function rowToDocument(row: DocumentRow): KbDocument {
  const doc: KbDocument = { id: row.id, title: row.title, text: row.text };
  if (row.lang === 'zh' || row.lang === 'en') doc.lang = row.lang;
  if (row.category !== null) doc.category = row.category;
  if (row.source !== null) doc.source = row.source;
  if (row.url !== null) doc.url = row.url;
  return doc;
}
