import type Database from 'better-sqlite3';
import type { TurnRecord } from '../../contracts/outcome-tracker.ts';
import type {
  AppendOptions,
  Conversation,
  ConversationCursor,
  ConversationStore,
  NewConversation,
  StoredMessage,
} from '../../contracts/conversation-store.ts';
import { DEFAULT_TENANT } from '../../contracts/conversation-store.ts';
import { parseJsonObject } from '../parse-json-object.ts';
import { checkId, checkLimit, checkTimestamp, isMessageRole, toJsonObjectText } from '../store-arguments.ts';
import { storeError } from '../store-error.ts';
import { sqliteMigrations, type Migration } from './migrations.ts';
import { runMigrations } from './run-migrations.ts';
import { failFastWhenBusy, type FailFast } from './fail-fast-when-busy.ts';
import { commitGroup, createGroupCommit, runMembers, runPlainly, type GroupOutcome } from './group-commit.ts';
import { openSharedSqlite, type SharedSqlite } from './shared-sqlite.ts';
import { prepareStatements, type ConversationRow, type MessageRow, type SqliteStatements } from './sqlite-statements.ts';
import { prepareTurnOutcome, type TurnOutcomeStatement } from './turn-outcome.ts';

/** The part of a logger the store uses; pino and console both fit. */
export interface StoreLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface SqliteConversationStoreOptions {
  /** Database file; parent folders are created. `:memory:` works for throwaway use. */
  path: string;
  /**
   * How long a write waits for another connection's lock before failing (ms). Default 5000; the
   * file's connection is shared by its stores in this process (shared-sqlite.ts), so the first opener's counts.
   */
  busyTimeoutMs?: number;
  /** Receives warnings such as a corrupted JSON column that was read as `{}`. */
  logger?: StoreLogger;
  /** The schema steps; tests pass a prefix to build a database at an older version. */
  migrations?: readonly Migration[];
}

export function createSqliteConversationStore(options: SqliteConversationStoreOptions): ConversationStore {
  return new SqliteConversationStore(options);
}

type AppendBatch = readonly { m: StoredMessage; meta: string }[];
/** One append as the transaction takes it: the messages, the state's JSON, the outcome row, the conversation to create. */
type AppendArgs = [batch: AppendBatch, state: string | null, outcome: TurnRecord | null, create: NewConversationRow | null];
/** `insertConversation`'s arguments: id, user id, tenant, channel, token hash, created, updated. */
type NewConversationRow = [string, string | null, string, string, string | null, number, number];

function conversationRow(c: NewConversation): NewConversationRow {
  checkId('conversation id', c.id);
  checkTimestamp('now', c.now);
  const tenant = c.tenant ?? DEFAULT_TENANT;
  checkId('tenant', tenant);
  return [c.id, c.userId, tenant, c.channel, c.tokenHash ?? null, c.now, c.now];
}

