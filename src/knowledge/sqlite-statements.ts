import type Database from 'better-sqlite3';
import type { KbChunk, KbDocument, StoredKbDocument } from '../contracts/knowledge-base.ts';
import { parseTrust } from './trust/document-trust.ts';

export interface DocumentRow {
  id: string;
  title: string;
  text: string;
  lang: string | null;
  category: string | null;
  source: string | null;
  url: string | null;
  trust: string;
  status: string;
  reviewed_hash: string | null;
}

export interface QuarantineRow {
  id: string;
  title: string;
  text: string;
  trust: string;
  source: string | null;
  findings: string | null;
  updated_at: number;
}

export interface PassageRow {
  doc_id: string;
  idx: number;
  text: string;
  title: string;
  url: string | null;
  category: string | null;
  trust: string;
}

export interface StoredRow extends DocumentRow {
  hash: string;
  updated_at: number;
}

const STORED_COLUMNS = 'id, title, text, lang, category, source, url, trust, status, reviewed_hash, hash, updated_at';

/** Every statement the SQLite knowledge base runs, prepared once per connection. */
export const prepareStatements = (db: Database.Database) => ({
  /** Prepared once: `db.pragma()` prepares its statement on every call (2% of a KB turn's CPU). */
  dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
  docHash: db.prepare<[string], string>('SELECT hash FROM documents WHERE id = ?').pluck(),
  upsertDoc: db.prepare<[string, string, string, string | null, string | null, string | null, string | null, string, number, string, string, string | null]>(
    `INSERT INTO documents (id, title, text, lang, category, source, url, hash, updated_at, trust, status, findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET title = excluded.title, text = excluded.text, lang = excluded.lang,
       category = excluded.category, source = excluded.source, url = excluded.url, hash = excluded.hash,
       updated_at = excluded.updated_at, trust = excluded.trust, status = excluded.status, findings = excluded.findings`,
  ),
  reviewedHash: db.prepare<[string], string | null>('SELECT reviewed_hash FROM documents WHERE id = ?').pluck(),
  docStatus: db.prepare<[string], string>('SELECT status FROM documents WHERE id = ?').pluck(),
  document: db.prepare<[string], DocumentRow & { hash: string }>('SELECT id, title, text, lang, category, source, url, trust, status, reviewed_hash, hash FROM documents WHERE id = ?'),
  quarantined: db.prepare<[], QuarantineRow>(
    `SELECT id, title, text, trust, source, findings, updated_at FROM documents WHERE status = 'quarantined' ORDER BY updated_at DESC, id`,
  ),
  setReviewed: db.prepare<[string, string]>('UPDATE documents SET reviewed_hash = ? WHERE id = ?'),
  approve: db.prepare<[string, string]>(`UPDATE documents SET status = 'active', reviewed_hash = hash WHERE id = ? AND hash = ?`),
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
    `SELECT c.doc_id, c.idx, c.text, d.title, d.url, d.category, d.trust
     FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE c.id = ?`,
  ),
  /** Quarantined documents have no chunks; the status test keeps it so should that ever change. */
  activeChunks: db.prepare<[], PassageRow>(
    `SELECT c.doc_id, c.idx, c.text, d.title, d.url, d.category, d.trust
     FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE d.status = 'active' ORDER BY c.doc_id, c.idx`,
  ),
  allChunks: db.prepare<[], [number, number]>('SELECT id, len FROM chunks').raw(),
  /** One row per term: "chunk_id:tf,chunk_id:tf,..." (3x faster to load than one row per posting). */
  allPostings: db.prepare<[], [string, string]>(`SELECT term, group_concat(chunk_id || ':' || tf) FROM postings GROUP BY term`).raw(),
  allDocuments: db.prepare<[], DocumentRow>('SELECT id, title, text, lang, category, source, url, trust, status, reviewed_hash FROM documents'),
  stored: db.prepare<[string], StoredRow>(`SELECT ${STORED_COLUMNS} FROM documents WHERE id = ?`),
  storedCount: db.prepare<{ like: string | null }, number>(
    `SELECT COUNT(*) FROM documents WHERE @like IS NULL OR id LIKE @like ESCAPE '\\' OR title LIKE @like ESCAPE '\\'`,
  ).pluck(),
  storedPage: db.prepare<{ like: string | null; limit: number; offset: number }, StoredRow>(
    `SELECT ${STORED_COLUMNS} FROM documents WHERE @like IS NULL OR id LIKE @like ESCAPE '\\' OR title LIKE @like ESCAPE '\\'
     ORDER BY updated_at DESC, id LIMIT @limit OFFSET @offset`,
  ),
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
  if (parseTrust(row.trust) === 'untrusted') doc.trust = 'untrusted';
  return doc;
}

/** The same fields for a chunk as for its passage (`chunks()` feeds a second index beside search). */
export function rowToChunk(row: PassageRow): KbChunk {
  const chunk: KbChunk = { id: `${row.doc_id}#${row.idx}`, docId: row.doc_id, title: row.title, text: row.text };
  setOptionalFields(chunk, row);
  return chunk;
}

/** Absent rather than null, and no `trust` for policy: what search has always returned. */
export function setOptionalFields(out: KbChunk, row: PassageRow): void {
  if (row.trust === 'untrusted') out.trust = 'untrusted';
  if (row.url !== null) out.url = row.url;
  if (row.category !== null) out.category = row.category;
}

export function rowToStored(row: StoredRow): StoredKbDocument {
  return {
    id: row.id,
    title: row.title,
    text: row.text,
    lang: row.lang === 'zh' || row.lang === 'en' ? row.lang : null,
    category: row.category,
    source: row.source,
    url: row.url,
    trust: parseTrust(row.trust) === 'untrusted' ? 'untrusted' : 'policy',
    status: row.status === 'quarantined' ? 'quarantined' : 'active',
    hash: row.hash,
    updatedAt: Number(row.updated_at),
  };
}

/** A LIKE pattern matching `query` as a plain substring (`\\` escapes); null for no filter. */
export function likePattern(query: string | undefined): string | null {
  const q = (query ?? '').trim();
  return q.length === 0 ? null : `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}
