import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { KefuError, badRequest, notFound } from '../errors.ts';
import { migrateComponent } from '../queue/component-migrations.ts';
import type { Ticket, TicketKind, TicketStatus } from '../contracts/ticket-store.ts';
import { ticketMigrations } from './ticket-migrations.ts';
import type { NewTicket, TicketListQuery, TicketStore } from '../contracts/ticket-store.ts';

export interface SqliteTicketStoreOptions {
  /** Database file, normally the queue's `<dataDir>/queue.db`; parent folders are created. */
  path: string;
  /** How long a write waits for another connection's lock (ms). Default 5000. */
  busyTimeoutMs?: number;
}

/** A stored ticket: `created_at` in epoch ms, `seq` its insertion order. */
type TicketRow = Omit<Ticket, 'created_at'> & { seq: number; created_at: number };

const COLUMNS = 'seq, id, kind, session_id, user_id, summary, status, created_at, idempotency_key, external_ref';
const NEWEST_FIRST = 'ORDER BY created_at DESC, seq DESC LIMIT ?';
/** `status` filter, off when its (twice-given) parameter is NULL. */
const STATUS = '(? IS NULL OR status = ?)';

export function createSqliteTicketStore(options: SqliteTicketStoreOptions): TicketStore {
  return new SqliteTicketStore(options);
}

class SqliteTicketStore implements TicketStore {
  readonly #db: Database.Database;
  readonly #sql: ReturnType<typeof prepare>;
  #closed = false;

  constructor(options: SqliteTicketStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.#db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
    try {
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('secure_delete = ON'); // deleted rows are zeroed in the file (docs/privacy.md)
      this.#db.pragma('synchronous = NORMAL');
      migrateComponent(this.#db, 'tickets', ticketMigrations);
      this.#sql = prepare(this.#db);
    } catch (err) {
      this.#db.close();
      throw err;
    }
  }

  async insert(t: NewTicket): Promise<{ ticket: Ticket; created: boolean }> {
    this.#checkOpen();
    for (const [name, value] of [['session_id', t.session_id], ['idempotency_key', t.idempotency_key]] as const) {
      if (typeof value !== 'string' || value.length === 0) throw badRequest('invalid_argument', `${name} must be a non-empty string`);
    }
    const createdAt = Date.parse(t.created_at);
    if (!Number.isFinite(createdAt)) throw badRequest('invalid_argument', 'created_at must be an ISO 8601 time');
    return this.#db
      .transaction(() => {
        const inserted = this.#sql.insert.run(randomUUID(), t.kind, t.session_id, t.user_id, t.summary, createdAt, t.idempotency_key);
        const row = this.#sql.getByKey.get(t.idempotency_key);
        if (row === undefined) throw new Error(`ticket ${t.idempotency_key} missing right after its insert`);
        return { ticket: toTicket(row), created: inserted.changes === 1 };
      })
      .immediate();
  }

  async setExternalRef(id: string, externalRef: string): Promise<Ticket> {
    this.#checkOpen();
    const row = this.#sql.setExternalRef.get(externalRef, id);
    if (row === undefined) throw notFound('ticket_not_found', `No ticket ${id}`);
    return toTicket(row);
  }

  async get(id: string): Promise<Ticket | null> {
    this.#checkOpen();
    const row = this.#sql.get.get(id);
    return row === undefined ? null : toTicket(row);
  }

  async list(query: TicketListQuery): Promise<Ticket[]> {
    this.#checkOpen();
    if (!Number.isSafeInteger(query.limit) || query.limit < 1) throw badRequest('invalid_argument', 'limit must be an integer ≥ 1');
    const status = query.status ?? null;
    if (query.before === undefined) return this.#sql.list.all(status, status, query.limit).map(toTicket);
    const cursor = this.#sql.get.get(query.before);
    if (cursor === undefined) throw badRequest('invalid_cursor', `No ticket ${query.before} to list before`);
    return this.#sql.listBefore.all(status, status, cursor.created_at, cursor.created_at, cursor.seq, query.limit).map(toTicket);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw new KefuError('store_closed', 'the ticket store is closed', { status: 503, retryable: true });
  }
}

function prepare(db: Database.Database) {
  return {
    insert: db.prepare<[string, TicketKind, string, string | null, string, number, string]>(
      `INSERT INTO tickets (id, kind, session_id, user_id, summary, status, created_at, idempotency_key)
       VALUES (?, ?, ?, ?, ?, 'open', ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
    ),
    get: db.prepare<[string], TicketRow>(`SELECT ${COLUMNS} FROM tickets WHERE id = ?`),
    getByKey: db.prepare<[string], TicketRow>(`SELECT ${COLUMNS} FROM tickets WHERE idempotency_key = ?`),
    setExternalRef: db.prepare<[string, string], TicketRow>(`UPDATE tickets SET external_ref = ? WHERE id = ? RETURNING ${COLUMNS}`),
    list: db.prepare<[TicketStatus | null, TicketStatus | null, number], TicketRow>(
      `SELECT ${COLUMNS} FROM tickets WHERE ${STATUS} ${NEWEST_FIRST}`,
    ),
    listBefore: db.prepare<[TicketStatus | null, TicketStatus | null, number, number, number, number], TicketRow>(
      `SELECT ${COLUMNS} FROM tickets
       WHERE ${STATUS} AND (created_at < ? OR (created_at = ? AND seq < ?)) ${NEWEST_FIRST}`,
    ),
  };
}

function toTicket(row: TicketRow): Ticket {
  return {
    id: row.id,
    kind: row.kind,
    session_id: row.session_id,
    user_id: row.user_id,
    summary: row.summary,
    status: row.status,
    created_at: new Date(row.created_at).toISOString(),
    idempotency_key: row.idempotency_key,
    external_ref: row.external_ref,
  };
}
