import type { EmbeddingModel } from '../contracts/embedding-model.ts';
import { KefuError } from '../errors.ts';
import type { WorkerBus } from './worker-bus.ts';

/** A worker's embedding model when the primary hosts an embedded one (src/cluster/embedding-host.ts). */
export function createIpcEmbeddings(bus: WorkerBus, id: string): EmbeddingModel {
  return {
    id,
    async embed(texts, options = {}) {
      options.signal?.throwIfAborted();
      try {
        const vectors = await bus.request<number[][]>('embed', { texts });
        return vectors.map((v) => Float32Array.from(v));
      } catch (e) {
        throw new KefuError('embedding_unavailable', `the primary's embedding model: ${(e as Error).message}`, { status: 503, retryable: true, cause: e });
      }
    },
  };
}
