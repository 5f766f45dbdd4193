import path from 'node:path';
import { createPostgresPiiVault } from '../../../src/safety/pii/postgres-pii-vault.ts';
import { createSqlitePiiVaultStore } from '../../../src/safety/pii/sqlite-pii-vault-store.ts';
import { createPool } from '../../../src/store/postgres/postgres-conversation-store.ts';
import { onSqliteAndPostgres } from '../../support/on-sqlite-and-postgres.ts';
import { runPiiVaultContract, VAULT_KEY } from './pii-vault.contract.ts';

let count = 0;

await onSqliteAndPostgres('PiiVaultStore contract', 'kefu-vault-contract-', {
  sqlite: (root) => {
    // Two stores on one file are two processes of one node.
    runPiiVaultContract('sqlite', async () => {
      const file = path.join(root, `vault-${++count}.db`);
      return { open: async (key = VAULT_KEY) => createSqlitePiiVaultStore({ path: file, key }), close: async () => {} };
    });
  },
  postgres: (url) => {
    // Two stores on one schema, each with its own pool, are two nodes.
    runPiiVaultContract('postgres', async () => {
      const schema = `kefu_vault_${process.pid}_${++count}`;
      const pools: ReturnType<typeof createPool>[] = [];
      return {
        async open(key = VAULT_KEY) {
          const pool = createPool(url, 3);
          pools.push(pool);
          return createPostgresPiiVault({ pool, schema, key });
        },
        async close() {
          for (const pool of pools.splice(0)) await pool.end();
        },
      };
    });
  },
});
