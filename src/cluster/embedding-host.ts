import type { EmbeddingModel } from '../contracts/embedding-model.ts';
import type { PrimaryBus } from './primary-bus.ts';

/**
 * The primary's half of an embedded embedding model under `--workers N`: one copy of the GGUF for
 * the machine, embedding for every worker (src/cluster/ipc-embeddings.ts).
 */
export function hostEmbeddings(bus: PrimaryBus, model: EmbeddingModel): void {
  bus.handle('embed', async (body) => {
    const { texts } = body as { texts: string[] };
    const vectors = await model.embed(texts);
    // Plain arrays: the IPC channel carries JSON.
    return vectors.map((v) => Array.from(v));
  });
}
