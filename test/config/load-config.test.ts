import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const c = loadConfig({ KEFU_LLM: 'none' });
    expect(c.port).toBe(8080);
    expect(c.host).toBe('127.0.0.1');
    expect(c.dataDir).toMatch(/data$/);
    expect(c.kbPaths[0]).toMatch(/kb[/\\]demo-shop$/);
  });
  it('says exactly what to set for the openai backend', () => {
    expect(() => loadConfig({ KEFU_LLM: 'openai' })).toThrow(/KEFU_LLM_BASE_URL/);
    expect(() => loadConfig({ KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: 'not a url' })).toThrow(/invalid URL/);
    expect(loadConfig({ KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: 'http://a:1/v1, http://b:2/v1' }).llmBaseURLs).toEqual(['http://a:1/v1', 'http://b:2/v1']);
  });
  it('rejects bad values with the variable named', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ KEFU_LLM: 'gpt' })).toThrow(/KEFU_LLM/);
    expect(() => loadConfig({ KEFU_ADMIN_KEY: 'short' })).toThrow(/KEFU_ADMIN_KEY/);
    expect(() => loadConfig({ KEFU_LLM: 'embedded', KEFU_MODEL_PATH: '/nope/model.gguf' })).toThrow(/KEFU_MODEL_PATH/);
  });
});
