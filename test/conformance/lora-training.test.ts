import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findShippedModel, PROJECT_ROOT } from '../../src/config/load-config.ts';
import { createEmbeddedProvider } from '../../src/llm/embedded-provider.ts';
import { prompt, reply } from '../llm/house-style-reply.ts';

/**
 * training/lora.py end to end with Debian's torch: minutes of CPU training on 2 cores, so it runs
 * in `npm run test:conformance`, not `npm test`. A missing torch or model fails it.
 */
const PYTHON = process.env['PYTHON'] ?? '/usr/bin/python3';
/** Debian's python3-torch, -sentencepiece, -numpy, -yaml (.ci/run installs them). */
function requireTorch(): void {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, sentencepiece, numpy, yaml'], { stdio: 'ignore' });
  } catch {
    throw new Error(`${PYTHON} cannot import torch, sentencepiece, numpy and yaml (Debian: python3-torch python3-sentencepiece python3-numpy python3-yaml)`);
  }
}

function requireModel(): string {
  const model = findShippedModel();
  if (model === null) throw new Error('no GGUF model in models/: the shipped kefu-tiny-zh-en.gguf is part of the repository');
  return model;
}

const run = (cmd: string, args: string[], env: Record<string, string> = {}) =>
  new Promise<{ code: number; out: string }>((resolve) => {
    execFile(cmd, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, timeout: 15 * 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, out: `${stdout}${stderr}` }),
    );
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
      expect((await reply(tuned, prompt('发票可以开公司抬头吗'))).length).toBeGreaterThan(0);
    } finally {
      await tuned.close();
    }
  }, 15 * 60_000);
});
