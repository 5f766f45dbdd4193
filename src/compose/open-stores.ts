import path from 'node:path';
import type pg from 'pg';
import { createPostgresAuditLog } from '../audit/postgres-audit-log.ts';
import { loadAuditKeying } from '../audit/load-audit-key.ts';
import { createSqliteAuditLogStore } from '../audit/sqlite-audit-log-store.ts';
import { clusterKey } from '../config/cluster-key.ts';
import type { ApiKeyStore } from '../contracts/api-key-store.ts';
import type { AuditLog, SignedAuditCheckpoint } from '../contracts/audit-log.ts';
import type { ConversationStore } from '../contracts/conversation-store.ts';
import type { HandoffQueue } from '../contracts/handoff-queue.ts';
import type { PiiVaultStore } from '../contracts/pii-vault.ts';
import type { RetainedFiles } from '../contracts/retained-files.ts';
import { createPostgresHandoffQueue } from '../handoff/postgres-handoff-queue.ts';
import { createSqliteHandoffQueue } from '../handoff/sqlite-handoff-queue.ts';
import { createPostgresRetainedFiles } from '../multimodal/postgres-retained-files.ts';
import { createSqliteRetainedFiles } from '../multimodal/retained-files.ts';
import { loadVaultKey } from '../safety/pii/load-vault-key.ts';
import { createPostgresPiiVault } from '../safety/pii/postgres-pii-vault.ts';
import { createSqlitePiiVaultStore } from '../safety/pii/sqlite-pii-vault-store.ts';
import { createUserIdSealer, type UserIdSealer } from '../safety/pii/stored-user-id.ts';
import { createPostgresApiKeyStore } from '../server/postgres-api-key-store.ts';
import { createSqliteApiKeyStore } from '../server/sqlite-api-key-store.ts';
import { createPool, createPostgresConversationStore } from '../store/postgres/postgres-conversation-store.ts';
import { createSqliteConversationStore } from '../store/sqlite/sqlite-conversation-store.ts';
import { withSealedUserIds } from '../store/with-sealed-user-ids.ts';
import type { RootContext } from './root-context.ts';

export interface Stores {
  /** KEFU_DATABASE_URL's pool; null on one node. */
  pgPool: pg.Pool | null;
  store: ConversationStore;
  vaultKey: Buffer;
  userIds: UserIdSealer;
  handoffs: HandoffQueue;
  keys: ApiKeyStore;
}

/**
 * One node: everything in <data dir>/kefu.db. With KEFU_DATABASE_URL, conversations, messages,
 * settings, tickets, the handoff queue, outcomes and API keys live in PostgreSQL, shared by all
 * nodes (the local file is still migrated for the CLI commands that read it).
 */
export async function openStores(ctx: RootContext): Promise<Stores> {
  const { config, logger, now, closing } = ctx;
  const local = createSqliteConversationStore({ path: path.join(config.dataDir, 'kefu.db') });
  await local.migrate();
  const pgPool = config.databaseUrl === null ? null : createPool(config.databaseUrl, 10);
  if (pgPool !== null) closing.defer(() => pgPool.end());
  let store: ConversationStore = local;
  if (pgPool !== null) {
    await local.close();
    store = createPostgresConversationStore({ pool: pgPool, logger });
    await store.migrate();
  }
  // A customer id that is personal data (a phone number, an email) is stored sealed with a key
  // derived from the vault key; sessions and order flows see the real id in memory only.
  // A cluster shares the vault (and the sealed ids), so its key comes from the environment, one for all nodes.
  const vaultKey = pgPool === null ? loadVaultKey(config.vaultKey, ctx.keyLocation, ctx.warn) : clusterKey(config.vaultKey, 'KEFU_VAULT_KEY');
  const userIds = createUserIdSealer(vaultKey);
  store = withSealedUserIds(store, userIds);
  const sealed = store;
  closing.defer(() => sealed.close());
  const localDb = path.join(config.dataDir, 'kefu.db');
  const handoffs = pgPool === null ? createSqliteHandoffQueue({ path: localDb, now }) : createPostgresHandoffQueue({ pool: pgPool, now });
  const keys = pgPool === null ? createSqliteApiKeyStore({ path: localDb, now }) : createPostgresApiKeyStore({ pool: pgPool, now });
  closing.defer(() => keys.close());
  closing.defer(() => handoffs.shutdown());
  return { pgPool, store, vaultKey, userIds, handoffs, keys };
}

