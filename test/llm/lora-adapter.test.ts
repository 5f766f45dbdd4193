import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findShippedModel, PROJECT_ROOT } from '../../src/config/load-config.ts';
import type { ChatMessage, LanguageModel } from '../../src/contracts/language-model.ts';
import { createEmbeddedProvider } from '../../src/llm/embedded-provider.ts';
import { POLICY } from '../../src/pipeline/prompt-builder.ts';

const MODEL = findShippedModel();
const ADAPTER = path.join(PROJECT_ROOT, 'models', 'lora', 'kefu-house-style.gguf');
const PYTHON = process.env['PYTHON'] ?? '/usr/bin/python3';
/** Debian's python3-torch, -sentencepiece, -numpy, -yaml (.ci/run installs them): missing ones fail the test. */
function requireTorch(): void {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, sentencepiece, numpy, yaml'], { stdio: 'ignore' });
  } catch {
    throw new Error(`${PYTHON} cannot import torch, sentencepiece, numpy and yaml (Debian: python3-torch python3-sentencepiece python3-numpy python3-yaml)`);
  }
}

/** The shipped model and demo adapter are committed: without them the tests fail, they do not skip. */
function requireModel(): string {
  if (MODEL === null || !existsSync(ADAPTER)) throw new Error(`the shipped model and ${ADAPTER} are part of the repository and missing here`);
  return MODEL;
}

/** Questions the adapter was not trained on (the demo data uses KB titles, not these phrasings). */
const QUESTIONS = ['发票可以开公司抬头吗', '退货要多久才能退款', '快递一般几天到'];
const prompt = (q: string): ChatMessage[] => [
  { role: 'system', content: POLICY.zh },
  { role: 'user', content: q },
];

async function reply(model: LanguageModel, messages: ChatMessage[]): Promise<string> {
  let text = '';
  for await (const p of model.doStream({ messages, maxTokens: 48, temperature: 0 })) if (p.type === 'text-delta') text += p.text;
  return text;
}

const run = (cmd: string, args: string[], env: Record<string, string> = {}) =>
  new Promise<{ code: number; out: string }>((resolve) => {
    execFile(cmd, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, timeout: 15 * 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, out: `${stdout}${stderr}` }),
    );
  });

describe('LoRA adapter on the shipped model (KEFU_LORA_PATH)', () => {
  const open: LanguageModel[] = [];
  afterAll(async () => {
    await Promise.all(open.map((m) => m.close()));
  });

  // The house style opens with '亲,' and closes with '祝您购物愉快!'. The closing is what 60 steps of
  // q/v LoRA teach the 11.2M model; its own '您好,' opener survives them (models/README.md).
  it("loads in node-llama-cpp and moves replies to the house style it was trained on (… '祝您购物愉快')", async () => {
    const modelPath = requireModel();
    const base = createEmbeddedProvider({ modelPath, gpu: false, contextSize: 512, sequences: 1 });
    const tuned = createEmbeddedProvider({ modelPath, loraPath: ADAPTER, gpu: false, contextSize: 512, sequences: 1 });
    open.push(base, tuned);
    let styledBase = 0;
    let styledTuned = 0;
    for (const q of QUESTIONS) {
      const [b, t] = [await reply(base, prompt(q)), await reply(tuned, prompt(q))];
      expect(t).not.toBe(b);
      if (b.includes('祝您购物愉快')) styledBase++;
      if (t.includes('祝您购物愉快')) styledTuned++;
    }
    expect(styledBase).toBe(0);
    expect(styledTuned).toBe(QUESTIONS.length);
  });
});

describe('training/lora.py from a finetune export', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-lora-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exports, trains a few steps with lower validation loss, and writes an adapter llama.cpp loads', async () => {
    const modelPath = requireModel();
    requireTorch();
    const data = path.join(dir, 'export');
    const exported = await run(process.execPath, ['--import', 'tsx', 'training/lora-demo-data.ts', data]);
    expect(exported.out).toMatch(/exported \d+ train/);
    expect(exported.code).toBe(0);

    const out = path.join(dir, 'adapter.gguf');
    const trained = await run(PYTHON, ['training/lora.py', '--data', data, '--out', out, '--steps', '6', '--batch', '4', '--lr', '5e-3']);
    expect(trained.code, trained.out).toBe(0);
    expect(trained.out).toMatch(/r=16 alpha=32 dropout=0.1 on \['attn_q', 'attn_v'\]/);
    const before = Number(/validation loss before: ([\d.]+)/.exec(trained.out)?.[1]);
    const after = Number(/validation loss after: ([\d.]+)/.exec(trained.out)?.[1]);
    expect(after).toBeLessThan(before);
    expect(readFileSync(out).subarray(0, 4).toString()).toBe('GGUF');

    const tuned = createEmbeddedProvider({ modelPath, loraPath: out, gpu: false, contextSize: 512, sequences: 1 });
    try {
      expect((await reply(tuned, prompt(QUESTIONS[0]!))).length).toBeGreaterThan(0);
    } finally {
      await tuned.close();
    }
  }, 15 * 60_000);
});
