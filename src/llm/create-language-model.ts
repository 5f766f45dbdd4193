import { createRoutedLanguageModel } from './router/create-routed-language-model.ts';
import type { RouterEvent } from './router/create-llm-router.ts';
import { existsSync } from 'node:fs';
import type { LanguageModel } from '../contracts/language-model.ts';
import { KefuError } from '../errors.ts';
import { createEmbeddedProvider } from './embedded-provider.ts';
import { createOpenAICompatibleProvider } from './openai-compatible-provider.ts';
import { withLatencyBudget } from './latency-budget.ts';

export interface LanguageModelConfig {
  /** `KEFU_LLM` */
  llm: 'embedded' | 'openai' | 'none';
  /** `KEFU_MODEL_PATH` (embedded) */
  modelPath?: string;
  /** `KEFU_LLM_BASE_URL`: a list, or one comma-separated string, first is primary (openai) */
  baseURLs?: readonly string[] | string;
  /** Per-backend metrics when several endpoints are routed. */
  onRouterEvent?: (event: RouterEvent) => void;
  /** `KEFU_LLM_MODEL` (openai) */
  model?: string;
  /** `KEFU_LLM_API_KEY` (openai) */
  apiKey?: string;
  /** LoRA adapter for the embedded model */
  loraPath?: string;
  /** Embedded tuning: CPU threads, tokens per sequence, concurrent sequences. */
  threads?: number;
  contextSize?: number;
  sequences?: number;
  /** HTTP client for openai (tests, proxies). */
  fetch?: typeof globalThis.fetch;
  /** `KEFU_LLM_LATENCY_BUDGET_MS`: no text by then ends the call (latency-budget.ts); 0 or unset: none. */
  latencyBudgetMs?: number;
}

const notConfigured = (message: string): KefuError =>
  new KefuError('llm_not_configured', message, { status: 500 });

/** Splits `KEFU_LLM_BASE_URL`-style values: comma-separated, blanks dropped. */
export function parseBaseURLs(value: readonly string[] | string | undefined): string[] {
  const list = typeof value === 'string' ? value.split(',') : (value ?? []);
  return list.map((u) => u.trim()).filter((u) => u !== '');
}

/**
 * Builds the LanguageModel the configuration asks for, or `null` for `none` (the retrieval-only
 * responder lives in the pipeline). A missing or malformed setting fails at once with the name of
 * the environment variable to set, not at the first request.
 */
export function createLanguageModel(config: LanguageModelConfig): LanguageModel | null {
  const model = createBackend(config);
  const budget = config.latencyBudgetMs ?? 0;
  return model === null || budget === 0 ? model : withLatencyBudget(model, budget);
}

function createBackend(config: LanguageModelConfig): LanguageModel | null {
  switch (config.llm) {
    case 'none':
      return null;
    case 'openai': {
      // Several endpoints, or a standby: the router balances, breaks circuits and fails over.
      const raw = Array.isArray(config.baseURLs) ? config.baseURLs.join(',') : String(config.baseURLs ?? '');
      if (raw.includes(';') || parseBaseURLs(config.baseURLs).length > 1) {
        return createRoutedLanguageModel({
          baseURLs: raw,
          ...(config.model === undefined ? {} : { model: config.model }),
          ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
          ...(config.fetch === undefined ? {} : { fetch: config.fetch }),
          ...(config.onRouterEvent === undefined ? {} : { onEvent: config.onRouterEvent }),
        });
      }
      const baseURLs = parseBaseURLs(config.baseURLs);
      if (baseURLs.length === 0)
        throw notConfigured(
          'KEFU_LLM=openai needs KEFU_LLM_BASE_URL: one or more OpenAI-compatible base URLs, comma-separated, e.g. http://127.0.0.1:8000/v1',
        );
      for (const u of baseURLs) {
        if (!URL.canParse(u) || !/^https?:$/.test(new URL(u).protocol))
          throw notConfigured(`KEFU_LLM_BASE_URL has "${u}", which is not an http(s) URL (e.g. http://127.0.0.1:8000/v1)`);
      }
      return createOpenAICompatibleProvider({
        baseURLs,
        ...(config.model === undefined ? {} : { model: config.model }),
        ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
        ...(config.fetch === undefined ? {} : { fetch: config.fetch }),
      });
    }
    case 'embedded': {
      const modelPath = config.modelPath?.trim();
      if (!modelPath) throw notConfigured('KEFU_LLM=embedded needs KEFU_MODEL_PATH: the path of a GGUF model file');
      if (!existsSync(modelPath))
        throw notConfigured(`KEFU_MODEL_PATH is "${modelPath}", but no file is there; set it to a GGUF model file`);
      if (config.loraPath !== undefined && !existsSync(config.loraPath))
        throw notConfigured(`the LoRA adapter "${config.loraPath}" does not exist`);
      return createEmbeddedProvider({
        modelPath,
        ...(config.loraPath === undefined ? {} : { loraPath: config.loraPath }),
        ...(config.threads === undefined ? {} : { threads: config.threads }),
        ...(config.contextSize === undefined ? {} : { contextSize: config.contextSize }),
        ...(config.sequences === undefined ? {} : { sequences: config.sequences }),
      });
    }
    default:
      throw notConfigured(`KEFU_LLM must be embedded, openai or none, not "${String(config.llm satisfies never)}"`);
  }
}
