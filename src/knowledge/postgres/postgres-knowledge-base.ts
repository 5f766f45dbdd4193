import type pg from 'pg';
import type {
  KbChunk, KbDocument, KbDocumentQuery, KbImportProgress, KbReview, KnowledgeBase, Passage, QuarantinedDocument, StoredKbDocument,
} from '../../contracts/knowledge-base.ts';
import { translatePgError } from '../../store/postgres/postgres-errors.ts';
import { runPostgresMigrations } from '../../store/postgres/run-postgres-migrations.ts';
import { withTransaction } from '../../store/postgres/with-transaction.ts';
import { contentHash, indexDocument, type IndexedChunk } from '../index-document.ts';
import type { KbChangeFeed } from '../kb-change-feed.ts';
import { KbReplica } from '../kb-replica.ts';
import { TOKENIZER_VERSION } from '../segmenter.ts';
import { likePattern } from '../sqlite-statements.ts';
import type { TrustFinding } from '../trust/document-trust.ts';
import type { DocumentScanner } from '../trust/scan-document.ts';
import { validateDocuments } from '../validate-documents.ts';
import { KB_MIGRATIONS_TABLE, kbPostgresMigrations } from './postgres-kb-schema.ts';
import {
  encodeChunks, KB_WRITE_LOCK, kbStatements, rowToQuarantined, rowToReplica, rowToStoredDocument, type KbRow, type KbStatements,
} from './postgres-kb-statements.ts';

export interface PostgresKnowledgeBaseOptions {
  /** The pool the conversation store uses; the pool belongs to the caller. */
  pool: pg.Pool;
  schema?: string;
  /** Same as the SQLite knowledge base: a document with findings is held for review. */
  scanner?: DocumentScanner;
  /** Announces this node's writes and hears the others' (Redis); without it, the poll alone. */
  changes?: KbChangeFeed;
  /** How often the replica reads changes it may not have been told about (default 5000 ms; 0: never). */
  pollMs?: number;
  now?: () => number;
  /** Runs last in `close()`: the feed and pool the caller opened for this knowledge base alone. */
  onClose?: () => Promise<void>;
  logger?: { warn(details: Record<string, unknown>, message: string): void };
}

export interface UpsertResult {
  documents: number;
  chunks: number;
  unchanged: number;
  quarantined: { id: string; findings: TrustFinding[] }[];
}

interface Prepared {
  doc: KbDocument;
  hash: string;
  chunks: IndexedChunk[];
  held: TrustFinding[];
}

const INDEX_VERSION = `tokenizer-${TOKENIZER_VERSION}`;
const PAGE = 1000;

/**
 * The knowledge base of a multi-node install: documents in PostgreSQL (with their chunks and
 * terms), and on each node a `KbReplica` that searches in memory. A node reads every change with a
 * higher `seq` than it has seen: after its own writes, when another node announces one (Redis),
 * and every `pollMs` in case an announcement was lost. Quarantine works as in SQLite.
 */
