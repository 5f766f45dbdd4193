import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { createPostgresPiiVault } from '../../../src/safety/pii/postgres-pii-vault.ts';
import { createSqlitePiiVaultStore } from '../../../src/safety/pii/sqlite-pii-vault-store.ts';
import { createPool } from '../../../src/store/postgres/postgres-conversation-store.ts';
import { startPostgres } from '../../support/start-postgres.ts';
import { runPiiVaultContract, VAULT_KEY } from './pii-vault.contract.ts';

const root = mkdtempSync(path.join(tmpdir(), 'kefu-vault-contract-'));
const server = await startPostgres().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  if (!(server instanceof Error)) await server.stop();
});
let count = 0;

// Two stores on one file are two processes of one node.
runPiiVaultContract('sqlite', async () => {
  const file = path.join(root, `vault-${++count}.db`);
  return { open: async (key = VAULT_KEY) => createSqlitePiiVaultStore({ path: file, key }), close: async () => {} };
});

if (server instanceof Error) {
  describe('PiiVaultStore contract: postgres', () => {
    it('starts a throwaway PostgreSQL', () => {
      throw server;
    });
  });
} else {
  // Two stores on one schema, each with its own pool, are two nodes.
  runPiiVaultContract('postgres', async () => {
    const schema = `kefu_vault_${process.pid}_${++count}`;
    const pools: ReturnType<typeof createPool>[] = [];
    return {
      async open(key = VAULT_KEY) {
        const pool = createPool(server.url, 3);
        pools.push(pool);
        return createPostgresPiiVault({ pool, schema, key });
      },
      async close() {
        for (const pool of pools.splice(0)) await pool.end();
      },
    };
  });
}
