import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import type { ApiKeyStore } from '../../src/contracts/api-key-store.ts';
import type { ConversationStore } from '../../src/contracts/conversation-store.ts';
import type { HandoffQueue } from '../../src/contracts/handoff-queue.ts';
import type { KpiQueries } from '../../src/contracts/kpi-queries.ts';
import type { OutcomeTracker, OutcomeTrackerHooks } from '../../src/contracts/outcome-tracker.ts';
import { createPostgresHandoffQueue } from '../../src/handoff/postgres-handoff-queue.ts';
import { createSqliteHandoffQueue } from '../../src/handoff/sqlite-handoff-queue.ts';
import { createPostgresKpiQueries } from '../../src/outcomes/postgres-kpi-queries.ts';
import { createPostgresOutcomeTracker } from '../../src/outcomes/postgres-outcome-tracker.ts';
import { createSqliteKpiQueries } from '../../src/outcomes/sqlite-kpi-queries.ts';
import { createSqliteOutcomeTracker } from '../../src/outcomes/sqlite-outcome-tracker.ts';
import { createPostgresApiKeyStore } from '../../src/server/postgres-api-key-store.ts';
import { createSqliteApiKeyStore } from '../../src/server/sqlite-api-key-store.ts';
import { createPool, createPostgresConversationStore } from '../../src/store/postgres/postgres-conversation-store.ts';
import { createSqliteConversationStore } from '../../src/store/sqlite/sqlite-conversation-store.ts';
import { startPostgres } from './start-postgres.ts';

/**
 * One database's worth of the state nodes share (conversations, handoffs, outcomes, API keys,
 * KPIs), opened fresh and empty for each test. The contract suites run the same tests on a
 * SQLite file and on a schema of their own in a real PostgreSQL. Components opened through a
 * backend are closed with it.
 */
export interface SharedStateBackend {
  store: ConversationStore;
  handoffs(options?: { now?: () => number }): HandoffQueue;
  outcomes(hooks?: OutcomeTrackerHooks): OutcomeTracker;
  keys(options?: { now?: () => number }): ApiKeyStore;
  kpis(): KpiQueries;
  close(): Promise<void>;
}

export type OpenBackend = () => Promise<SharedStateBackend>;

/**
 * Calls `suite` once per database: SQLite and PostgreSQL (a throwaway cluster, or
 * KEFU_TEST_DATABASE_URL); a PostgreSQL that cannot start is a failing test that says why.
 */
export async function forEachBackend(title: string, suite: (name: 'sqlite' | 'postgres', open: OpenBackend) => void): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'kefu-shared-state-'));
  const server = await startPostgres().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  afterAll(async () => {
    rmSync(root, { recursive: true, force: true });
    if (!(server instanceof Error)) await server.stop();
  });
  let count = 0;
  suite('sqlite', async () => openSqlite(join(root, `kefu-${++count}.db`)));
  if (server instanceof Error) {
    // PostgreSQL is a Debian package (.ci/run installs it): a machine without it fails here, with
    // the reason, while the SQLite half still runs.
    describe(`${title}: postgres`, () => {
      it('starts a throwaway PostgreSQL', () => {
        throw server;
      });
    });
  } else {
    suite('postgres', async () => openPostgres(server.url, `kefu_shared_${process.pid}_${++count}`));
  }
}

async function openSqlite(path: string): Promise<SharedStateBackend> {
  const store = createSqliteConversationStore({ path });
  await store.migrate();
  const closers: (() => Promise<void>)[] = [];
  const track = <T>(c: T, close: (c: T) => Promise<void>): T => (closers.push(() => close(c)), c);
  return {
    store,
    handoffs: (o = {}) => track(createSqliteHandoffQueue({ path, ...o }), (q) => q.shutdown()),
    outcomes: (hooks = {}) => track(createSqliteOutcomeTracker({ path, ...hooks }), (t) => t.shutdown()),
    keys: (o = {}) => track(createSqliteApiKeyStore({ path, ...o }), (k) => k.close()),
    kpis: () => track(createSqliteKpiQueries({ path }), (k) => k.close()),
    async close() {
      for (const close of closers.splice(0)) await close();
      await store.close();
    },
  };
}

/** A schema of its own per backend, so tests never see each other's rows. */
export async function openPostgres(url: string, schema: string): Promise<SharedStateBackend> {
  const pool = createPool(url, 6);
  const store = createPostgresConversationStore({ pool, schema });
  await store.migrate();
  return {
    store,
    handoffs: (o = {}) => createPostgresHandoffQueue({ pool, schema, ...o }),
    outcomes: (hooks = {}) => createPostgresOutcomeTracker({ pool, schema, ...hooks }),
    keys: (o = {}) => createPostgresApiKeyStore({ pool, schema, ...o }),
    kpis: () => createPostgresKpiQueries({ pool, schema }),
    async close() {
      await store.close();
      await pool.end();
    },
  };
}
