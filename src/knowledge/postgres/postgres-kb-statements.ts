import type { KbDocument, QuarantinedDocument, StoredKbDocument } from '../../contracts/knowledge-base.ts';
import { qualifyTable } from '../../store/postgres/qualify-table.ts';
import { indexDocument, type IndexedChunk } from '../index-document.ts';
import type { ReplicaDocument } from '../kb-replica.ts';
import { rowToDocument } from '../sqlite-statements.ts';
import type { TrustFinding } from '../trust/document-trust.ts';

/** A `kb_documents` row as the pg driver returns it (BIGINT as text). */
export interface KbRow {
  id: string;
  title: string;
  text: string;
  lang: string | null;
  category: string | null;
  source: string | null;
  url: string | null;
  hash: string;
  updated_at: string;
  trust: string;
  status: string;
  findings: string | null;
  reviewed_hash: string | null;
  chunks: string | null;
  index_version: string | null;
  seq: string;
}

const COLUMNS = 'id, title, text, lang, category, source, url, hash, updated_at, trust, status, findings, reviewed_hash, chunks, index_version, seq';
/** Under this lock every write takes its `seq` and commits, so `seq` order is commit order. */
export const KB_WRITE_LOCK = 'kb_documents.write';

/** Every statement the PostgreSQL knowledge base runs, for one schema. */
export function kbStatements(schema: string | undefined) {
  const D = qualifyTable(schema, 'kb_documents');
  const next = `nextval('${qualifyTable(schema, 'kb_document_seq').replaceAll("'", "''")}')`;
  const like = `($1::text IS NULL OR id ILIKE $1 ESCAPE '\\' OR title ILIKE $1 ESCAPE '\\')`;
  return {
    lock: `SELECT pg_advisory_xact_lock(hashtext($1))`,
    current: `SELECT id, hash, reviewed_hash FROM ${D} WHERE id = ANY($1::text[]) AND status <> 'deleted'`,
    // A tombstone's approval went with it: a document written again is scanned like a new one.
    upsert: `INSERT INTO ${D} AS d (id, title, text, lang, category, source, url, hash, updated_at, trust, status, findings, chunks, index_version, seq)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, ${next})
      ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, text = EXCLUDED.text, lang = EXCLUDED.lang, category = EXCLUDED.category,
        source = EXCLUDED.source, url = EXCLUDED.url, hash = EXCLUDED.hash, updated_at = EXCLUDED.updated_at, trust = EXCLUDED.trust,
        status = EXCLUDED.status, findings = EXCLUDED.findings, chunks = EXCLUDED.chunks, index_version = EXCLUDED.index_version, seq = EXCLUDED.seq,
        reviewed_hash = CASE WHEN d.status = 'deleted' THEN NULL ELSE d.reviewed_hash END`,
    approve: `UPDATE ${D} SET status = 'active', reviewed_hash = hash, seq = ${next} WHERE id = $1 AND status = 'quarantined' RETURNING id`,
    // The text goes with the document; the row stays so every node learns of the removal.
    remove: `UPDATE ${D} SET status = 'deleted', title = '', text = '', findings = NULL, chunks = NULL, reviewed_hash = NULL, updated_at = $2, seq = ${next}
      WHERE id = $1 AND status <> 'deleted' AND ($3::text IS NULL OR status = $3) RETURNING id`,
    changes: `SELECT ${COLUMNS} FROM ${D} WHERE seq > $1 ORDER BY seq LIMIT $2`,
    quarantined: `SELECT ${COLUMNS} FROM ${D} WHERE status = 'quarantined' ORDER BY updated_at DESC, id`,
    document: `SELECT ${COLUMNS} FROM ${D} WHERE id = $1 AND status <> 'deleted'`,
    count: `SELECT COUNT(*)::int AS n FROM ${D} WHERE status <> 'deleted' AND ${like}`,
    page: `SELECT ${COLUMNS} FROM ${D} WHERE status <> 'deleted' AND ${like} ORDER BY updated_at DESC, id LIMIT $2 OFFSET $3`,
  };
}

export type KbStatements = ReturnType<typeof kbStatements>;

/** Chunks as stored: `[idx, text, len, [[term, tf], ...]]` per chunk. */
type StoredChunk = [number, string, number, [string, number][]];

export function encodeChunks(chunks: readonly IndexedChunk[]): string {
  return JSON.stringify(chunks.map((c): StoredChunk => [c.idx, c.text, c.len, [...c.terms]]));
}

function decodeChunks(text: string): IndexedChunk[] {
  return (JSON.parse(text) as StoredChunk[]).map(([idx, chunkText, len, terms]) => ({ idx, text: chunkText, len, terms: new Map(terms) }));
}

const rowDocument = (row: KbRow): KbDocument => rowToDocument(row);

/** A row for a replica: the stored chunks when this node's tokenizer wrote them, else chunked here. */
export function rowToReplica(row: KbRow, indexVersion: string): ReplicaDocument {
  const active = row.status === 'active';
  const chunks = !active ? [] : row.chunks !== null && row.index_version === indexVersion ? decodeChunks(row.chunks) : indexDocument(rowDocument(row));
  return {
    id: row.id,
    title: row.title,
    url: row.url,
    category: row.category,
    trust: row.trust === 'untrusted' ? 'untrusted' : 'policy',
    hash: row.hash,
    status: active ? 'active' : 'quarantined',
    chunks,
  };
}

export function rowToStoredDocument(row: KbRow): StoredKbDocument {
  return {
    id: row.id,
    title: row.title,
    text: row.text,
    lang: row.lang === 'zh' || row.lang === 'en' ? row.lang : null,
    category: row.category,
    source: row.source,
    url: row.url,
    trust: row.trust === 'untrusted' ? 'untrusted' : 'policy',
    status: row.status === 'quarantined' ? 'quarantined' : 'active',
    hash: row.hash,
    updatedAt: Number(row.updated_at),
  };
}

export function rowToQuarantined(row: KbRow): QuarantinedDocument {
  return {
    id: row.id,
    title: row.title,
    text: row.text,
    trust: row.trust === 'untrusted' ? 'untrusted' : 'policy',
    source: row.source,
    findings: row.findings === null ? [] : (JSON.parse(row.findings) as TrustFinding[]),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}
