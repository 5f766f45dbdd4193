import { existsSync } from 'node:fs';
import { getLlama, type Llama, type LlamaEmbeddingContext } from 'node-llama-cpp';
import type { EmbeddingModel } from '../contracts/embedding-model.ts';
import { KefuError } from '../errors.ts';
import { unitVector } from './unit-vector.ts';

export interface EmbeddedEmbeddingsOptions {
  /** A GGUF embedding model (bge-m3, multilingual-e5, nomic-embed …). */
  modelPath: string;
  threads?: number;
  /** Tokens per text; a longer text is cut (a knowledge-base chunk is a few hundred). */
  contextSize?: number;
}

/**
 * An embedding model in this process through llama.cpp (node-llama-cpp), from a GGUF file: no
 * embedding server to run. Loaded at the first call; texts are embedded one after another on one
 * context, with the pooling the GGUF declares. Under `kefu serve --workers N` the primary loads it
 * once for the machine (src/cluster/embedding-host.ts).
 */
export function createEmbeddedEmbeddings(options: EmbeddedEmbeddingsOptions): EmbeddingModel & { close(): Promise<void> } {
  let loading: Promise<{ llama: Llama; context: LlamaEmbeddingContext }> | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  const load = (): Promise<{ llama: Llama; context: LlamaEmbeddingContext }> => {
    loading ??= (async () => {
      if (!existsSync(options.modelPath)) throw new KefuError('embedding_model_not_found', `embedding model file not found: ${options.modelPath}`, { status: 503 });
      const llama = await getLlama({ gpu: 'auto' });
      try {
        const model = await llama.loadModel({ modelPath: options.modelPath });
        const context = await model.createEmbeddingContext({ contextSize: { max: options.contextSize ?? 512 }, threads: options.threads ?? 1 });
        return { llama, context };
      } catch (e) {
        await llama.dispose().catch(() => undefined);
        throw new KefuError('embedding_unavailable', `loading the embedding model ${options.modelPath} failed: ${(e as Error).message}`, { status: 503, cause: e });
      }
    })();
    loading.catch(() => (loading = null));
    return loading;
  };

  async function embedAll(texts: readonly string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    const { context } = await load();
    const out: Float32Array[] = [];
    const max = options.contextSize ?? 512;
    for (const text of texts) {
      signal?.throwIfAborted();
      // A text longer than the context is cut to fit, as an embedding server truncates it.
      let tokens = context.model.tokenize(text);
      if (tokens.length > max - 2) tokens = tokens.slice(0, max - 2);
      const embedding = await context.getEmbeddingFor(tokens);
      const v = unitVector(embedding.vector);
      if (v === null) throw new KefuError('embedding_bad_response', `the embedding model gave a vector with a value that is not a number: ${options.modelPath}`, { status: 502 });
      out.push(v);
    }
    return out;
  }

  return {
    id: `embedded:${options.modelPath}`,
    embed(texts, opts = {}) {
      // One context: calls take turns.
      const run = queue.then(() => embedAll(texts, opts.signal));
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {
      const loaded = await loading?.catch(() => null);
      if (loaded == null) return;
      await loaded.context.dispose();
      await loaded.llama.dispose();
    },
  };
}
