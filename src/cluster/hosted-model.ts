import type { KefuConfig } from '../config/load-config.ts';
import type { LanguageModel } from '../contracts/language-model.ts';
import { createLanguageModel } from '../llm/create-language-model.ts';

/**
 * The model the primary loads for the whole machine under `--workers N`: the embedded one (a GGUF
 * in this process's memory, once, not once per worker). A model server (`KEFU_LLM=openai`) is
 * called by each worker itself, so there is nothing to host: null.
 */
export function hostedModelFor(config: KefuConfig): LanguageModel | null {
  if (config.llm !== 'embedded' || config.modelPath === null) return null;
  return createLanguageModel({
    llm: 'embedded',
    modelPath: config.modelPath,
    ...(config.loraPath === null ? {} : { loraPath: config.loraPath }),
    ...(config.llmThreads === null ? {} : { threads: config.llmThreads }),
    latencyBudgetMs: config.llmLatencyBudgetMs,
  });
}
