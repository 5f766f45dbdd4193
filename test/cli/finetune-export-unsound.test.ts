import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAIServer } from '../llm/fake-openai-server.ts';
import { GARBLED, SOUND, vllmSse } from '../support/model-replies.ts';
import { startPostgres, type TestPostgres } from '../support/start-postgres.ts';
import { postJson, startTestServer } from '../support/start-test-server.ts';

/**
 * `kefu finetune export` leaves out what should not be learnt: a garbled model reply, one the
 * retrieval answer replaced, one the customer complained about, asked again or rated low.
 * Conversations come through the HTTP API with an OpenAI-compatible model on loopback, on one node
 * (SQLite) and on a node of a cluster (PostgreSQL, exported from another node's data dir).
 */
const BIN = fileURLToPath(new URL('../../bin/kefu.js', import.meta.url));
const KEY = 'ab'.repeat(32);

/** The conversations through the HTTP API on a node with `env`, then the export with the same env. */
async function chatThenExport(dir: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string; out: string }> {
  const dataDir = path.join(dir, 'data');
  // In order: garbled, an invented figure (replaced by the retrieval answer), then sound for good.
  const fake = await startFakeOpenAIServer({ replies: [{ sse: vllmSse(GARBLED) }, { sse: vllmSse(['Delivery takes ', '17 days everywhere.']) }, { sse: vllmSse(SOUND) }] });
  const server = await startTestServer({ ...env, KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: fake.url, KEFU_LLM_MODEL: 'fake-model' }, dataDir);
  const say = async (message: string, sessionId?: string) =>
    ((await (await postJson(`${server.url}/v1/chat`, { message, ...(sessionId === undefined ? {} : { session_id: sessionId }) })).json()) as { session_id: string }).session_id;
  try {
    await say('What payment methods do you accept?'); // garbled, replaced by the grounding gate
    await say('How long does shipping take?'); // fallback
    const complained = await say('What payment methods do you accept?'); // sound, cached
    await say('这个回答完全没用,我要投诉!', complained);
    const rated = await say('Which payment methods do you accept?'); // from the cache
    expect((await postJson(`${server.url}/v1/sessions/${rated}/rating`, { score: 1 })).status).toBe(201);
    const askedAgain = await say('Can I pay with Huabei instalments?');
    await say('Can I pay with Huabei instalments please', askedAgain);
    await say('Do you accept Alipay?'); // sound, kept
  } finally {
    await server.close();
    await fake.close();
  }
  // Another data dir: with KEFU_DATABASE_URL the export reads what every node wrote, not a file.
  const exportDir = env['KEFU_DATABASE_URL'] === undefined ? dataDir : path.join(dir, 'other-node');
  const out = path.join(dir, 'export');
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [BIN, 'finetune', 'export', '-o', out, '--validation', '0'], { env: { ...process.env, ...env, KEFU_DATA_DIR: exportDir, KEFU_LOG_LEVEL: 'silent' }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
    );
  });
  return { ...run, out };
}

describe.each(['sqlite', 'postgres'] as const)('finetune export on %s', (backend) => {
  let dir: string;
  let pg: TestPostgres | null = null;
  let run: Awaited<ReturnType<typeof chatThenExport>>;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kefu-ft-unsound-'));
    // PostgreSQL is a Debian package .ci/run installs: one that cannot start fails here, with the reason.
    if (backend === 'postgres') pg = await startPostgres();
    run = await chatThenExport(dir, pg === null ? {} : { KEFU_DATABASE_URL: pg.url, KEFU_VAULT_KEY: KEY, KEFU_AUDIT_KEY: KEY });
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves out garbled, replaced, complained-about, asked-again and low-rated replies', () => {
    expect(run.stderr).not.toMatch(/kefu:/);
    expect(run.code).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(run.out, 'manifest.json'), 'utf8')) as { train: number; skipped: Record<string, number> };
    // The garbled reply is withdrawn by the grounding gate (src/pipeline/grounding-gate.ts): a fallback too.
    expect(manifest.skipped).toMatchObject({ fallback: 2, complaint: 1, low_rating: 1, rephrase: 1 });
    const responses = readFileSync(path.join(run.out, 'train.jsonl'), 'utf8');
    expect(responses).not.toContain('Hdatapping');
    expect(responses).not.toContain('17 days');
    expect(responses).toContain('Do you accept Alipay?');
  });
});
