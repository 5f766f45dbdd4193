import { KefuError } from '../../errors.ts';
import { createOpenAICompatibleProvider } from '../openai-compatible-provider.ts';
import type { BreakerOptions } from './circuit-breaker.ts';
import { createLlmRouter, type BackendRole, type LlmRouter, type RouterEvent } from './create-llm-router.ts';

export interface RoutedBackendSpec {
  url: string;
  role: BackendRole;
}

const notConfigured = (message: string): KefuError => new KefuError('llm_not_configured', message, { status: 500 });
const ROLE_PREFIX = /^\s*(active|standby)\s*=/i;

/**
 * Parses `KEFU_LLM_BASE_URL` for the router. Parts are separated by `;`; each part is a
 * comma-separated list of base URLs, optionally prefixed `active=` or `standby=` (no prefix:
 * active). So the plain comma-separated list of today stays valid and means "all active":
 *
 *     http://a:8000/v1,http://b:8000/v1;standby=http://c:8000/v1
 *
 * A list (from a config file) is read element by element with the same rules.
 */
export function parseRoutedBaseURLs(value: readonly string[] | string | undefined): RoutedBackendSpec[] {
  const parts = (typeof value === 'string' ? [value] : (value ?? [])).flatMap((v) => v.split(';'));
  const specs: RoutedBackendSpec[] = [];
  for (const part of parts) {
    const m = ROLE_PREFIX.exec(part);
    const role: BackendRole = m?.[1]?.toLowerCase() === 'standby' ? 'standby' : 'active';
    const list = m === null ? part : part.slice(m[0].length);
    for (const raw of list.split(',')) {
      const url = raw.trim().replace(/\/+$/, '');
      if (url === '') continue;
      if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
        throw notConfigured(`KEFU_LLM_BASE_URL has "${url}", which is not an http(s) URL (e.g. http://127.0.0.1:8000/v1)`);
      specs.push({ url, role });
    }
  }
  return specs;
}

export interface RoutedLanguageModelConfig {
  /** `KEFU_LLM_BASE_URL` in the syntax of `parseRoutedBaseURLs`. */
  baseURLs: readonly string[] | string;
  model?: string;
  apiKey?: string;
  fetch?: typeof globalThis.fetch;
  /** Whole-request budget, failovers included (default 120 000 ms, the provider's own timeout). */
  deadlineMs?: number;
  /** Per attempt, before the next backend is tried (default 30 000 ms). */
  firstTokenTimeoutMs?: number;
  /** Health checks (`GET {base}/models`) every this many ms (default 10 000; 0 turns them off). */
  healthIntervalMs?: number;
  breaker?: BreakerOptions;
  now?: () => number;
  onEvent?: (event: RouterEvent) => void;
}

/** The backend label in metrics: the base URL without credentials, query or fragment. */
function backendId(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`.replace(/\/+$/, '');
}

/**
 * The router over OpenAI-compatible servers: one provider per base URL, so the provider's own
 * failover does not double the router's. With two or more backends a provider makes one attempt
 * (the router fails over); with one it keeps its own retries of the same URL (503, 429).
 */
export function createRoutedLanguageModel(config: RoutedLanguageModelConfig): LlmRouter {
  const specs = parseRoutedBaseURLs(config.baseURLs);
  if (specs.length === 0)
    throw notConfigured(
      'KEFU_LLM=openai needs KEFU_LLM_BASE_URL: OpenAI-compatible base URLs, comma-separated, with an optional `;standby=` part, e.g. http://a:8000/v1,http://b:8000/v1;standby=http://c:8000/v1',
    );
  if (!specs.some((s) => s.role === 'active'))
    throw notConfigured('KEFU_LLM_BASE_URL has only standby URLs; list at least one active URL before `;standby=`');
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(backendId(s.url))) throw notConfigured(`KEFU_LLM_BASE_URL lists ${backendId(s.url)} twice`);
    seen.add(backendId(s.url));
  }
  const deadlineMs = config.deadlineMs ?? 120_000;
  const firstTokenTimeoutMs = config.firstTokenTimeoutMs ?? 30_000;
  const healthIntervalMs = config.healthIntervalMs ?? 10_000;
  return createLlmRouter({
    backends: specs.map((s) => ({
      id: backendId(s.url),
      role: s.role,
      model: createOpenAICompatibleProvider({
        baseURLs: [s.url],
        timeoutMs: deadlineMs,
        firstTokenTimeoutMs,
        ...(specs.length > 1 ? { maxRetries: 0 } : {}),
        ...(config.model === undefined ? {} : { model: config.model }),
        ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
        ...(config.fetch === undefined ? {} : { fetch: config.fetch }),
      }),
    })),
    deadlineMs,
    firstTokenTimeoutMs,
    ...(healthIntervalMs > 0 ? { health: { intervalMs: healthIntervalMs } } : {}),
    ...(config.breaker === undefined ? {} : { breaker: config.breaker }),
    ...(config.now === undefined ? {} : { now: config.now }),
    ...(config.onEvent === undefined ? {} : { onEvent: config.onEvent }),
  });
}