/**
 * Keyed with a key outside the data dir; a signed checkpoint goes to the log now and then, for an
 * operator who ships logs elsewhere to compare with (`kefu audit verify --checkpoint`). One node:
 * <data dir>/audit.db and its head file. A cluster: one chain in PostgreSQL that every node
 * appends to, keyed with KEFU_AUDIT_KEY (the same on all nodes), so any node verifies all.
 */
export async function openAuditLog(ctx: RootContext, pgPool: pg.Pool | null): Promise<AuditLog> {
  const { config, logger, now } = ctx;
  const checkpoints = { everyEntries: config.auditCheckpoint.entries, everyMs: config.auditCheckpoint.ms, emit: (checkpoint: SignedAuditCheckpoint) => logger.info({ auditCheckpoint: checkpoint }, 'audit checkpoint') };
  const audit = pgPool === null
    ? createSqliteAuditLogStore({ path: path.join(config.dataDir, 'audit.db'), now, headFileDelayMs: config.auditHeadFlushMs, ...loadAuditKeying(config.auditKey, ctx.keyLocation, true, ctx.warn), checkpoints })
    : await createPostgresAuditLog({ pool: pgPool, key: clusterKey(config.auditKey, 'KEFU_AUDIT_KEY'), now, checkpoints });
  ctx.closing.defer(() => audit.close());
  const prune = async () => {
    if (config.auditRetentionDays === null) return;
    try {
      const pruned = await audit.prune(config.auditRetentionDays * 86_400_000);
      if (pruned.removed > 0) logger.info({ removed: pruned.removed, checkpoint: pruned.checkpoint }, 'audit log pruned to the retention period');
    } catch (err) {
      logger.error({ err }, 'audit prune failed (the log may have been tampered with: run kefu audit verify)');
    }
  };
  await prune();
  ctx.closing.every(6 * 3_600_000, () => void prune());
  return audit;
}

/**
 * The PII vault — one node: <data dir>/pii-vault.db; a cluster: PostgreSQL, so a pseudonym made on
 * one node is revealed on another — and the pictures kept with their session, encrypted with a
 * key from the vault key, only with KEFU_IMAGE_RETENTION=on and only as long as their session
 * (one node: <data dir>/retained-files.db; a cluster: PostgreSQL, so an agent on any node sees them).
 */
export async function openPrivateStores(ctx: RootContext, stores: Stores): Promise<{ vault: PiiVaultStore; retainedFiles: RetainedFiles | null }> {
  const { config, logger, now, closing } = ctx;
  const { pgPool, vaultKey, store } = stores;
  const vault = pgPool === null ? createSqlitePiiVaultStore({ path: path.join(config.dataDir, 'pii-vault.db'), key: vaultKey }) : await createPostgresPiiVault({ pool: pgPool, key: vaultKey, now });
  closing.defer(() => vault.close());
  closing.every(3_600_000, () => {
    vault.purgeOlderThan(now() - 2 * config.sessionTtlMs).catch((err: unknown) => logger.error({ err }, 'PII vault purge failed'));
  });
  const retainedFiles = !config.images.retain
    ? null
    : pgPool === null
      ? createSqliteRetainedFiles({ path: path.join(config.dataDir, 'retained-files.db'), key: vaultKey, now })
      : await createPostgresRetainedFiles({ pool: pgPool, key: vaultKey, now });
  if (retainedFiles !== null) {
    closing.defer(() => retainedFiles.close());
    closing.every(60_000, () => {
      retainedFiles.purgeGone(async (id) => (await store.getConversation(id)) !== null).catch((err: unknown) => logger.error({ err }, 'retained files purge failed'));
    });
  }
  return { vault, retainedFiles };
}
