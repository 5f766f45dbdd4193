import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeOpenAIServer } from '../llm/fake-openai-server.ts';
import { GARBLED, SOUND, vllmSse } from '../support/model-replies.ts';
import { postJson, startTestServer } from '../support/start-test-server.ts';

/**
 * `kefu finetune export` leaves out what should not be learnt: a garbled model reply, one the
 * retrieval answer replaced, one the customer complained about, asked again or rated low.
 * Conversations come through the HTTP API with an OpenAI-compatible model on loopback.
 */
const BIN = fileURLToPath(new URL('../../bin/kefu.js', import.meta.url));
let dir: string;
let dataDir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kefu-ft-unsound-'));
  dataDir = path.join(dir, 'data');
  // In order: garbled, an invented figure (replaced by the retrieval answer), then sound for good.
  const fake = await startFakeOpenAIServer({ replies: [{ sse: vllmSse(GARBLED) }, { sse: vllmSse(['Delivery takes ', '17 days everywhere.']) }, { sse: vllmSse(SOUND) }] });
  const server = await startTestServer({ KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: fake.url, KEFU_LLM_MODEL: 'fake-model' }, dataDir);
  const say = async (message: string, sessionId?: string) =>
    ((await (await postJson(`${server.url}/v1/chat`, { message, ...(sessionId === undefined ? {} : { session_id: sessionId }) })).json()) as { session_id: string }).session_id;
  await say('What payment methods do you accept?'); // garbled
  await say('How long does shipping take?'); // fallback
  const complained = await say('What payment methods do you accept?'); // sound, cached
  await say('这个回答完全没用,我要投诉!', complained);
  const rated = await say('Which payment methods do you accept?'); // from the cache
  expect((await postJson(`${server.url}/v1/sessions/${rated}/rating`, { score: 1 })).status).toBe(201);
  const askedAgain = await say('Can I pay with Huabei instalments?');
  await say('Can I pay with Huabei instalments please', askedAgain);
  await say('Do you accept Alipay?'); // sound, kept
  await server.close();
  await fake.close();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('leaves out garbled, replaced, complained-about, asked-again and low-rated replies', async () => {
  const out = path.join(dir, 'export');
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [BIN, 'finetune', 'export', '-o', out, '--validation', '0'], { env: { ...process.env, KEFU_DATA_DIR: dataDir, KEFU_LOG_LEVEL: 'silent' }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
    );
  });
  expect(run.stderr).not.toMatch(/kefu:/);
  expect(run.code).toBe(0);
  const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { train: number; skipped: Record<string, number> };
  expect(manifest.skipped).toMatchObject({ unsound: 1, fallback: 1, complaint: 1, low_rating: 1, rephrase: 1 });
  const responses = readFileSync(path.join(out, 'train.jsonl'), 'utf8');
  expect(responses).not.toContain('Hdatapping');
  expect(responses).not.toContain('17 days');
  expect(responses).toContain('Do you accept Alipay?');
});
