import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteConversationStore } from '../../src/store/sqlite/sqlite-conversation-store.ts';
import { postJson, startTestServer } from '../support/start-test-server.ts';

const BIN = fileURLToPath(new URL('../../bin/kefu.js', import.meta.url));

function kefu(args: string[], dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, KEFU_DATA_DIR: dataDir, KEFU_LOG_LEVEL: 'silent' }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
    );
  });
}

const readJsonl = (file: string): unknown[] =>
  readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);

describe('kefu finetune export', () => {
  let dir: string;
  let dataDir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kefu-ft-'));
    dataDir = path.join(dir, 'data');
    const server = await startTestServer({}, dataDir);
    const say = async (message: string, sessionId?: string) =>
      ((await (await postJson(`${server.url}/v1/chat`, { message, ...(sessionId ? { session_id: sessionId } : {}) })).json()) as { session_id: string }).session_id;
    const questions = ['怎么开发票?', '运费多少钱?', '可以换货吗?', '退款多久到账?', '怎么修改收货地址?', '优惠券怎么用?', '会员有什么权益?', '保修多久?', '热水器怎么安装?', '怎么取消订单?', '支付失败怎么办?', '发什么快递?'];
    for (const [i, q] of questions.entries()) {
      const s = await say(`我的手机号是1381234${String(5670 + i)},${q}`);
      await say('退货运费谁出?', s);
    }
    await say('How long does shipping take?');
    await say('How long does shipping take?'); // the same pair again: a duplicate
    await say('你们卖汽车轮胎吗?'); // not answerable from the KB: skipped
    await server.close();

    // A human agent's reply, as the agent console will store it.
    const store = createSqliteConversationStore({ path: path.join(dataDir, 'kefu.db') });
    await store.migrate();
    await store.createConversation({ id: 'agent-conv-1', userId: null, channel: 'web', now: Date.now() });
    await store.appendMessage({ id: 'a1', conversationId: 'agent-conv-1', role: 'user', content: '洗衣机漏水怎么办', createdAt: Date.now(), meta: {} });
    await store.appendMessage({ id: 'a2', conversationId: 'agent-conv-1', role: 'agent', content: '请先关闭水龙头,我们安排师傅上门,电话13900001111联系您。', createdAt: Date.now() + 1, meta: {} });
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes desensitised, deduplicated pairs split by conversation, and a PEFT config', async () => {
    const out = path.join(dir, 'export');
    const run = await kefu(['finetune', 'export', '-o', out, '--validation', '0.3'], dataDir);
    expect(run.stderr).not.toMatch(/kefu:/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/exported \d+ train and \d+ validation examples from 16 conversations/);

    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { train: number; validation: number; duplicates: number; skipped: Record<string, number> };
    expect(manifest.duplicates).toBe(1);
    expect(manifest.skipped['no_answer']).toBe(1);
    expect(manifest.train).toBeGreaterThan(0);
    expect(manifest.validation).toBeGreaterThan(0);

    const train = readJsonl(path.join(out, 'train.jsonl')) as { context: string; response: string }[];
    const validation = readJsonl(path.join(out, 'validation.jsonl')) as { context: string; response: string }[];
    expect(train.length + validation.length).toBe(manifest.train + manifest.validation);
    const all = JSON.stringify([...train, ...validation]);
    expect(all).not.toMatch(/1[3-9]\d{9}/);
    expect(all).toContain('[手机号]');
    const agent = [...train, ...validation].find((p) => p.context === '用户:洗衣机漏水怎么办');
    expect(agent?.response).toBe('请先关闭水龙头,我们安排师傅上门,电话[手机号]联系您。');
    const second = [...train, ...validation].find((p) => p.context.includes('退货运费谁出'));
    expect(second?.context).toMatch(/^用户:我的手机号是\[手机号\],.*\?\n客服:.*\n用户:退货运费谁出\?$/s);

    const chat = readJsonl(path.join(out, 'train.chat.jsonl')) as { messages: { role: string; content: string }[] }[];
    expect(chat).toHaveLength(train.length);
    expect(chat[0]!.messages[0]!.role).toBe('system');
    expect(chat[0]!.messages.at(-1)!.role).toBe('assistant');

    const peft = JSON.parse(readFileSync(path.join(out, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
    expect(peft).toMatchObject({ peft_type: 'LORA', r: 16, lora_alpha: 32, lora_dropout: 0.1, target_modules: ['q_proj', 'v_proj'] });

    // No conversation is split across train and validation.
    const key = (p: { context: string }) => p.context.split('\n')[0];
    const trainStarts = new Set(train.map(key));
    expect(validation.filter((p) => p.context.includes('退货运费') && trainStarts.has(key(p)))).toEqual([]);
  });

  it('rejects bad options with a message and a non-zero exit', async () => {
    const run = await kefu(['finetune', 'export', '-o', path.join(dir, 'x'), '--validation', '2'], dataDir);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--validation must be/);
  });
});
