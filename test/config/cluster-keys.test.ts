import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../support/start-postgres.ts';

/**
 * With KEFU_DATABASE_URL the PII vault and the audit chain are shared, so their keys must come
 * from the environment, the same on every node: `kefu serve` without one stops at start and
 * says which to set; one with another key than the shared rows were written with stops too.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let pg: TestPostgres;
const dirs: string[] = [];

beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await pg?.stop();
});

/** `kefu serve` on a fresh data dir; resolves with how it ended within the time given. */
function serve(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-cluster-keys-'));
  dirs.push(dir);
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [path.join(ROOT, 'bin/kefu.js'), 'serve'], {
      cwd: ROOT,
      timeout: 100_000,
      env: { ...process.env, KEFU_DATABASE_URL: pg.url, KEFU_DATA_DIR: dir, KEFU_KEY_DIR: path.join(dir, 'keys'), PORT: '0', HOST: '127.0.0.1', KEFU_WORKERS: '1', KEFU_LLM: 'none', KEFU_LOG_LEVEL: 'warn', ...env },
    }, (error, _stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stderr }));
    child.stdin?.end();
  });
}

it('stops a node without KEFU_VAULT_KEY, then one without KEFU_AUDIT_KEY, saying what to set', async () => {
  const noVault = await serve({ KEFU_AUDIT_KEY: 'c3'.repeat(32) });
  // It exits by itself (a number), not by the test's timeout (null), and not cleanly.
  expect(noVault.code, noVault.stderr).toBeGreaterThan(0);
  expect(noVault.stderr).toMatch(/KEFU_VAULT_KEY must be set when KEFU_DATABASE_URL is/);
  const noAudit = await serve({ KEFU_VAULT_KEY: '5a'.repeat(32) });
  expect(noAudit.code, noAudit.stderr).toBeGreaterThan(0);
  expect(noAudit.stderr).toMatch(/KEFU_AUDIT_KEY must be set when KEFU_DATABASE_URL is/);
}, 240_000);
