import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_KEY, postJson, type TestServer } from '../support/start-test-server.ts';
import { startTwoServersOnPostgres, type TwoServersOnPostgres } from '../support/two-servers-on-postgres.ts';

/**
 * With KEFU_DATABASE_URL the vault is in PostgreSQL for every node: `DELETE /v1/sessions/:id`
 * on one node removes the session's sealed originals there, and another node can no longer
 * reveal them. Two servers on one PostgreSQL, each with its own data dir.
 */
let nodes: TwoServersOnPostgres;
let client: pg.Client;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  nodes = await startTwoServersOnPostgres();
  ({ a, b, client } = nodes);
}, 180_000);
afterAll(async () => {
  await nodes?.destroy();
});

const rows = async () => Number((await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM pii_vault_entries')).rows[0]!.n);

it('erases the session\'s vault rows in PostgreSQL, for every node', async () => {
  const chat = await postJson(`${a.url}/v1/chat`, { message: '我的电话是 13812345678, 请问怎么退货' });
  expect(chat.status).toBe(200);
  const { session_id: id } = (await chat.json()) as { session_id: string };
  const other = await postJson(`${a.url}/v1/chat`, { message: '电话 13900001111, 我想问发货时间' });
  expect(other.status).toBe(200);
  // The test can fail: both sessions' numbers are sealed in PostgreSQL, never in plaintext.
  expect(await rows()).toBe(2);
  const raw = (await client.query<{ c: Buffer }>('SELECT ciphertext AS c FROM pii_vault_entries')).rows.map((r) => r.c.toString('latin1')).join('');
  expect(raw).not.toContain('13812345678');

  const deleted = await fetch(`${b.url}/v1/sessions/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  expect(deleted.status).toBe(200);
  // Only the erased session's row went; the other session keeps its own.
  expect(await rows()).toBe(1);
}, 120_000);
