import path from 'node:path';
import type pg from 'pg';
import type { KbReview, KnowledgeBase } from '../contracts/knowledge-base.ts';
import { createPool } from '../store/postgres/postgres-conversation-store.ts';
import { createRedisKbChangeFeed } from './kb-change-feed.ts';
import { createPostgresKnowledgeBase } from './postgres/postgres-knowledge-base.ts';
import { createSqliteKnowledgeBase } from './sqlite-knowledge-base.ts';
import { createKbScanner } from './trust/create-kb-scanner.ts';

export interface KnowledgeBaseSettings {
  dataDir: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  /** The pool the node already has for KEFU_DATABASE_URL (left open on close); else one is made. */
  pool?: pg.Pool | null;
  logger?: { warn(details: Record<string, unknown>, message: string): void };
}

/**
 * The knowledge base the configuration names: `<data dir>/kb.db` on one node; with
 * KEFU_DATABASE_URL the documents in PostgreSQL and this node's replica following every node's
 * changes (announced through Redis with KEFU_REDIS_URL, else read every 5 s). Every document
 * written is scanned first, and one with instructions, secrets or commitments is held for review.
 */
export async function openKnowledgeBase(settings: KnowledgeBaseSettings): Promise<KnowledgeBase & KbReview> {
  const scanner = createKbScanner();
  if (settings.databaseUrl === null) return createSqliteKnowledgeBase({ path: path.join(settings.dataDir, 'kb.db'), scanner });
  const ownPool = settings.pool === undefined || settings.pool === null ? createPool(settings.databaseUrl, 4) : null;
  const pool = ownPool ?? settings.pool!;
  const logger = settings.logger;
  const changes = settings.redisUrl === null ? undefined : await createRedisKbChangeFeed({ url: settings.redisUrl, ...(logger === undefined ? {} : { logger }) });
  const onClose = async () => {
    await changes?.close();
    await ownPool?.end();
  };
  return createPostgresKnowledgeBase({ pool, scanner, onClose, ...(changes === undefined ? {} : { changes }), ...(logger === undefined ? {} : { logger }) });
}
