import type { EmbeddingModel } from '../contracts/embedding-model.ts';
import { KefuError } from '../errors.ts';
import { postStream, readText } from './post-stream.ts';
import { unitVector } from './unit-vector.ts';

export interface OpenAICompatibleEmbeddingsSettings {
  /** e.g. `http://127.0.0.1:8081/v1` (llama-server --embedding, vLLM, Ollama, TEI, OpenAI). */
  baseURL: string;
  /** Sent as `model`; omitted when null (llama-server, vLLM and TEI serve one model). */
  model: string | null;
  apiKey: string | null;
  /** Per request. */
  timeoutMs?: number;
  /** Texts per request: servers cap a batch (llama-server by its context). */
  batchSize?: number;
}

const embeddingError = (code: 'embedding_unavailable' | 'embedding_bad_response', message: string, cause?: unknown): KefuError =>
  new KefuError(code, message, { status: 502, retryable: code === 'embedding_unavailable', cause });

/** `{data: [{index, embedding}]}` for `count` inputs, in input order. */
function parseEmbeddings(text: string, count: number): Float32Array[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw embeddingError('embedding_bad_response', `not JSON: ${text.slice(0, 100)}`, e);
  }
  const data = (json as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length !== count) throw embeddingError('embedding_bad_response', `expected ${count} embeddings, got ${Array.isArray(data) ? data.length : 'none'}`);
  const out: Float32Array[] = new Array<Float32Array>(count);
  data.forEach((item: unknown, pos) => {
    const { index, embedding } = (item ?? {}) as { index?: unknown; embedding?: unknown };
    const i = typeof index === 'number' ? index : pos;
    if (!Number.isInteger(i) || i < 0 || i >= count || out[i] !== undefined) throw embeddingError('embedding_bad_response', `embedding index ${String(index)} out of place`);
    if (!Array.isArray(embedding) || embedding.length === 0) throw embeddingError('embedding_bad_response', `embedding ${i}: not a vector (a base64 encoding is not asked for)`);
    const v = unitVector(embedding);
    if (v === null) throw embeddingError('embedding_bad_response', `embedding ${i}: not a vector of numbers`);
    out[i] = v;
  });
  const dim = out[0]!.length;
  if (out.some((v) => v.length !== dim)) throw embeddingError('embedding_bad_response', 'embeddings of different lengths in one answer');
  return out;
}

/**
 * The base URL without user name, password or query: the id is logged and stored with every
 * vector (embeddings.db), and a URL may carry credentials.
 */
function withoutCredentials(baseURL: string): string {
  if (!URL.canParse(baseURL)) return baseURL;
  const u = new URL(baseURL);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/** `POST {baseURL}/embeddings` as OpenAI defines it, through the model client's connection pool. */
export function createOpenAICompatibleEmbeddings(settings: OpenAICompatibleEmbeddingsSettings): EmbeddingModel {
  const url = `${settings.baseURL.replace(/\/+$/, '')}/embeddings`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (settings.apiKey !== null) headers.authorization = `Bearer ${settings.apiKey}`;
  const timeoutMs = settings.timeoutMs ?? 30_000;
  const batchSize = Math.max(1, settings.batchSize ?? 32);

  async function embedBatch(texts: readonly string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    const body = JSON.stringify(settings.model === null ? { input: texts, encoding_format: 'float' } : { input: texts, model: settings.model, encoding_format: 'float' });
    const timeout = AbortSignal.timeout(timeoutMs);
    const stop = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    let text: string;
    let status: number;
    try {
      const res = await postStream(url, headers, body, stop);
      status = res.status;
      text = await readText(res);
    } catch (e) {
      const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : (e as Error).message;
      throw embeddingError('embedding_unavailable', `embedding server ${url}: ${why}`, e);
    }
    if (status < 200 || status >= 300) {
      const detail = text.slice(0, 200).replace(/\s+/g, ' ');
      throw embeddingError(status >= 500 || status === 429 ? 'embedding_unavailable' : 'embedding_bad_response', `embedding server ${url} answered ${status}: ${detail}`);
    }
    return parseEmbeddings(text, texts.length);
  }

  return {
    id: `openai:${withoutCredentials(settings.baseURL)}|${settings.model ?? ''}`,
    async embed(texts, options = {}) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) out.push(...(await embedBatch(texts.slice(i, i + batchSize), options.signal)));
      return out;
    },
  };
}
