import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { KbChunk, KbDocument, KbDocumentQuery, KbImportProgress, KbReview, KnowledgeBase, Passage, QuarantinedDocument, StoredKbDocument } from '../contracts/knowledge-base.ts';
import { Bm25Index } from './bm25-index.ts';
import { contentHash, indexDocument, type IndexedChunk } from './index-document.ts';
import { analyze, TOKENIZER_VERSION } from './segmenter.ts';
import { DOCUMENT_COLUMNS_V2, SCHEMA_SQL, SCHEMA_VERSION } from './sqlite-schema.ts';
import type { DocumentScanner } from './trust/scan-document.ts';
import type { TrustFinding } from './trust/document-trust.ts';
import { likePattern, prepareStatements, rowToChunk, rowToDocument, rowToStored, setOptionalFields, type KbStatements, type PassageRow } from './sqlite-statements.ts';
import { validateDocuments } from './validate-documents.ts';
import { perLoopPass } from '../store/per-loop-pass.ts';

export interface SqliteKnowledgeBaseOptions {
  /** SQLite file (its folder is created), or ':memory:'. */
  path: string;
  /**
   * Scans every new or changed document before it is indexed; one with findings is stored
   * `quarantined` (not retrieved) until an admin approves it. Without a scanner nothing is held.
   */
  scanner?: DocumentScanner;
}

export interface UpsertResult {
  /** Documents written (new or changed). */
  documents: number;
  /** Chunks written for those documents. */
  chunks: number;
  /** Documents skipped because their content hash was unchanged. */
  unchanged: number;
  /** Documents stored for review instead of indexed, with the scanner's reasons. */
  quarantined: { id: string; findings: TrustFinding[] }[];
}

interface PreparedDocument {
  doc: KbDocument;
  hash: string;
  chunks: IndexedChunk[];
  /** Scanner findings not covered by an admin's approval of this exact content: stored, not indexed. */
  held: TrustFinding[];
}

/** What a committed write changed, replayed onto the in-memory index after COMMIT. */
interface IndexChanges {
  removed: { chunkId: number; terms: string[] }[];
  added: { chunkId: number; len: number; terms: Map<string, number> }[];
}

const INDEX_VERSION = `${SCHEMA_VERSION}.${TOKENIZER_VERSION}`;
const DEFAULT_K = 5;
/** Entries a memo of document hashes or passage rows holds before it starts again. */
const MEMO_SIZE = 4096;

/**
 * BM25 knowledge base persisted in SQLite: documents, chunks, postings (term, chunk, tf), document
 * frequencies and corpus stats. Every write is one transaction; the postings are mirrored in memory
 * (loaded at open, patched after each commit, reloaded when another connection changed the file),
 * so a search touches SQLite only to read the k passages it returns.
 */
export class SqliteKnowledgeBase implements KnowledgeBase, KbReview {
  readonly #db: Database.Database;
  readonly #sql: KbStatements;
  readonly #scanner: DocumentScanner | undefined;
  readonly #index = new Bm25Index();
  #dataVersion = -1;
  /**
   * Recent answers of `docHash` and recent passage rows, valid while `#memoVersion` is the file's
   * data_version; emptied by this connection's writes. The k passages of a search were read from
   * SQLite on every turn: 6% of a turn answered from the knowledge base (issue 16).
   */
  readonly #hashes = new Map<string, string | null>();
  readonly #passages = new Map<number, PassageRow | undefined>();
  #memoVersion = -1;
  /** Bumped when the index gains or loses chunks: `revision()`, which makes consumers re-read them all. */
  #revision = 0;

