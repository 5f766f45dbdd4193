import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { createPostgresRetainedFiles } from '../../src/multimodal/postgres-retained-files.ts';
import { createSqliteRetainedFiles } from '../../src/multimodal/retained-files.ts';
import { createPool } from '../../src/store/postgres/postgres-conversation-store.ts';
import { startPostgres } from '../support/start-postgres.ts';
import { FILES_KEY, runRetainedFilesContract } from './retained-files.contract.ts';

const root = mkdtempSync(path.join(tmpdir(), 'kefu-files-contract-'));
const server = await startPostgres().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  if (!(server instanceof Error)) await server.stop();
});
let count = 0;

// Two stores on one file are two processes of one node.
runRetainedFilesContract('sqlite', async () => {
  const file = path.join(root, `files-${++count}.db`);
  return { open: async (key = FILES_KEY) => createSqliteRetainedFiles({ path: file, key }), close: async () => {} };
});

if (server instanceof Error) {
  describe('RetainedFiles contract: postgres', () => {
    it('starts a throwaway PostgreSQL', () => {
      throw server;
    });
  });
} else {
  // Two stores on one schema, each with its own pool, are two nodes.
  runRetainedFilesContract('postgres', async () => {
    const schema = `kefu_files_${process.pid}_${++count}`;
    const pools: ReturnType<typeof createPool>[] = [];
    return {
      async open(key = FILES_KEY) {
        const pool = createPool(server.url, 3);
        pools.push(pool);
        return createPostgresRetainedFiles({ pool, schema, key });
      },
      async close() {
        for (const pool of pools.splice(0)) await pool.end();
      },
    };
  });
}
