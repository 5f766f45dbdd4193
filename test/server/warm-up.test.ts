import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { GenerateParams, LanguageModel, LanguageModelStreamPart } from '../../src/contracts/language-model.ts';
import { warmUp } from '../../src/compose/warm-up.ts';
import { DEMO_SHOP } from '../../src/pipeline/shop-identity.ts';
import { hanScript } from '../../src/dialogue/chinese-script.ts';
import { createEmbeddedNlu } from '../../src/dialogue/embedded-nlu.ts';
import { extractEntities } from '../../src/dialogue/entities/extract-entities.ts';
import { createInputGuard } from '../../src/safety/input-guard/input-guard.ts';
import { loadConstitution } from '../../src/safety/output-guard/constitution.ts';
import { createOutputGuard } from '../../src/safety/output-guard/output-guard.ts';
import { createPiiEngine } from '../../src/safety/pii/create-pii-engine.ts';
import { createLogger } from '../../src/logging/create-logger.ts';
import { postJson, startTestServer } from '../support/start-test-server.ts';

/** A model that records every call and answers nothing useful (the NLU falls back, the answer is extractive). */
function recordingModel(): LanguageModel & { calls: GenerateParams[] } {
  const calls: GenerateParams[] = [];
  return {
    id: 'recording',
    calls,
    ready: () => Promise.resolve(),
    async *doStream(params): AsyncGenerator<LanguageModelStreamPart> {
      calls.push(params);
      yield { type: 'error', error: new Error('recording model: no answers') };
    },
    close: () => Promise.resolve(),
  };
}

/**
 * The first customer after a (re)start used to pay for loading the intent model, compiling the
 * input guard's gate and the script dictionaries (0.5-0.6 s with `kefu serve`; BENCHMARKS.md, First text).
 * `startServer` now runs the turn's pure parts on made-up messages before it listens.
 */
describe('the model at start', () => {
  it('is announced when it has loaded, which may be after the server listens', async () => {
    const out = new PassThrough();
    const lines: { msg?: string; llm?: string }[] = [];
    out.on('data', (d: Buffer) => lines.push(...d.toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg?: string })));
    let loaded: () => void = () => {};
    const model = Object.assign(recordingModel(), { ready: () => new Promise<void>((r) => (loaded = r)) });
    const server = await startTestServer({}, undefined, { model, logger: createLogger('info', out) });
    try {
      expect(lines.map((l) => l.msg)).toContain('kefu listening');
      expect(lines.map((l) => l.msg)).not.toContain('language model ready');
      loaded();
      await new Promise((r) => setTimeout(r, 20));
      expect(lines.find((l) => l.msg === 'language model ready')?.llm).toBe('recording');
    } finally {
      await server.destroy();
    }
  });
});

describe('warming the turn at start', () => {
  it('happens before the server listens, asks no model even with KEFU_NLU=llm, and stores nothing', async () => {
    const out = new PassThrough();
    const lines: { msg?: string }[] = [];
    out.on('data', (d: Buffer) => lines.push(...d.toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg?: string })));
    const model = recordingModel();
    const server = await startTestServer({ KEFU_NLU: 'llm', KEFU_LOG_LEVEL: 'debug' }, undefined, { model, logger: createLogger('debug', out) });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const messages = lines.map((l) => l.msg);
      expect(messages).toContain('turn warmed up');
      expect(messages.indexOf('turn warmed up')).toBeLessThan(messages.indexOf('kefu listening'));
      expect(model.calls).toHaveLength(0);
      expect(await server.kefu.store.listConversations({ limit: 10 })).toEqual([]);
      const audited: unknown[] = [];
      for await (const e of server.kefu.audit.export()) audited.push(e);
      expect(audited).toEqual([]);

      // The first real turn is a turn like any other: stored, audited, and the model asked.
      const res = await postJson(`${server.url}/v1/chat`, { message: '退货政策是什么?' });
      expect(res.status).toBe(200);
      expect(model.calls.length).toBeGreaterThan(0);
      expect(await server.kefu.store.listConversations({ limit: 10 })).toHaveLength(1);
    } finally {
      await server.destroy();
    }
  }, 30_000);

  it('runs every part a turn loads on first use, in Simplified, Traditional and English', async () => {
    const seen: Record<'nlu' | 'input' | 'output' | 'pii', string[]> = { nlu: [], input: [], output: [], pii: [] };
    const nlu = createEmbeddedNlu({ extractEntities });
    const inputGuard = createInputGuard();
    const piiEngine = createPiiEngine();
    const outputGuard = createOutputGuard({ principles: loadConstitution(), findPii: (text) => piiEngine.analyze(text) });
    await warmUp({
      nlu: { understand: (input) => (seen.nlu.push(input.text), nlu.understand(input)) },
      inputGuard: { inspect: (text, context) => (seen.input.push(text), inputGuard.inspect(text, context)) },
      outputGuard: { check: (text, context) => (seen.output.push(text), outputGuard.check(text, context)) },
      shop: DEMO_SHOP,
      piiEngine: { analyze: (text, options) => (seen.pii.push(text), piiEngine.analyze(text, options)), mask: (text, options) => piiEngine.mask(text, options) },
    });
    for (const texts of Object.values(seen)) {
      expect(new Set(texts.map((t) => hanScript(t) ?? 'latin'))).toEqual(new Set(['Hans', 'Hant', 'latin']));
    }
  });
});