export class PostgresKnowledgeBase implements KnowledgeBase, KbReview {
  readonly #pool: pg.Pool;
  readonly #sql: KbStatements;
  readonly #options: PostgresKnowledgeBaseOptions;
  readonly #replica = new KbReplica();
  #seen = 0;
  #pulling: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(options: PostgresKnowledgeBaseOptions) {
    this.#options = options;
    this.#pool = options.pool;
    this.#sql = kbStatements(options.schema);
  }

  /** Migrates the tables, loads the replica and starts following changes. */
  async open(): Promise<this> {
    await runPostgresMigrations(this.#pool, kbPostgresMigrations, { table: KB_MIGRATIONS_TABLE, ...(this.#options.schema === undefined ? {} : { schema: this.#options.schema }) });
    await this.refresh();
    this.#unsubscribe = this.#options.changes?.subscribe(() => this.#follow()) ?? null;
    const pollMs = this.#options.pollMs ?? 5000;
    if (pollMs > 0) {
      this.#timer = setInterval(() => this.#follow(), pollMs);
      this.#timer.unref();
    }
    return this;
  }

  /** Reads every change since the last one this node applied (one reader at a time; a call during a read gets a second pass). */
  refresh(): Promise<void> {
    if (this.#pulling !== null) {
      this.#again = true;
      return this.#pulling;
    }
    this.#pulling = (async () => {
      do {
        this.#again = false;
        await this.#pull();
      } while (this.#again);
    })().finally(() => {
      this.#pulling = null;
    });
    return this.#pulling;
  }

  async upsert(docs: KbDocument[], onProgress?: (p: KbImportProgress) => void): Promise<UpsertResult> {
    const valid = validateDocuments(docs);
    const { prepared, unchanged } = await this.#write(async (client) => {
      const current = new Map((await client.query<{ id: string; hash: string; reviewed_hash: string | null }>(this.#sql.current, [valid.map((d) => d.id)])).rows.map((r) => [r.id, r]));
      const out: Prepared[] = [];
      let same = 0;
      for (const [i, doc] of valid.entries()) {
        const hash = contentHash(doc);
        const row = current.get(doc.id);
        if (row?.hash === hash) same++;
        else out.push(this.#prepare(doc, hash, row?.reviewed_hash ?? null));
        onProgress?.({ done: i + 1, total: valid.length });
      }
      const now = (this.#options.now ?? Date.now)();
      for (const p of out) await client.query(this.#sql.upsert, this.#upsertValues(p, now));
      return { prepared: out, unchanged: same };
    });
    if (prepared.length > 0) await this.#changed();
    const chunks = prepared.reduce((n, p) => n + (p.held.length === 0 ? p.chunks.length : 0), 0);
    return { documents: prepared.length, chunks, unchanged, quarantined: prepared.filter((p) => p.held.length > 0).map((p) => ({ id: p.doc.id, findings: p.held })) };
  }

  async remove(docId: string): Promise<boolean> {
    return this.#removeIf(docId, null);
  }

  async search(query: string, k?: number): Promise<Passage[]> {
    return this.#replica.search(query, k);
  }

  async stats(): Promise<{ documents: number; chunks: number }> {
    return this.#replica.stats();
  }

  docHash(id: string): string | null {
    return this.#replica.hash(id);
  }

  /** The replica's, as docHash: another node's write counts once the feed or the poll has replayed it. */
  revision(): number {
    return this.#replica.revision();
  }

  async chunks(): Promise<KbChunk[]> {
    return this.#replica.chunks();
  }

  async getDocument(id: string): Promise<StoredKbDocument | null> {
    const [row] = await this.#query(this.#sql.document, [id]);
    return row === undefined ? null : rowToStoredDocument(row);
  }

  async listDocuments(query: KbDocumentQuery): Promise<{ documents: StoredKbDocument[]; total: number }> {
    const like = likePattern(query.query);
    const [count, rows] = await Promise.all([
      this.#query<{ n: number }>(this.#sql.count, [like]),
      this.#query(this.#sql.page, [like, query.limit, query.offset]),
    ]);
    return { documents: rows.map(rowToStoredDocument), total: count[0]?.n ?? 0 };
  }

  async quarantined(): Promise<QuarantinedDocument[]> {
    return (await this.#query(this.#sql.quarantined, [])).map(rowToQuarantined);
  }

  /** The admin vouches for this exact content: it is indexed on every node until it changes. */
  async approve(docId: string): Promise<boolean> {
    const approved = await this.#write(async (client) => (await client.query(this.#sql.approve, [docId])).rowCount === 1);
    if (approved) await this.#changed();
    return approved;
  }

  async reject(docId: string): Promise<boolean> {
    return this.#removeIf(docId, 'quarantined');
  }

  async close(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#unsubscribe?.();
    await this.#pulling?.catch(() => undefined);
    await this.#options.onClose?.();
  }

  #prepare(doc: KbDocument, hash: string, reviewedHash: string | null): Prepared {
    const findings = this.#options.scanner?.scan(doc) ?? [];
    return { doc, hash, chunks: indexDocument(doc), held: findings.length > 0 && reviewedHash !== hash ? findings : [] };
  }

  #upsertValues({ doc, hash, chunks, held }: Prepared, now: number): unknown[] {
    return [
      doc.id, doc.title, doc.text, doc.lang ?? null, doc.category ?? null, doc.source ?? null, doc.url ?? null, hash, now,
      doc.trust ?? 'policy', held.length > 0 ? 'quarantined' : 'active', held.length > 0 ? JSON.stringify(held) : null, encodeChunks(chunks), INDEX_VERSION,
    ];
  }

  async #removeIf(docId: string, status: 'quarantined' | null): Promise<boolean> {
    const now = (this.#options.now ?? Date.now)();
    const removed = await this.#write(async (client) => (await client.query(this.#sql.remove, [docId, now, status])).rowCount === 1);
    if (removed) await this.#changed();
    return removed;
  }

  /** This node's replica reads the change before the call returns; the other nodes are told. */
  async #changed(): Promise<void> {
    await this.refresh();
    this.#options.changes?.announce();
  }

  #follow(): void {
    this.refresh().catch((err: unknown) => this.#options.logger?.warn({ err }, 'knowledge base: reading changes from PostgreSQL failed; searching the replica as it is'));
  }

  async #pull(): Promise<void> {
    for (;;) {
      const rows = await this.#query(this.#sql.changes, [this.#seen, PAGE]);
      for (const row of rows) {
        if (row.status === 'deleted') this.#replica.delete(row.id);
        else this.#replica.put(rowToReplica(row, INDEX_VERSION));
        this.#seen = Math.max(this.#seen, Number(row.seq));
      }
      if (rows.length < PAGE) return;
    }
  }

  /** One write transaction under the write lock, so `seq` order is commit order. */
  #write<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.#pool, async (client) => {
      await client.query(this.#sql.lock, [`${this.#options.schema ?? ''}.${KB_WRITE_LOCK}`]);
      return work(client);
    });
  }

  async #query<R extends pg.QueryResultRow = KbRow>(text: string, values: unknown[]): Promise<R[]> {
    try {
      return (await this.#pool.query<R>(text, values)).rows;
    } catch (error) {
      throw translatePgError(error);
    }
  }
}

export async function createPostgresKnowledgeBase(options: PostgresKnowledgeBaseOptions): Promise<PostgresKnowledgeBase> {
  return new PostgresKnowledgeBase(options).open();
}
