import { KefuError } from '../../errors.ts';
import { asrTimeout } from './process-pool.ts';
import type { Transcriber } from './transcriber.ts';

export interface OpenAiTranscriberOptions {
  /** KEFU_ASR_BASE_URL, e.g. `http://127.0.0.1:8080/v1` (whisper.cpp server, faster-whisper, vLLM). */
  baseUrl: string;
  /** KEFU_ASR_API_KEY, sent as a bearer token. */
  apiKey?: string | null;
  /** KEFU_ASR_MODEL. Default `whisper-1`. */
  model?: string;
  /** `json` ({"text": …}) or `text` (the transcript as the body). Default `json`. */
  responseFormat?: 'json' | 'text';
  /** ISO-639-1 hint (zh, en); unset lets the server detect it. */
  language?: string;
  fetch?: typeof globalThis.fetch;
}

/** Transcripts longer than this are not a voice message; the rest is dropped. */
const MAX_TRANSCRIPT_CHARS = 4000;

const unavailable = (why: string, cause?: unknown): KefuError =>
  new KefuError('asr_unavailable', `the speech recognition server ${why}`, { status: 503, retryable: true, ...(cause === undefined ? {} : { cause }) });

/**
 * A client of `POST {baseUrl}/audio/transcriptions`, OpenAI's speech-to-text API as whisper.cpp's
 * server, faster-whisper servers and vLLM speak it: multipart form with `file`, `model`,
 * `response_format` (and `language`). The server's own error text goes to the log, not the customer.
 */
export function createOpenAiTranscriber(options: OpenAiTranscriberOptions): Transcriber {
  let base: URL;
  try {
    base = new URL(options.baseUrl.replace(/\/+$/, '') + '/audio/transcriptions');
  } catch (cause) {
    throw new KefuError('invalid_config', `KEFU_ASR_BASE_URL is not a URL: "${options.baseUrl}"`, { cause });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new KefuError('invalid_config', 'KEFU_ASR_BASE_URL must be http:// or https://');
  const doFetch = options.fetch ?? globalThis.fetch;
  const format = options.responseFormat ?? 'json';
  const model = options.model ?? 'whisper-1';

  return {
    engine: 'server',
    async transcribe(wav, { deadline, timeoutMs }) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), 'voice.wav');
      form.append('model', model);
      form.append('response_format', format);
      if (options.language !== undefined) form.append('language', options.language);
      const headers: Record<string, string> = {};
      if (options.apiKey) headers['authorization'] = `Bearer ${options.apiKey}`;
      const signal = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
      let res: Response;
      try {
        res = await doFetch(base, { method: 'POST', body: form, headers, signal });
      } catch (cause) {
        if (signal.aborted) throw asrTimeout(timeoutMs);
        throw unavailable(`at ${base.origin} did not answer`, cause);
      }
      let body: string;
      try {
        body = await res.text();
      } catch (cause) {
        if (signal.aborted) throw asrTimeout(timeoutMs);
        throw unavailable('broke off its answer', cause);
      }
      if (!res.ok) {
        const cause = new Error(`HTTP ${res.status}: ${body.slice(0, 500)}`);
        if (res.status === 400 || res.status === 415 || res.status === 422) {
          throw new KefuError('asr_rejected', 'the speech recognition server could not read the recording: record it again, or type your question', { status: 422, cause });
        }
        if (res.status === 401 || res.status === 403) throw unavailable('refused Kefu\'s key (check KEFU_ASR_API_KEY)', cause);
        throw unavailable(`answered HTTP ${res.status}`, cause);
      }
      return readTranscript(body, format).slice(0, MAX_TRANSCRIPT_CHARS).trim();
    },
  };
}

function readTranscript(body: string, format: 'json' | 'text'): string {
  if (format === 'text') return body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (cause) {
    throw unavailable('answered with something other than JSON', cause);
  }
  const text = typeof parsed === 'object' && parsed !== null ? (parsed as { text?: unknown }).text : undefined;
  if (typeof text !== 'string') throw unavailable('answered JSON without a text field');
  return text;
}