  constructor(options: SqliteKnowledgeBaseOptions) {
    if (options.path !== ':memory:' && options.path !== '') mkdirSync(dirname(options.path), { recursive: true });
    this.#db = new Database(options.path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.exec(SCHEMA_SQL);
    this.#migrateDocuments();
    this.#scanner = options.scanner;
    this.#sql = prepareStatements(this.#db);
    if (this.#sql.getMeta.get('index_version') !== INDEX_VERSION) this.#reindexAll();
    this.#loadIndex();
  }

  async upsert(docs: KbDocument[], onProgress?: (p: KbImportProgress) => void): Promise<UpsertResult> {
    const valid = validateDocuments(docs);
    const prepared: PreparedDocument[] = [];
    let unchanged = 0;
    valid.forEach((doc, i) => {
      const hash = contentHash(doc);
      if (this.#sql.docHash.get(doc.id) === hash) unchanged++;
      else prepared.push(this.#prepare(doc, hash, this.#sql.reviewedHash.get(doc.id) ?? null));
      onProgress?.({ done: i + 1, total: valid.length });
    });
    // IMMEDIATE: take the write lock up front (another process may import into the same file), and
    // catch up with its commits under that lock so the in-memory index is patched from a known state.
    const changes = this.#db
      .transaction(() => {
        this.#syncIndex();
        return this.#write(prepared);
      })
      .immediate();
    this.#apply(changes);
    const quarantined = prepared.filter((p) => p.held.length > 0).map((p) => ({ id: p.doc.id, findings: p.held }));
    return { documents: prepared.length, chunks: changes.added.length, unchanged, quarantined };
  }

  async quarantined(): Promise<QuarantinedDocument[]> {
    return this.#sql.quarantined.all().map((r) => ({
      id: r.id,
      title: r.title,
      text: r.text,
      trust: r.trust === 'untrusted' ? 'untrusted' : 'policy',
      source: r.source,
      findings: r.findings === null ? [] : (JSON.parse(r.findings) as TrustFinding[]),
      updatedAt: new Date(r.updated_at).toISOString(),
    }));
  }

