import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { imageAttachment, pictureFixture } from '../support/picture-fixtures.ts';
import { ADMIN_KEY, postJson, type TestServer } from '../support/start-test-server.ts';
import { startTwoServersOnPostgres, type TwoServersOnPostgres } from '../support/two-servers-on-postgres.ts';

/**
 * With KEFU_DATABASE_URL, pictures kept with KEFU_IMAGE_RETENTION=on are in PostgreSQL: the agent
 * who takes the session over on another node sees them, and erasing the session on any node
 * removes them for all. Two servers on one PostgreSQL, each with its own data dir.
 */
const admin = { authorization: `Bearer ${ADMIN_KEY}` };
let nodes: TwoServersOnPostgres;
let client: pg.Client;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  nodes = await startTwoServersOnPostgres({ KEFU_IMAGE_RETENTION: 'on' });
  ({ a, b, client } = nodes);
}, 180_000);
afterAll(async () => {
  await nodes?.destroy();
});

const rows = async (sessionId: string) => Number((await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM retained_files WHERE session_id = $1', [sessionId])).rows[0]!.n);

it('serves a picture sent to one node from another, and erasing the session on either removes it for both', async () => {
  const label = pictureFixture('label-purifier-p3.jpg');
  const res = await postJson(`${a.url}/v1/chat`, { message: '这个怎么安装?', attachments: [imageAttachment(label, 'image/jpeg')] });
  expect(res.status).toBe(200);
  const sid = ((await res.json()) as { session_id: string }).session_id;
  const session = (await (await fetch(`${b.url}/v1/sessions/${sid}`, { headers: admin })).json()) as { messages: { role: string; meta: { attachments?: { fileId?: string }[] } }[] };
  const fileId = session.messages.find((m) => m.role === 'user')!.meta.attachments![0]!.fileId!;
  expect(fileId).toMatch(/^[0-9a-f-]{36}$/);

  const onB = await fetch(`${b.url}/v1/sessions/${sid}/files/${fileId}`, { headers: admin });
  expect(onB.status).toBe(200);
  expect(Buffer.from(await onB.arrayBuffer()).equals(label)).toBe(true);
  // In PostgreSQL as ciphertext only.
  const stored = (await client.query<{ c: Buffer }>('SELECT ciphertext AS c FROM retained_files WHERE session_id = $1', [sid])).rows;
  expect(stored).toHaveLength(1);
  expect(stored[0]!.c.includes(label.subarray(2000, 2048))).toBe(false);

  const other = ((await (await postJson(`${a.url}/v1/chat`, { message: '这个呢?', attachments: [imageAttachment(label, 'image/jpeg')] })).json()) as { session_id: string }).session_id;
  expect((await fetch(`${b.url}/v1/sessions/${sid}`, { method: 'DELETE', headers: admin })).status).toBe(200);
  expect((await fetch(`${a.url}/v1/sessions/${sid}/files/${fileId}`, { headers: admin })).status).toBe(404);
  expect(await rows(sid)).toBe(0);
  // Only the erased session's picture went.
  expect(await rows(other)).toBe(1);
}, 120_000);
