import type { KefuConfig } from '../../config/load-config.ts';
import type { Metrics } from '../../metrics/create-metrics.ts';
import { createOpenAiTranscriber } from './openai-transcriber.ts';
import { createPocketsphinxTranscriber } from './pocketsphinx-transcriber.ts';
import { createProcessPool } from './process-pool.ts';
import { createVoiceReader } from './voice-reader.ts';

/** The voice reader the configuration asks for: the ASR server when KEFU_ASR_BASE_URL is set, else pocketsphinx. */
export function createVoiceReaderFromConfig(voice: KefuConfig['voice'], metrics: Pick<Metrics, 'asrSeconds' | 'asrFailures'>, fetch?: typeof globalThis.fetch) {
  const transcriber =
    voice.server === null
      ? createPocketsphinxTranscriber(voice.languageModel === null ? {} : { languageModel: voice.languageModel })
      : createOpenAiTranscriber({
          baseUrl: voice.server.baseUrl,
          apiKey: voice.server.apiKey,
          model: voice.server.model,
          responseFormat: voice.server.responseFormat,
          ...(voice.server.language === null ? {} : { language: voice.server.language }),
          ...(fetch === undefined ? {} : { fetch }),
        });
  return createVoiceReader({
    pool: createProcessPool({ concurrency: voice.asrConcurrency }),
    transcriber,
    metrics,
    limits: { maxBytes: voice.maxBytes, maxSeconds: voice.maxSeconds, timeoutMs: voice.asrTimeoutMs },
  });
}