class SqliteConversationStore implements ConversationStore {
  /** The outcome tracker's table is in this file: a turn's outcome row goes in its transcript's transaction. */
  readonly writesOutcomes = true;
  /** A session made for a turn is inserted in the transaction of the turn's first write. */
  readonly createsOnAppend = true;
  readonly #shared: SharedSqlite;
  readonly #db: Database.Database;
  #closed = false;
  readonly #logger: StoreLogger | undefined;
  readonly #migrations: readonly Migration[];
  #statements: SqliteStatements | null = null;
  /** Built once (with the statements it closes over): a transaction function per call shows in profiles. */
  #appendTx: Database.Transaction<(...args: AppendArgs) => void> | null = null;
  /** Several appends in one transaction: plainly, else each in its own savepoint (group-commit.ts, `commitGroup`). */
  #groupTx: { plain: Database.Transaction<(items: readonly AppendArgs[]) => void[]>; withSavepoints: Database.Transaction<(items: readonly AppendArgs[]) => GroupOutcome<void>[]> } | null = null;
  /**
   * Appends made within one turn of the event loop (concurrent customers' turns) share a commit.
   * Every other use of the store commits what is queued first (`#sql`), so writes keep their call
   * order and a read sees every write made before it, settled or not.
   */
  readonly #appends = createGroupCommit<AppendArgs, void>((items) => {
    const append = this.#appendTransaction();
    const group = this.#groupTx!;
    if (items.length > 1) return commitGroup(() => group.plain.immediate(items), () => group.withSavepoints.immediate(items));
    append.immediate(...items[0]!); // alone, no savepoint: its error fails it, as every member's would
    return [{ ok: true, value: undefined }];
  }, { failFast: (run) => (this.#failFast ??= failFastWhenBusy(this.#db))(run) });
  /** Sibling workers write this file too: a taken write lock is waited for on the event loop. */
  #failFast: FailFast | null = null;
  #turnOutcome: TurnOutcomeStatement | null = null;

  constructor(options: SqliteConversationStoreOptions) {
    // WAL, synchronous NORMAL, foreign keys, and deleted transcripts zeroed in the file (secure_delete).
    this.#shared = openSharedSqlite(options.path, options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs });
    this.#db = this.#shared.db;
    this.#logger = options.logger;
    this.#migrations = options.migrations ?? sqliteMigrations;
  }

  async migrate(): Promise<void> {
    this.#appends.flush();
    runMigrations(this.#open(), this.#migrations);
    this.#statements = null;
    this.#appendTx = null;
    this.#groupTx = null;
    this.#turnOutcome = null;
  }

  async createConversation(c: NewConversation): Promise<Conversation> {
    const row = conversationRow(c);
    if (this.#sql().insertConversation.run(...row, '{}').changes === 0) throw storeError('conversation_exists', `conversation ${c.id} already exists`);
    const [id, userId, tenant, channel, tokenHash] = row;
    return { id, userId, tenant, channel, tokenHash, createdAt: c.now, updatedAt: c.now, state: {} };
  }

  async getConversation(id: string): Promise<Conversation | null> {
    const row = this.#sql().getConversation.get(id);
    return row === undefined ? null : this.#toConversation(row);
  }

  async saveState(id: string, state: Record<string, unknown>, now: number): Promise<void> {
    checkTimestamp('now', now);
    const text = toJsonObjectText('state', state);
    if (this.#sql().saveState.run(text, now, id).changes === 0) {
      throw storeError('conversation_not_found', `conversation ${id} does not exist`);
    }
  }

  async appendMessage(m: StoredMessage, options: AppendOptions = {}): Promise<void> {
    return this.appendMessages([m], options);
  }

  async appendMessages(messages: readonly StoredMessage[], options: AppendOptions = {}): Promise<void> {
    const rows = messages.map((m) => {
      checkId('message id', m.id);
      checkTimestamp('createdAt', m.createdAt);
      if (!isMessageRole(m.role)) throw storeError('invalid_argument', `unknown message role ${String(m.role)}`);
      return { m, meta: toJsonObjectText('meta', m.meta) };
    });
    if (messages.length === 0) throw storeError('invalid_argument', 'appendMessages needs at least one message');
    if (new Set(messages.map((m) => m.conversationId)).size > 1) throw storeError('invalid_argument', 'messages appended together must share one conversation');
    const state = options.state === undefined ? null : toJsonObjectText('state', options.state);
    const outcome = options.outcome ?? null;
    const conversationId = messages[0]!.conversationId;
    if (outcome !== null && outcome.sessionId !== conversationId) throw storeError('invalid_argument', 'a turn outcome goes with its own conversation\'s messages');
    if (options.create !== undefined && options.create.id !== conversationId) throw storeError('invalid_argument', 'a conversation created on append is the messages\' own');
    const create = options.create === undefined ? null : conversationRow(options.create);
    this.#appendTransaction(); // a closed or unmigrated store fails the call itself, as before
    return this.#appends.add([rows, state, outcome, create]);
  }

  #appendTransaction(): Database.Transaction<(...args: AppendArgs) => void> {
    if (this.#appendTx !== null) return this.#appendTx;
    const sql = this.#statementsOnly();
    const write = (batch: AppendBatch, newState: string | null, turn: TurnRecord | null, created: NewConversationRow | null): void => {
      const id = batch[0]!.m.conversationId;
      let newest = batch[0]!.m.createdAt;
      for (const { m } of batch) if (m.createdAt > newest) newest = m.createdAt;
      // The conversation row is written once per append (it and its recency index were rewritten
      // per message and again for the state): a new one as the append leaves it, else one UPDATE.
      if (created !== null) {
        const [cid, userId, tenant, channel, tokenHash, createdAt, updatedAt] = created;
        if (sql.insertConversation.run(cid, userId, tenant, channel, tokenHash, createdAt, Math.max(updatedAt, newest), newState ?? '{}').changes === 0) {
          throw storeError('conversation_exists', `conversation ${cid} already exists`);
        }
      } else if (sql.touchConversation.run(newest, newest, newState, id).changes === 0) {
        throw storeError('conversation_not_found', `conversation ${id} does not exist`);
      }
      for (const { m, meta } of batch) {
        if (sql.insertMessage.run(m.id, m.conversationId, m.role, m.content, m.createdAt, meta).changes === 0) {
          throw storeError('message_exists', `message ${m.id} already exists`);
        }
      }
      if (turn !== null) (this.#turnOutcome ??= prepareTurnOutcome(this.#db))(turn, batch[batch.length - 1]!.m.createdAt);
    };
    const append = this.#db.transaction(write);
    this.#groupTx = {
      plain: this.#db.transaction((items: readonly AppendArgs[]) => runPlainly(this.#db, items, (args) => write(...args))),
      // `append` nested in a transaction is a savepoint.
      withSavepoints: this.#db.transaction((items: readonly AppendArgs[]) => runMembers(this.#db, items, (args) => append(...args))),
    };
    return (this.#appendTx = append);
  }

  async listMessages(conversationId: string, limit?: number): Promise<StoredMessage[]> {
    const sql = this.#sql();
    const rows =
      limit === undefined
        ? sql.listMessages.all(conversationId)
        : sql.listNewestMessages.all(conversationId, checkLimit('limit', limit));
    const messages: StoredMessage[] = [];
    for (const row of rows) {
      const message = this.#toMessage(row);
      if (message !== null) messages.push(message);
    }
    return messages;
  }

  async deleteIdleConversations(before: number): Promise<number> {
    checkTimestamp('before', before);
    return this.#erased(this.#sql().deleteIdle.run(before).changes);
  }

  async deleteConversation(id: string): Promise<boolean> {
    return this.#erased(this.#sql().deleteConversation.run(id).changes) > 0;
  }

  /**
   * After a delete: the WAL still holds the pages as they were before it (transcript included)
   * until a checkpoint has copied the zeroed pages into the file and the WAL is cut to nothing.
   */
  #erased(deleted: number): number {
    if (deleted > 0) this.#db.pragma('wal_checkpoint(TRUNCATE)');
    return deleted;
  }

  async listConversations(opts: { limit: number; before?: ConversationCursor }): Promise<Conversation[]> {
    const limit = checkLimit('limit', opts.limit);
    const { before } = opts;
    const rows =
      before === undefined
        ? this.#sql().listConversations.all(limit)
        : this.#sql().listConversationsBefore.all(
            checkTimestamp('before.updatedAt', before.updatedAt),
            before.updatedAt,
            before.id,
            limit,
          );
    return rows.map((row) => this.#toConversation(row));
  }

  async getSetting(key: string): Promise<string | null> {
    return this.#sql().getSetting.get(key)?.value ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    checkId('setting key', key);
    this.#sql().setSetting.run(key, value);
  }

  async ping(): Promise<void> {
    this.#sql().ping.get();
  }

  async close(): Promise<void> {
    if (!this.#closed && this.#db.open) this.#appends.flush();
    this.#statements = null;
    this.#appendTx = null;
    this.#groupTx = null;
    this.#turnOutcome = null;
    this.#closed = true;
    this.#shared.release();
  }

  #open(): Database.Database {
    if (this.#closed || !this.#db.open) throw storeError('store_closed', 'the conversation store is closed');
    return this.#db;
  }

  /** Statements compile on first use, after `migrate()` has created the tables. Queued appends commit first. */
  #sql(): SqliteStatements {
    this.#open();
    this.#appends.flush();
    return this.#statementsOnly();
  }

  #statementsOnly(): SqliteStatements {
    const db = this.#open();
    return (this.#statements ??= prepareStatements(db));
  }

  #toConversation(row: ConversationRow): Conversation {
    return {
      id: row.id,
      userId: row.user_id,
      tenant: row.tenant,
      channel: row.channel,
      tokenHash: row.token_hash,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
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
      createdAt: row.created_at,
      meta: parseJsonObject(row.meta, (reason) =>
        this.#logger?.warn({ messageId: row.id, column: 'meta', reason }, 'corrupted JSON read as {}'),
      ),
    };
  }
}
