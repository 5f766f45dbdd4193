import pg from 'pg';
import type {
  AppendOptions,
  Conversation,
  ConversationCursor,
  ConversationStore,
  StoredMessage,
} from '../../contracts/conversation-store.ts';
import { DEFAULT_TENANT } from '../../contracts/conversation-store.ts';
import { parseJsonObject } from '../parse-json-object.ts';
import { checkId, checkLimit, checkTimestamp, isMessageRole, toJsonObjectText } from '../store-arguments.ts';
import { storeError } from '../store-error.ts';
import type { Migration } from '../sqlite/migrations.ts';
import type { StoreLogger } from '../sqlite/sqlite-conversation-store.ts';
import { postgresMigrations } from './migrations.ts';
import { translatePgError } from './postgres-errors.ts';
import { quoteIdent, runPostgresMigrations } from './run-postgres-migrations.ts';

export type PostgresConnection =
  /** The store opens (and on close, ends) its own pool. */
  | { url: string; pool?: never; /** Pool size per node. Default 10. */ maxConnections?: number }
  /** A pool shared with other adapters; the caller ends it after closing the store. */
  | { pool: pg.Pool; url?: never; maxConnections?: never };

export type PostgresConversationStoreOptions = PostgresConnection & {
  /** Schema for the tables (created by `migrate()`); the connection's search_path otherwise. */
  schema?: string;
  /** Receives warnings such as a corrupted JSON column that was read as `{}`. */
  logger?: StoreLogger;
  /** The schema steps; tests pass a prefix to build a database at an older version. */
  migrations?: readonly Migration[];
};

interface ConversationRow {
  id: string;
  user_id: string | null;
  tenant: string;
  channel: string;
  token_hash: string | null;
  created_at: string;
  updated_at: string;
  state: string | null;
}

interface MessageRow {
  id: string;
  conversation_id: string;
  role: string;
  content: string;
  created_at: string;
  meta: string | null;
}

const CONVERSATION = 'id, user_id, tenant, channel, token_hash, created_at, updated_at, state';
const MESSAGE = 'id, conversation_id, role, content, created_at, meta';

