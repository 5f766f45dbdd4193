import { LLMProviderError } from '../llm-provider-error.ts';
import { describe } from './describe-error.ts';
import type { ProviderRuntime, ProviderSettings } from './provider-settings.ts';

function firstModelId(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || !('data' in json) || !Array.isArray(json.data)) return undefined;
  const first: unknown = json.data[0];
  if (typeof first !== 'object' || first === null || !('id' in first)) return undefined;
  return typeof first.id === 'string' ? first.id : undefined;
}

/** `GET /models` on each base URL until one answers; the first model id it lists becomes the default. */
export async function checkReady(settings: ProviderSettings, runtime: ProviderRuntime): Promise<void> {
  const { urls, headers } = settings;
  const problems: string[] = [];
  for (const url of urls) {
    try {
      const res = await settings.doFetch(`${url}/models`, {
        headers: Object.assign({}, headers, { accept: 'application/json' }),
        signal: AbortSignal.timeout(settings.firstTokenTimeoutMs),
      });
      if (res.ok) {
        const json: unknown = await res.json().catch(() => undefined);
        if (runtime.model === undefined) runtime.model = firstModelId(json);
        return;
      }
      await res.body?.cancel();
      if (res.status === 401 || res.status === 403) problems.push(`${url}: HTTP ${res.status}, API key rejected`);
      else if (res.status >= 500) problems.push(`${url}: HTTP ${res.status}`);
      else return; // the server answers; it just has no /models (404) or forbids GET on it
    } catch (e) {
      problems.push(`${url}: ${describe(e)}`);
    }
  }
  throw new LLMProviderError('llm_unavailable', `no OpenAI-compatible server ready: ${problems.join('; ')}`, {
    status: 503,
    retryable: true,
  });
}
