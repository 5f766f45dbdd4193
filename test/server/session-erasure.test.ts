import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

const admin = { authorization: `Bearer ${ADMIN_KEY}` };

/** Every data file whose raw bytes contain `marker` (the database files, their WAL and the rest). */
function filesHolding(dir: string, marker: string): string[] {
  const needle = Buffer.from(marker, 'utf8');
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => readFileSync(file).includes(needle))
    .map((file) => path.relative(dir, file));
}

function vaultRows(dir: string): number {
  const db = new Database(path.join(dir, 'pii-vault.db'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM pii_pseudonyms').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('DELETE /v1/sessions/:id erases the conversation', () => {
  let server: TestServer;
  let keyDir: string;

  beforeAll(async () => {
    keyDir = mkdtempSync(path.join(tmpdir(), 'kefu-keys-'));
    server = await startTestServer({ KEFU_KEY_DIR: keyDir });
  });
  afterAll(async () => {
    await server.destroy();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('leaves no transcript, comment or vault entry in any data file, even in free pages and the WAL', async () => {
    const marker = 'Qzwxerasuremarker';
    const comment = 'Vbnmcommentmarker';
    const chat = await postJson(`${server.url}/v1/chat`, { message: `我买的 ${marker} 耳机坏了, 电话 13812345678, 请问怎么退货` });
    expect(chat.status).toBe(200);
    const { session_id: id } = (await chat.json()) as { session_id: string };
    const rating = await postJson(`${server.url}/v1/sessions/${id}/rating`, { score: 2, comment: `${comment} 太慢了` });
    expect(rating.status).toBe(201);
    // The test can fail: before deletion both are on disk, and the vault holds the phone number.
    expect(filesHolding(server.dataDir, marker)).not.toEqual([]);
    expect(filesHolding(server.dataDir, comment)).not.toEqual([]);
    expect(vaultRows(server.dataDir)).toBeGreaterThan(0);

    expect((await fetch(`${server.url}/v1/sessions/${id}`, { method: 'DELETE' })).status).toBe(401);
    // An agent key reads transcripts but does not erase them.
    const agent = (await (await postJson(`${server.url}/v1/keys`, { name: 'zhang', role: 'agent' }, admin)).json()) as { key: string };
    const byAgent = await fetch(`${server.url}/v1/sessions/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${agent.key}` } });
    expect(byAgent.status).toBe(403);
    expect(filesHolding(server.dataDir, marker)).not.toEqual([]);
    const deleted = await fetch(`${server.url}/v1/sessions/${id}`, { method: 'DELETE', headers: admin });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ session_id: id, deleted: true });

    expect((await fetch(`${server.url}/v1/sessions/${id}`, { headers: admin })).status).toBe(404);
    expect(vaultRows(server.dataDir)).toBe(0);
    // While the server runs (a copy of the data dir taken now) ...
    expect(filesHolding(server.dataDir, marker)).toEqual([]);
    expect(filesHolding(server.dataDir, comment)).toEqual([]);
    // ... and a second delete is a 404, not a silent success.
    const again = await fetch(`${server.url}/v1/sessions/${id}`, { method: 'DELETE', headers: admin });
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('session_not_found');
  });
});
