import pg from 'pg';
import { startPostgres } from './start-postgres.ts';
import { startTestServer, type TestServer } from './start-test-server.ts';

/** Two test servers, each with its own data dir, on one PostgreSQL, and a client to look at its rows. */
export interface TwoServersOnPostgres {
  a: TestServer;
  b: TestServer;
  client: pg.Client;
  destroy(): Promise<void>;
}

/** Shared state needs shared keys: KEFU_DATABASE_URL requires the vault and audit keys from the environment. */
const KEYS = { KEFU_VAULT_KEY: '7e'.repeat(32), KEFU_AUDIT_KEY: 'a1'.repeat(32) };

/** Starts PostgreSQL, then the two servers one after the other (2 cores are few); a failed start stops what started. */
export async function startTwoServersOnPostgres(env: Record<string, string> = {}): Promise<TwoServersOnPostgres> {
  const db = await startPostgres();
  const started: { client?: pg.Client; a?: TestServer; b?: TestServer } = {};
  const destroy = async (): Promise<void> => {
    await started.a?.destroy();
    await started.b?.destroy();
    await started.client?.end();
    await db.stop();
  };
  try {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    started.client = client;
    const serverEnv = { KEFU_DATABASE_URL: db.url, ...KEYS, ...env };
    const a = (started.a = await startTestServer(serverEnv));
    const b = (started.b = await startTestServer(serverEnv));
    return { a, b, client, destroy };
  } catch (error) {
    await destroy().catch(() => undefined);
    throw error;
  }
}
