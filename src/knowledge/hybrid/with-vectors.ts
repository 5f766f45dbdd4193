import path from 'node:path';
import type { KefuConfig } from '../../config/load-config.ts';
import type { EmbeddingModel } from '../../contracts/embedding-model.ts';
import type { KbReview, KnowledgeBase } from '../../contracts/knowledge-base.ts';
import { createEmbeddedEmbeddings } from '../../llm/embedded-embeddings.ts';
import { createOpenAICompatibleEmbeddings } from '../../llm/openai-compatible-embeddings.ts';
import { HybridKnowledgeBase, type HybridSettings } from './hybrid-knowledge-base.ts';
import { VectorCache } from './vector-cache.ts';

/**
 * `bm25` with vectors as KEFU_EMBEDDING_* configures them, kept in `<data dir>/embeddings.db`;
 * null when none are configured. Closing it closes `bm25` and a GGUF it loaded. The server and
 * the `kefu kb` commands open it the same way, so both search alike.
 */
export function withVectors(
  bm25: KnowledgeBase & KbReview,
  config: Pick<KefuConfig, 'embedding' | 'dataDir'>,
  options: { model?: EmbeddingModel } & Pick<HybridSettings, 'logger' | 'onEmbed'> = {},
): HybridKnowledgeBase | null {
  const settings = config.embedding;
  if (settings === null) return null;
  let closeModel: () => Promise<void> = async () => undefined;
  let model = options.model;
  if (model === undefined) {
    if (settings.kind === 'openai') model = createOpenAICompatibleEmbeddings(settings);
    else {
      const embedded = createEmbeddedEmbeddings({ modelPath: settings.modelPath });
      closeModel = () => embedded.close();
      model = embedded;
    }
  }
  const cache = new VectorCache(path.join(config.dataDir, 'embeddings.db'));
  return new HybridKnowledgeBase(bm25, Object.assign({ model, cache, minSimilarity: settings.minSimilarity, questionTimeoutMs: settings.questionTimeoutMs, onClose: closeModel }, options.logger === undefined ? {} : { logger: options.logger }, options.onEmbed === undefined ? {} : { onEmbed: options.onEmbed }));
}
