import path from 'node:path';
import { createPostgresRetainedFiles } from '../../src/multimodal/postgres-retained-files.ts';
import { createSqliteRetainedFiles } from '../../src/multimodal/retained-files.ts';
import { createPool } from '../../src/store/postgres/postgres-conversation-store.ts';
import { onSqliteAndPostgres } from '../support/on-sqlite-and-postgres.ts';
import { FILES_KEY, runRetainedFilesContract } from './retained-files.contract.ts';

let count = 0;

await onSqliteAndPostgres('RetainedFiles contract', 'kefu-files-contract-', {
  sqlite: (root) => {
    // Two stores on one file are two processes of one node.
    runRetainedFilesContract('sqlite', async () => {
      const file = path.join(root, `files-${++count}.db`);
      return { open: async (key = FILES_KEY) => createSqliteRetainedFiles({ path: file, key }), close: async () => {} };
    });
  },
  postgres: (url) => {
    // Two stores on one schema, each with its own pool, are two nodes.
    runRetainedFilesContract('postgres', async () => {
      const schema = `kefu_files_${process.pid}_${++count}`;
      const pools: ReturnType<typeof createPool>[] = [];
      return {
        async open(key = FILES_KEY) {
          const pool = createPool(url, 3);
          pools.push(pool);
          return createPostgresRetainedFiles({ pool, schema, key });
        },
        async close() {
          for (const pool of pools.splice(0)) await pool.end();
        },
      };
    });
  },
});
