import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { startPostgres } from './start-postgres.ts';

/**
 * Declares a contract's suites (call with top-level await): `sqlite` with a temp dir for its
 * files, `postgres` with the URL of a throwaway PostgreSQL; both removed after the file. A
 * PostgreSQL that cannot start is a failing test that says why, while the SQLite half still runs.
 */
export async function onSqliteAndPostgres(title: string, dirPrefix: string, suites: { sqlite: (root: string) => void; postgres: (url: string) => void }): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), dirPrefix));
  const server = await startPostgres().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  afterAll(async () => {
    rmSync(root, { recursive: true, force: true });
    if (!(server instanceof Error)) await server.stop();
  });
  suites.sqlite(root);
  if (server instanceof Error) {
    describe(`${title}: postgres`, () => {
      it('starts a throwaway PostgreSQL', () => {
        throw server;
      });
    });
  } else {
    suites.postgres(server.url);
  }
}