/** The SQL the store runs, with table names qualified by the configured schema. */
function statements(schema: string | undefined) {
  const q = (table: string) => (schema === undefined ? '' : `${quoteIdent(schema)}.`) + table;
  const C = q('conversations');
  const M = q('messages');
  const S = q('settings');
  return {
    insertConversation: `INSERT INTO ${C} (id, user_id, tenant, channel, token_hash, created_at, updated_at, state)
      VALUES ($1, $2, $3, $4, $6, $5, $5, '{}') ON CONFLICT (id) DO NOTHING`,
    getConversation: `SELECT ${CONVERSATION} FROM ${C} WHERE id = $1`,
    saveState: `UPDATE ${C} SET state = $1, updated_at = $2 WHERE id = $3`,
    // One statement, so one atomic step: lock the conversation row (which orders concurrent
    // appends to one conversation, even from several nodes), insert unless the id is taken, and
    // bump updated_at (never backwards) only when the insert happened.
    appendMessage: `
      WITH conv AS (SELECT id FROM ${C} WHERE id = $2::text FOR UPDATE),
      ins AS (
        INSERT INTO ${M} (id, conversation_id, role, content, created_at, meta)
        SELECT $1::text, conv.id, $3::text, $4::text, $5::bigint, $6::text FROM conv
        ON CONFLICT (id) DO NOTHING
        RETURNING conversation_id
      ),
      upd AS (
        UPDATE ${C} SET updated_at = GREATEST(updated_at, $5::bigint), state = COALESCE($7::text, state)
        WHERE id IN (SELECT conversation_id FROM ins) RETURNING id
      )
      SELECT (SELECT count(*) FROM conv)::int AS found, (SELECT count(*) FROM upd)::int AS inserted`,
    listMessages: `SELECT ${MESSAGE} FROM ${M} WHERE conversation_id = $1 ORDER BY created_at, seq`,
    listNewestMessages: `SELECT ${MESSAGE} FROM (
        SELECT ${MESSAGE}, seq FROM ${M} WHERE conversation_id = $1
        ORDER BY created_at DESC, seq DESC LIMIT $2
      ) AS newest ORDER BY created_at, seq`,
    deleteIdle: `DELETE FROM ${C} WHERE updated_at < $1`,
    deleteConversation: `DELETE FROM ${C} WHERE id = $1`,
    listConversations: `SELECT ${CONVERSATION} FROM ${C} ORDER BY updated_at DESC, id DESC LIMIT $1`,
    listConversationsBefore: `SELECT ${CONVERSATION} FROM ${C}
      WHERE (updated_at, id) < ($1::bigint, $2::text)
      ORDER BY updated_at DESC, id DESC LIMIT $3`,
    getSetting: `SELECT value FROM ${S} WHERE key = $1`,
    setSetting: `INSERT INTO ${S} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ping: 'SELECT 1',
  };
}

/**
 * The `ConversationStore` on PostgreSQL, for several Kefu nodes sharing one database. Same
 * contract, codes and JSON round trip as the SQLite adapter; driver errors are translated
 * (`translatePgError`), so callers behave the same on both.
 */
export function createPostgresConversationStore(options: PostgresConversationStoreOptions): ConversationStore {
  return new PostgresConversationStore(options);
}

class PostgresConversationStore implements ConversationStore {
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #schema: string | undefined;
  readonly #logger: StoreLogger | undefined;
  readonly #migrations: readonly Migration[];
  readonly #sql: ReturnType<typeof statements>;
  #closed = false;

  constructor(options: PostgresConversationStoreOptions) {
    if (options.pool !== undefined) {
      this.#pool = options.pool;
      this.#ownsPool = false;
    } else {
      this.#pool = createPool(options.url, options.maxConnections);
      this.#ownsPool = true;
    }
    this.#schema = options.schema;
    this.#logger = options.logger;
    this.#migrations = options.migrations ?? postgresMigrations;
    this.#sql = statements(options.schema);
  }

  async migrate(): Promise<void> {
    this.#checkOpen();
    try {
      await runPostgresMigrations(this.#pool, this.#migrations, {
        table: 'schema_migrations',
        ...(this.#schema === undefined ? {} : { schema: this.#schema }),
      });
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async createConversation(c: { id: string; userId: string | null; tenant?: string; channel: string; tokenHash?: string | null; now: number }): Promise<Conversation> {
    checkId('conversation id', c.id);
    checkTimestamp('now', c.now);
    const tenant = c.tenant ?? DEFAULT_TENANT;
    checkId('tenant', tenant);
    const tokenHash = c.tokenHash ?? null;
    const result = await this.#query(this.#sql.insertConversation, [c.id, c.userId, tenant, c.channel, c.now, tokenHash]);
    if (result.rowCount === 0) throw storeError('conversation_exists', `conversation ${c.id} already exists`);
    return { id: c.id, userId: c.userId, tenant, channel: c.channel, tokenHash, createdAt: c.now, updatedAt: c.now, state: {} };
  }

  async getConversation(id: string): Promise<Conversation | null> {
    const { rows } = await this.#query<ConversationRow>(this.#sql.getConversation, [id]);
    const row = rows[0];
    return row === undefined ? null : this.#toConversation(row);
  }

  async saveState(id: string, state: Record<string, unknown>, now: number): Promise<void> {
    checkTimestamp('now', now);
    const text = toJsonObjectText('state', state);
    if ((await this.#query(this.#sql.saveState, [text, now, id])).rowCount === 0) {
      throw storeError('conversation_not_found', `conversation ${id} does not exist`);
    }
  }

  async appendMessage(m: StoredMessage, options: AppendOptions = {}): Promise<void> {
    checkId('message id', m.id);
    checkTimestamp('createdAt', m.createdAt);
    if (!isMessageRole(m.role)) throw storeError('invalid_argument', `unknown message role ${String(m.role)}`);
    const meta = toJsonObjectText('meta', m.meta);
    const { rows } = await this.#query<{ found: number; inserted: number }>(this.#sql.appendMessage, [
      m.id,
      m.conversationId,
      m.role,
      m.content,
      m.createdAt,
      meta,
      options.state === undefined ? null : toJsonObjectText('state', options.state),
    ]);
    if (rows[0]?.found !== 1) throw storeError('conversation_not_found', `conversation ${m.conversationId} does not exist`);
    if (rows[0].inserted !== 1) throw storeError('message_exists', `message ${m.id} already exists`);
  }

  async listMessages(conversationId: string, limit?: number): Promise<StoredMessage[]> {
    const { rows } =
      limit === undefined
        ? await this.#query<MessageRow>(this.#sql.listMessages, [conversationId])
        : await this.#query<MessageRow>(this.#sql.listNewestMessages, [conversationId, checkLimit('limit', limit)]);
    const messages: StoredMessage[] = [];
    for (const row of rows) {
      const message = this.#toMessage(row);
      if (message !== null) messages.push(message);
    }
    return messages;
  }

  async deleteIdleConversations(before: number): Promise<number> {
    checkTimestamp('before', before);
    return (await this.#query(this.#sql.deleteIdle, [before])).rowCount ?? 0;
  }

  async deleteConversation(id: string): Promise<boolean> {
    return ((await this.#query(this.#sql.deleteConversation, [id])).rowCount ?? 0) > 0;
  }

  async listConversations(opts: { limit: number; before?: ConversationCursor }): Promise<Conversation[]> {
    const limit = checkLimit('limit', opts.limit);
    const { before } = opts;
    const { rows } =
      before === undefined
        ? await this.#query<ConversationRow>(this.#sql.listConversations, [limit])
        : await this.#query<ConversationRow>(this.#sql.listConversationsBefore, [
            checkTimestamp('before.updatedAt', before.updatedAt),
            before.id,
            limit,
          ]);
    return rows.map((row) => this.#toConversation(row));
  }

  async getSetting(key: string): Promise<string | null> {
    const { rows } = await this.#query<{ value: string }>(this.#sql.getSetting, [key]);
    return rows[0]?.value ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    checkId('setting key', key);
    await this.#query(this.#sql.setSetting, [key, value]);
  }

  async ping(): Promise<void> {
    await this.#query(this.#sql.ping, []);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsPool) await this.#pool.end();
  }

  #checkOpen(): void {
    if (this.#closed) throw storeError('store_closed', 'the conversation store is closed');
  }

  async #query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    this.#checkOpen();
    try {
      return await this.#pool.query<R>(text, values);
    } catch (error) {
      throw translatePgError(error);
    }
  }

  #toConversation(row: ConversationRow): Conversation {
    return {
      id: row.id,
      userId: row.user_id,
      tenant: row.tenant,
      channel: row.channel,
      tokenHash: row.token_hash,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      state: parseJsonObject(row.state, (reason) =>
        this.#logger?.warn({ conversationId: row.id, column: 'state', reason }, 'corrupted JSON read as {}'),
      ),
    };
  }

  #toMessage(row: MessageRow): StoredMessage | null {
    if (!isMessageRole(row.role)) {
      this.#logger?.warn({ messageId: row.id, role: row.role }, 'message with an unknown role skipped');
      return null;
    }
    return {
      id: row.id,
      conversationId: row.conversation_id,
      role: row.role,
      content: row.content,
      createdAt: Number(row.created_at),
      meta: parseJsonObject(row.meta, (reason) =>
        this.#logger?.warn({ messageId: row.id, column: 'meta', reason }, 'corrupted JSON read as {}'),
      ),
    };
  }
}

/**
 * A pool for `url` (`postgres://user:password@host:port/database?sslmode=…`). Idle clients that
 * error (the server restarted) are logged by the pool's own handler and replaced on next use.
 */
export function createPool(url: string, maxConnections = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections, idleTimeoutMillis: 30_000 });
  // Without a listener an idle client's error (server restart) would crash the process.
  pool.on('error', () => undefined);
  return pool;
}
