import { afterEach } from 'vitest';
import type { GenerateParams, LanguageModel, LanguageModelStreamPart } from '../../../src/contracts/language-model.ts';
import { isKefuError, type KefuError } from '../../../src/errors.ts';
import { createOpenAICompatibleProvider } from '../../../src/llm/openai-compatible-provider.ts';
import type { RouterBackend } from '../../../src/llm/router/create-llm-router.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeOpenAIServerOptions } from '../fake-openai-server.ts';

const servers: FakeOpenAIServer[] = [];
/** A fake OpenAI server closed after each test. */
export async function serve(options: FakeOpenAIServerOptions = {}): Promise<FakeOpenAIServer> {
  const s = await startFakeOpenAIServer(options);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

export const ask: GenerateParams = { messages: [{ role: 'user', content: '我的订单到哪了?' }] };
export const VLLM_TEXT = '您好！您的订单已发货，预计3天内送达。';

/** One backend = one provider on one URL making one attempt, as `createRoutedLanguageModel` builds it. */
export function backend(id: string, url: string, role: 'active' | 'standby' = 'active', weight?: number): RouterBackend {
  return {
    id,
    role,
    model: createOpenAICompatibleProvider({ baseURLs: [url], maxRetries: 0, firstTokenTimeoutMs: 5_000 }),
    ...(weight === undefined ? {} : { weight }),
  };
}

export async function collect(model: LanguageModel, params: GenerateParams = ask): Promise<LanguageModelStreamPart[]> {
  const parts: LanguageModelStreamPart[] = [];
  for await (const p of model.doStream(params)) parts.push(p);
  return parts;
}

export const textOf = (parts: readonly LanguageModelStreamPart[]): string =>
  parts.map((p) => (p.type === 'text-delta' ? p.text : '')).join('');

export function errorOf(parts: readonly LanguageModelStreamPart[]): KefuError {
  const last = parts.at(-1);
  if (last?.type !== 'error') throw new Error(`expected an error part last, got ${JSON.stringify(last)}`);
  if (!isKefuError(last.error)) throw new Error(`expected a KefuError, got ${String(last.error)}`);
  return last.error;
}

export const chatRequests = (s: FakeOpenAIServer): number => s.requests.filter((r) => r.path === '/chat/completions').length;

export async function until(cond: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
