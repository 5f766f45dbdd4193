import { describe, expect, it } from 'vitest';
import { createRoutedLanguageModel, parseRoutedBaseURLs } from '../../../src/llm/router/create-routed-language-model.ts';
import { transcript } from '../fake-openai-server.ts';
import { chatRequests, collect, serve, textOf, VLLM_TEXT } from './helpers.ts';

describe('KEFU_LLM_BASE_URL syntax', () => {
  it('a plain comma-separated list is all active, as before', () => {
    expect(parseRoutedBaseURLs('http://a:8000/v1, http://b:8000/v1/ ,')).toEqual([
      { url: 'http://a:8000/v1', role: 'active' },
      { url: 'http://b:8000/v1', role: 'active' },
    ]);
  });

  it('`;standby=` adds standby URLs; `active=` may be spelled out; lists read element by element', () => {
    expect(parseRoutedBaseURLs('http://a:8000/v1,http://b:8000/v1;standby=http://c:8000/v1,http://d/v1')).toEqual([
      { url: 'http://a:8000/v1', role: 'active' },
      { url: 'http://b:8000/v1', role: 'active' },
      { url: 'http://c:8000/v1', role: 'standby' },
      { url: 'http://d/v1', role: 'standby' },
    ]);
    expect(parseRoutedBaseURLs(['active=http://a/v1?api-version=1', 'standby=http://c/v1'])).toEqual([
      { url: 'http://a/v1?api-version=1', role: 'active' },
      { url: 'http://c/v1', role: 'standby' },
    ]);
  });

  it('says what is wrong with a bad value', () => {
    expect(() => parseRoutedBaseURLs('http://a/v1;standby=ftp://c')).toThrow(/"ftp:\/\/c", which is not an http\(s\) URL/);
    expect(() => createRoutedLanguageModel({ baseURLs: '' })).toThrow(/needs KEFU_LLM_BASE_URL/);
    expect(() => createRoutedLanguageModel({ baseURLs: 'standby=http://c/v1' })).toThrow(/only standby URLs/);
    expect(() => createRoutedLanguageModel({ baseURLs: 'http://a/v1,http://a/v1/' })).toThrow(/twice/);
  });
});

describe('createRoutedLanguageModel', () => {
  it('one provider per URL: a 503 is tried once there, then the standby answers', async () => {
    const a = await serve({ replies: [{ status: 503 }] });
    const b = await serve({ replies: [{ status: 503 }] });
    const c = await serve({ replies: [{ sse: transcript('vllm') }] });
    const router = createRoutedLanguageModel({ baseURLs: `${a.url},${b.url};standby=${c.url}`, model: 'm', healthIntervalMs: 0 });
    expect(textOf(await collect(router))).toBe(VLLM_TEXT);
    expect([chatRequests(a), chatRequests(b), chatRequests(c)]).toEqual([1, 1, 1]); // no doubled-up retries
    expect(router.status().map((s) => [s.id, s.role])).toEqual([
      [a.url, 'active'],
      [b.url, 'active'],
      [c.url, 'standby'],
    ]);
    expect(c.requests.at(-1)?.body).toMatchObject({ model: 'm' });
    await router.close();
  });

  it('ready() learns each backend\'s model name from /models, as the provider does', async () => {
    const a = await serve({ models: ['llama-3-8b'] });
    const router = createRoutedLanguageModel({ baseURLs: a.url, healthIntervalMs: 0 });
    await router.ready();
    await collect(router);
    expect(a.requests.at(-1)?.body).toMatchObject({ model: 'llama-3-8b' });
    await router.close();
  });
});
