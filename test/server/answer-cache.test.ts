import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_KEY, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

/** The answer cache in the running pipeline: frequent questions, never personal ones, invalidated by KB edits. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.destroy());

const ask = async (message: string) => (await (await postJson(`${server.url}/v1/chat`, { message })).json()) as { reply: string; cached: boolean; sources: { id: string }[] };

it('serves a repeated question from the cache, not personal ones, and drops it when the cited document changes', async () => {
  const first = await ask('你们的退货政策是什么?');
  expect(first.cached).toBe(false);
  const again = await ask('请问你们的退货政策是什么');
  expect(again).toMatchObject({ cached: true, reply: first.reply });
  expect(again.sources.map((s) => s.id)).toEqual(first.sources.map((s) => s.id));

  await ask('我的订单 KF20261121001 什么时候到?');
  expect((await ask('我的订单 KF20261121001 什么时候到?')).cached).toBe(false);

  // An admin edits the cited document: the cached answer is no longer served.
  const docId = first.sources[0]!.id.split('#')[0]!;
  const res = await postJson(`${server.url}/v1/kb/documents`, { id: docId, title: '退货政策', text: '签收后15天内可申请无理由退货,运费由商家承担。' }, { authorization: `Bearer ${ADMIN_KEY}` });
  expect(res.status).toBeLessThan(300);
  const after = await ask('你们的退货政策是什么?');
  expect(after.cached).toBe(false);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  expect(metrics).toMatch(/kefu_answer_cache_total\{result="hit"\} [1-9]/);
});
