import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KefuError } from '../../src/errors.ts';
import { createLanguageModel, parseBaseURLs } from '../../src/llm/create-language-model.ts';
import { generateText } from '../../src/llm/generate-text.ts';
import { startFakeOpenAIServer, transcript } from './fake-openai-server.ts';

function thrown(fn: () => unknown): KefuError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KefuError) return e;
    throw e;
  }
  throw new Error('expected a KefuError');
}

describe('createLanguageModel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-llm-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns null for none', () => {
    expect(createLanguageModel({ llm: 'none' })).toBeNull();
  });

  it('openai without base URLs names KEFU_LLM_BASE_URL', () => {
    const e = thrown(() => createLanguageModel({ llm: 'openai' }));
    expect(e.code).toBe('llm_not_configured');
    expect(e.message).toContain('KEFU_LLM_BASE_URL');
    expect(thrown(() => createLanguageModel({ llm: 'openai', baseURLs: ' , ' })).message).toContain('KEFU_LLM_BASE_URL');
    expect(thrown(() => createLanguageModel({ llm: 'openai', baseURLs: 'localhost:8000' })).message).toContain(
      'KEFU_LLM_BASE_URL',
    );
  });

  it('embedded without a model path names KEFU_MODEL_PATH, also when the file is missing', () => {
    expect(thrown(() => createLanguageModel({ llm: 'embedded' })).message).toContain('KEFU_MODEL_PATH');
    const e = thrown(() => createLanguageModel({ llm: 'embedded', modelPath: join(dir, 'missing.gguf') }));
    expect(e.message).toContain('KEFU_MODEL_PATH');
  });

  it('embedded with a model file gives an embedded model, loaded lazily', async () => {
    const path = join(dir, 'kefu-tiny.gguf');
    writeFileSync(path, 'not loaded until ready()');
    const model = createLanguageModel({ llm: 'embedded', modelPath: path });
    expect(model?.id).toBe('embedded:kefu-tiny');
    await model?.close();
  });

  it('openai routes several comma-separated base URLs and streams from a live one', async () => {
    const server = await startFakeOpenAIServer({ replies: [{ sse: transcript('ollama') }] });
    try {
      const model = createLanguageModel({ llm: 'openai', baseURLs: `${server.url}, http://127.0.0.1:9/v1`, model: 'qwen2.5:3b' });
      // Several endpoints go through the router (balancing, breakers, failover before the first token).
      expect(model?.id).toMatch(/^router:/);
      if (!model) return;
      const r = await generateText(model, { messages: [{ role: 'user', content: '物流' }] });
      expect(r.finishReason).toBe('length');
    } finally {
      await server.close();
    }
  });

  it('with a latency budget, a routed model still reports its backends (router metrics read status())', async () => {
    const server = await startFakeOpenAIServer({ replies: [{ sse: transcript('ollama') }] });
    try {
      const model = createLanguageModel({ llm: 'openai', baseURLs: `${server.url}, http://127.0.0.1:9/v1`, latencyBudgetMs: 5_000 });
      expect(model !== null && 'status' in model).toBe(true);
      const status = (model as unknown as { status(): { id: string }[] }).status();
      expect(status.map((b) => b.id)).toHaveLength(2);
      const r = await generateText(model!, { messages: [{ role: 'user', content: '物流' }] });
      expect(r.text.length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('rejects an unknown KEFU_LLM value', () => {
    const config = JSON.parse('{"llm":"gpt"}') as Parameters<typeof createLanguageModel>[0];
    expect(thrown(() => createLanguageModel(config)).message).toContain('KEFU_LLM');
  });
});

describe('parseBaseURLs', () => {
  it('splits, trims and drops blanks', () => {
    expect(parseBaseURLs(' http://a/v1 ,,http://b/v1 ')).toEqual(['http://a/v1', 'http://b/v1']);
    expect(parseBaseURLs(['http://a/v1', ' '])).toEqual(['http://a/v1']);
    expect(parseBaseURLs(undefined)).toEqual([]);
  });
});