  /** The admin vouches for this exact content: it is indexed, and stays so until it changes. */
  async approve(docId: string): Promise<boolean> {
    const changes = this.#db.transaction((): IndexChanges | null => {
      this.#syncIndex();
      const row = this.#sql.document.get(docId);
      if (row === undefined || row.status !== 'quarantined') return null;
      this.#sql.approve.run(docId, row.hash);
      const doc = rowToDocument(row);
      const out: IndexChanges = { removed: [], added: [] };
      const dfDelta = new Map<string, number>();
      this.#insertChunks(doc.id, indexDocument(doc), out, dfDelta);
      this.#flushDf(dfDelta);
      return out;
    }).immediate();
    if (changes === null) return false;
    this.#apply(changes);
    return true;
  }

  async reject(docId: string): Promise<boolean> {
    if (this.#sql.docStatus.get(docId) !== 'quarantined') return false;
    return this.remove(docId);
  }

  async remove(docId: string): Promise<boolean> {
    const changes: IndexChanges = { removed: [], added: [] };
    const existed = this.#db.transaction(() => {
      this.#syncIndex();
      const dfDelta = new Map<string, number>();
      const found = this.#removeRows(docId, changes, dfDelta);
      if (found) {
        this.#sql.deleteDoc.run(docId);
        this.#sql.addStat.run(-1, 'documents');
        this.#flushDf(dfDelta);
      }
      return found;
    }).immediate();
    this.#apply(changes);
    return existed;
  }

  async search(query: string, k: number = DEFAULT_K): Promise<Passage[]> {
    const limit = Number.isFinite(k) ? Math.floor(k) : DEFAULT_K;
    this.#syncIndex();
    const { terms, auxiliary } = analyze(query);
    if (terms.length === 0 || limit <= 0) return [];
    const passages: Passage[] = [];
    this.#freshMemo();
    for (const { chunkId, score, coverage } of this.#index.search(terms, limit, auxiliary)) {
      let row = this.#passages.get(chunkId);
      if (row === undefined && !this.#passages.has(chunkId)) {
        row = this.#sql.passage.get(chunkId);
        if (this.#passages.size >= MEMO_SIZE) this.#passages.clear();
        this.#passages.set(chunkId, row);
      }
      if (row === undefined) continue;
      const p: Passage = {
        id: `${row.doc_id}#${row.idx}`,
        docId: row.doc_id,
        title: row.title,
        text: row.text,
        score,
        confidence: coverage,
      };
      setOptionalFields(p, row);
      passages.push(p);
    }
    return passages;
  }

  async stats(): Promise<{ documents: number; chunks: number }> {
    return { documents: this.#sql.stat.get('documents') ?? 0, chunks: this.#sql.stat.get('chunks') ?? 0 };
  }

  async getDocument(id: string): Promise<StoredKbDocument | null> {
    const row = this.#sql.stored.get(id);
    return row === undefined ? null : rowToStored(row);
  }

  async listDocuments(query: KbDocumentQuery): Promise<{ documents: StoredKbDocument[]; total: number }> {
    const like = likePattern(query.query);
    const total = this.#sql.storedCount.get({ like }) ?? 0;
    const rows = this.#sql.storedPage.all({ like, limit: query.limit, offset: query.offset });
    return { documents: rows.map(rowToStored), total };
  }

  /**
   * Every answer-cache hit asks for the hashes of the documents it cites: read from memory while
   * no connection has written the file (PRAGMA data_version, which another process's commit
   * changes, and this connection's own writes empty the memory), since the SELECT cost a cache-hit
   * turn about twice the pragma's time (issue 16).
   */
  docHash(id: string): string | null {
    this.#freshMemo();
    let hash = this.#hashes.get(id);
    if (hash === undefined) {
      hash = this.#sql.docHash.get(id) ?? null;
      if (this.#hashes.size >= MEMO_SIZE) this.#hashes.clear();
      this.#hashes.set(id, hash);
    }
    return hash;
  }

  /** Syncs first: another process's commit to the file counts as a change once this pass sees it. */
  revision(): number {
    this.#syncIndex();
    return this.#revision;
  }

  async chunks(): Promise<KbChunk[]> {
    return this.#sql.activeChunks.all().map(rowToChunk);
  }

  /** Document frequency of an index term as stored in SQLite (for diagnostics and tests). */
  documentFrequency(term: string): number {
    return this.#sql.df.get(term) ?? 0;
  }

  /** Corpus statistics as stored in SQLite: passage count and average passage length in terms. */
  corpusStats(): { chunks: number; avgdl: number } {
    const chunks = this.#sql.stat.get('chunks') ?? 0;
    const totalLen = this.#sql.stat.get('total_len') ?? 0;
    return { chunks, avgdl: chunks === 0 ? 0 : totalLen / chunks };
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  /** Inside a transaction: replace the prepared documents' rows; returns the index changes. */
  #write(prepared: readonly PreparedDocument[]): IndexChanges {
    const changes: IndexChanges = { removed: [], added: [] };
    const dfDelta = new Map<string, number>();
    const now = Date.now();
    let newDocs = 0;
    for (const { doc, hash, chunks, held } of prepared) {
      if (!this.#removeRows(doc.id, changes, dfDelta)) newDocs++;
      const status = held.length > 0 ? 'quarantined' : 'active';
      this.#sql.upsertDoc.run(
        doc.id, doc.title, doc.text, doc.lang ?? null, doc.category ?? null, doc.source ?? null, doc.url ?? null, hash, now,
        doc.trust ?? 'policy', status, held.length > 0 ? JSON.stringify(held) : null,
      );
      // A held document keeps its row (for review) but gets no chunks: search cannot return it.
      if (held.length === 0) this.#insertChunks(doc.id, chunks, changes, dfDelta);
    }
    this.#sql.addStat.run(newDocs, 'documents');
    this.#flushDf(dfDelta);
    return changes;
  }

  /** Inside a transaction: a document's chunks and postings. */
  #insertChunks(docId: string, chunks: readonly IndexedChunk[], changes: IndexChanges, dfDelta: Map<string, number>): void {
    let lenSum = 0;
    for (const chunk of chunks) {
      const chunkId = Number(this.#sql.insertChunk.run(docId, chunk.idx, chunk.text, chunk.len).lastInsertRowid);
      for (const [term, tf] of chunk.terms) {
        this.#sql.insertPosting.run(term, chunkId, tf);
        dfDelta.set(term, (dfDelta.get(term) ?? 0) + 1);
      }
      lenSum += chunk.len;
      changes.added.push({ chunkId, len: chunk.len, terms: chunk.terms });
    }
    this.#sql.addStat.run(chunks.length, 'chunks');
    this.#sql.addStat.run(lenSum, 'total_len');
  }

  #prepare(doc: KbDocument, hash: string, reviewedHash: string | null): PreparedDocument {
    const findings = this.#scanner?.scan(doc) ?? [];
    return { doc, hash, chunks: indexDocument(doc), held: findings.length > 0 && reviewedHash !== hash ? findings : [] };
  }

  /** Files written before version 2 have no trust or review columns. */
  #migrateDocuments(): void {
    const have = new Set(this.#db.prepare<[], { name: string }>('PRAGMA table_info(documents)').all().map((c) => c.name));
    for (const [name, type] of DOCUMENT_COLUMNS_V2) if (!have.has(name)) this.#db.exec(`ALTER TABLE documents ADD COLUMN ${name} ${type}`);
  }

  /** Inside a transaction: delete a document's chunks and postings (not the document row). */
  #removeRows(docId: string, changes: IndexChanges, dfDelta: Map<string, number>): boolean {
    if (this.#sql.docHash.get(docId) === undefined) return false;
    let lenSum = 0;
    const chunks = this.#sql.docChunks.all(docId);
    for (const { id, len } of chunks) {
      const terms = this.#sql.chunkTerms.all(id);
      for (const term of terms) dfDelta.set(term, (dfDelta.get(term) ?? 0) - 1);
      this.#sql.deleteChunkPostings.run(id);
      changes.removed.push({ chunkId: id, terms });
      lenSum += len;
    }
    this.#sql.deleteDocChunks.run(docId);
    this.#sql.addStat.run(-chunks.length, 'chunks');
    this.#sql.addStat.run(-lenSum, 'total_len');
    return true;
  }

  #flushDf(dfDelta: ReadonlyMap<string, number>): void {
    let dropped = false;
    for (const [term, delta] of dfDelta) {
      if (delta === 0) continue;
      this.#sql.addDf.run(term, delta);
      if (delta < 0) dropped = true;
    }
    if (dropped) this.#sql.dropZeroDf.run();
  }

  /** Empties the memos once another connection has committed to the file. */
  #freshMemo(): void {
    const version = this.#currentDataVersion();
    if (version === this.#memoVersion) return;
    this.#clearMemo();
    this.#memoVersion = version;
  }

  #clearMemo(): void {
    this.#hashes.clear();
    this.#passages.clear();
  }

  #apply(changes: IndexChanges): void {
    this.#clearMemo();
    if (changes.removed.length > 0 || changes.added.length > 0) this.#revision++;
    for (const { chunkId, terms } of changes.removed) this.#index.removeChunk(chunkId, terms);
    for (const { chunkId, len, terms } of changes.added) this.#index.addChunkTerms(chunkId, len, terms);
  }

  #currentDataVersion = perLoopPass(() => this.#readDataVersion());

  #readDataVersion(): number {
    const v = this.#sql.dataVersion.get();
    return typeof v === 'number' ? v : -1;
  }

  /** Another connection (e.g. `kefu kb import` while the server runs) committed: reload. */
  #syncIndex(): void {
    if (this.#currentDataVersion() !== this.#dataVersion) this.#loadIndex();
  }

  #loadIndex(): void {
    this.#index.clear();
    for (const [id, len] of this.#sql.allChunks.iterate()) this.#index.addChunk(id, len);
    for (const [term, list] of this.#sql.allPostings.iterate()) {
      for (const pair of list.split(',')) {
        const colon = pair.indexOf(':');
        this.#index.addPosting(term, Number(pair.slice(0, colon)), Number(pair.slice(colon + 1)));
      }
    }
    this.#dataVersion = this.#currentDataVersion();
    // What the other connection changed is unknown: any reload may have changed the chunks.
    this.#revision++;
  }

  /** The tokenizer or schema changed since this file was written: rebuild all chunks and postings. */
  #reindexAll(): void {
    const rows = this.#sql.allDocuments.all();
    // Approvals carry over for content that is unchanged; everything else is scanned again.
    const prepared = rows.map((row) => {
      const doc = rowToDocument(row);
      return this.#prepare(doc, contentHash(doc), row.reviewed_hash);
    });
    this.#db
      .transaction(() => {
        this.#db.exec('DELETE FROM postings; DELETE FROM chunks; DELETE FROM terms; DELETE FROM documents; UPDATE stats SET value = 0;');
        this.#write(prepared);
        for (const row of rows) if (row.reviewed_hash !== null) this.#sql.setReviewed.run(row.reviewed_hash, row.id);
        this.#sql.setMeta.run('index_version', INDEX_VERSION);
      })
      .immediate();
  }
}

export function createSqliteKnowledgeBase(options: SqliteKnowledgeBaseOptions): SqliteKnowledgeBase {
  return new SqliteKnowledgeBase(options);
}
