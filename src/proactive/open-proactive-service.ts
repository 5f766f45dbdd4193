import path from 'node:path';
import type pg from 'pg';
import { createPostgresProactiveLedger } from './postgres-proactive-ledger.ts';
import type { ProactiveRule } from './proactive-rules.ts';
import { createProactiveService, type ProactiveService } from './proactive-service.ts';

/**
 * The proactive service on `<data dir>/proactive.db`, or, given the node's PostgreSQL pool
 * (KEFU_DATABASE_URL), on tables every node shares: a visitor's daily limit holds cluster-wide.
 */
export async function openProactiveService(options: { dataDir: string; pool: pg.Pool | null; rules: ProactiveRule[]; now?: () => number; timeZone?: string }): Promise<ProactiveService> {
  const { dataDir, pool, ...rest } = options;
  if (pool === null) return createProactiveService(Object.assign({}, rest, { path: path.join(dataDir, 'proactive.db') }));
  return createProactiveService(Object.assign({}, rest, { ledger: await createPostgresProactiveLedger({ pool }) }));
}
