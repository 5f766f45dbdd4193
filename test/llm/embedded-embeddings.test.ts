import { afterAll, describe, expect, it } from 'vitest';
import { findShippedModel } from '../../src/config/load-config.ts';
import { createEmbeddedEmbeddings } from '../../src/llm/embedded-embeddings.ts';

/**
 * KEFU_EMBEDDING_MODEL_PATH: a GGUF embedded in process through node-llama-cpp. The shipped model
 * is a chat model, not an embedding model: this checks the adapter (shape, order, determinism,
 * long texts, errors), not what its vectors mean.
 */
const MODEL = findShippedModel();

describe('embedded GGUF embeddings', () => {
  if (MODEL === null) throw new Error('no GGUF model in models/: the shipped kefu-tiny-zh-en.gguf is part of the repository');
  const model = createEmbeddedEmbeddings({ modelPath: MODEL, contextSize: 256 });
  afterAll(() => model.close());

  it('gives one unit vector per text, in order, the same for the same text, also when calls overlap', async () => {
    const texts = ['运费多少？', 'How long does shipping take?', '发票怎么开'];
    const [a, b] = await Promise.all([model.embed(texts), model.embed([texts[1]!, texts[0]!])]);
    expect(a).toHaveLength(3);
    for (const v of [...a, ...b]) {
      expect(v.length).toBe(a[0]!.length);
      expect(Math.sqrt(v.reduce((s, x) => s + x * x, 0))).toBeCloseTo(1, 4);
    }
    const cos = (x: Float32Array, y: Float32Array): number => x.reduce((s, v, i) => s + v * y[i]!, 0);
    expect(cos(a[1]!, b[0]!)).toBeCloseTo(1, 4);
    expect(cos(a[0]!, b[1]!)).toBeCloseTo(1, 4);
    expect(cos(a[0]!, a[1]!)).toBeLessThan(0.999);
  }, 60_000);

  it('embeds a text longer than its context by its beginning, as a server truncates', async () => {
    const long = 'Returns are accepted within seven days of delivery. '.repeat(200);
    const [v] = await model.embed([long]);
    expect(v!.length).toBeGreaterThan(16);
  }, 60_000);

  it('names a missing file, and an aborted call stops', async () => {
    const missing = createEmbeddedEmbeddings({ modelPath: '/nonexistent/bge-m3.gguf' });
    await expect(missing.embed(['x'])).rejects.toMatchObject({ code: 'embedding_model_not_found' });
    await expect(model.embed(['x', 'y'], { signal: AbortSignal.abort() })).rejects.toThrow();
  });
});
