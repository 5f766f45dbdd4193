import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { KefuError, badRequest, notFound } from '../errors.ts';
import { createPool, type PostgresConnection } from '../store/postgres/postgres-conversation-store.ts';
import { translatePgError } from '../store/postgres/postgres-errors.ts';
import { quoteIdent, runPostgresMigrations } from '../store/postgres/run-postgres-migrations.ts';
import type { Migration } from '../store/sqlite/migrations.ts';
import type { Ticket } from '../contracts/ticket-store.ts';
import type { NewTicket, TicketListQuery, TicketStore } from '../contracts/ticket-store.ts';

export type PostgresTicketStoreOptions = PostgresConnection & {
  /** Schema for the table (created on first use); the connection's search_path otherwise. */
  schema?: string;
};

/**
 * The PostgreSQL twin of `ticketMigrations`, recorded in its own `ticket_schema_migrations`
 * table so its numbering never mixes with the conversation store's. Append; never edit.
 */
export const postgresTicketMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'tickets with one row per idempotency key',
    sql: `
      CREATE TABLE tickets (
        seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id              TEXT   NOT NULL UNIQUE,
        kind            TEXT   NOT NULL CHECK (kind IN ('handoff_after_hours', 'complaint', 'failed_action', 'callback', 'invoice')),
        session_id      TEXT   NOT NULL,
        user_id         TEXT,
        summary         TEXT   NOT NULL,
        status          TEXT   NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        created_at      BIGINT NOT NULL,
        idempotency_key TEXT   NOT NULL UNIQUE,
        external_ref    TEXT
      );
      CREATE INDEX tickets_recency ON tickets (created_at, seq);
      CREATE INDEX tickets_status_recency ON tickets (status, created_at, seq);
    `,
  },
];

/** A stored ticket as the driver returns it: BIGINT `seq` and `created_at` (epoch ms) as decimal strings. */
type TicketRow = Omit<Ticket, 'created_at'> & { seq: string; created_at: string };

const COLUMNS = 'seq, id, kind, session_id, user_id, summary, status, created_at, idempotency_key, external_ref';

function statements(schema: string | undefined) {
  const T = (schema === undefined ? '' : `${quoteIdent(schema)}.`) + 'tickets';
  const STATUS = '($1::text IS NULL OR status = $1::text)';
  return {
    insert: `INSERT INTO ${T} (id, kind, session_id, user_id, summary, status, created_at, idempotency_key)
      VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
    get: `SELECT ${COLUMNS} FROM ${T} WHERE id = $1`,
    getByKey: `SELECT ${COLUMNS} FROM ${T} WHERE idempotency_key = $1`,
    setExternalRef: `UPDATE ${T} SET external_ref = $1 WHERE id = $2 RETURNING ${COLUMNS}`,
    list: `SELECT ${COLUMNS} FROM ${T} WHERE ${STATUS} ORDER BY created_at DESC, seq DESC LIMIT $2`,
    listBefore: `SELECT ${COLUMNS} FROM ${T}
      WHERE ${STATUS} AND (created_at, seq) < ($2::bigint, $3::bigint)
      ORDER BY created_at DESC, seq DESC LIMIT $4`,
  };
}

/**
 * The `TicketStore` on PostgreSQL, for multi-node installs. Its table is created on first use
 * (under the migration advisory lock, so nodes starting together are safe).
 */
export function createPostgresTicketStore(options: PostgresTicketStoreOptions): TicketStore {
  return new PostgresTicketStore(options);
}

class PostgresTicketStore implements TicketStore {
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #schema: string | undefined;
  readonly #sql: ReturnType<typeof statements>;
  #ready: Promise<void> | null = null;
  #closed = false;

  constructor(options: PostgresTicketStoreOptions) {
    if (options.pool !== undefined) {
      this.#pool = options.pool;
      this.#ownsPool = false;
    } else {
      this.#pool = createPool(options.url, options.maxConnections);
      this.#ownsPool = true;
    }
    this.#schema = options.schema;
    this.#sql = statements(options.schema);
  }

  async insert(t: NewTicket): Promise<{ ticket: Ticket; created: boolean }> {
    this.#checkOpen();
    for (const [name, value] of [['session_id', t.session_id], ['idempotency_key', t.idempotency_key]] as const) {
      if (typeof value !== 'string' || value.length === 0) throw badRequest('invalid_argument', `${name} must be a non-empty string`);
    }
    const createdAt = Date.parse(t.created_at);
    if (!Number.isFinite(createdAt)) throw badRequest('invalid_argument', 'created_at must be an ISO 8601 time');
    const inserted = await this.#query(this.#sql.insert, [
      randomUUID(), t.kind, t.session_id, t.user_id, t.summary, createdAt, t.idempotency_key,
    ]);
    if (inserted[0] !== undefined) return { ticket: toTicket(inserted[0]), created: true };
    // The key was taken (maybe by a concurrent insert that has committed by now): return that one.
    const existing = await this.#query(this.#sql.getByKey, [t.idempotency_key]);
    if (existing[0] === undefined) throw new Error(`ticket ${t.idempotency_key} neither inserted nor found`);
    return { ticket: toTicket(existing[0]), created: false };
  }

  async setExternalRef(id: string, externalRef: string): Promise<Ticket> {
    this.#checkOpen();
    const [row] = await this.#query(this.#sql.setExternalRef, [externalRef, id]);
    if (row === undefined) throw notFound('ticket_not_found', `No ticket ${id}`);
    return toTicket(row);
  }

  async get(id: string): Promise<Ticket | null> {
    this.#checkOpen();
    const [row] = await this.#query(this.#sql.get, [id]);
    return row === undefined ? null : toTicket(row);
  }

  async list(query: TicketListQuery): Promise<Ticket[]> {
    this.#checkOpen();
    if (!Number.isSafeInteger(query.limit) || query.limit < 1) throw badRequest('invalid_argument', 'limit must be an integer ≥ 1');
    const status = query.status ?? null;
    if (query.before === undefined) return (await this.#query(this.#sql.list, [status, query.limit])).map(toTicket);
    const [cursor] = await this.#query(this.#sql.get, [query.before]);
    if (cursor === undefined) throw badRequest('invalid_cursor', `No ticket ${query.before} to list before`);
    return (await this.#query(this.#sql.listBefore, [status, cursor.created_at, cursor.seq, query.limit])).map(toTicket);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#ready?.catch(() => undefined);
    if (this.#ownsPool) await this.#pool.end();
  }

  #checkOpen(): void {
    if (this.#closed) throw new KefuError('store_closed', 'the ticket store is closed', { status: 503, retryable: true });
  }

  async #query(text: string, values: unknown[]): Promise<TicketRow[]> {
    try {
      await (this.#ready ??= this.#migrate());
      return (await this.#pool.query<TicketRow>(text, values)).rows;
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async #migrate(): Promise<void> {
    try {
      await runPostgresMigrations(this.#pool, postgresTicketMigrations, {
        table: 'ticket_schema_migrations',
        ...(this.#schema === undefined ? {} : { schema: this.#schema }),
      });
    } catch (error) {
      this.#ready = null; // the next call tries again (the database may have been down)
      throw error;
    }
  }
}

function toTicket(row: TicketRow): Ticket {
  return {
    id: row.id,
    kind: row.kind,
    session_id: row.session_id,
    user_id: row.user_id,
    summary: row.summary,
    status: row.status,
    created_at: new Date(Number(row.created_at)).toISOString(),
    idempotency_key: row.idempotency_key,
    external_ref: row.external_ref,
  };
}
