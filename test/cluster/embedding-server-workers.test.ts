import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeEmbeddingServer, type FakeEmbeddingServer } from '../support/fake-embedding-server.ts';
import { httpJson } from '../support/loopback-http.ts';
import { startKefuWorkers, type KefuWorkers } from '../support/start-kefu-workers.ts';

/**
 * `kefu serve --workers 2` with an embedding server (KEFU_EMBEDDING_BASE_URL): the workers share
 * embeddings.db and take turns through its lease, so the server is asked for each chunk once, not
 * once per worker, and both workers search with the vectors.
 */
const QUESTION = 'opening hours';
let fake: FakeEmbeddingServer;
let kefu: KefuWorkers;
let kbDir: string;

beforeAll(async () => {
  fake = await startFakeEmbeddingServer();
  // The first worker is still waiting for its batch when the second starts (the others start once
  // the first listens): without the lease the second would ask for the same chunks.
  fake.mode = { kind: 'ok', batchDelayMs: 8000 };
  kbDir = mkdtempSync(path.join(tmpdir(), 'kefu-kb-'));
  writeFileSync(path.join(kbDir, 'rental.md'), '# Breakdowns\n\nIf a tyre is punctured, we bring a replacement bike within the hour.\n\n# Opening hours\n\nOpen every day from 8:00 to 19:00.\n');
  kefu = await startKefuWorkers(2, { KEFU_LLM: 'none', KEFU_KB: kbDir, KEFU_EMBEDDING_BASE_URL: fake.baseUrl, KEFU_EMBEDDING_MODEL: 'fake-embed', KEFU_RATE_LIMIT_PER_MINUTE: '10000' });
}, 120_000);
afterAll(async () => {
  await kefu?.destroy();
  await fake?.close();
  if (kbDir !== undefined) rmSync(kbDir, { recursive: true, force: true });
});

describe('kefu serve --workers 2 with an embedding server', () => {
  it('asks the server for each chunk once, and both workers search with the vectors', async () => {
    const workers = kefu.workerPids();
    expect(workers).toHaveLength(2);
    // A fresh connection per request: the primary hands each to the next worker.
    const answeredBy = new Set<number>();
    for (let i = 0; i < 300 && answeredBy.size < 2; i++) {
      const res = await httpJson(`${kefu.url}/v1/kb/search?q=${encodeURIComponent(QUESTION)}&k=1`, { ownerOf: kefu.ownerOf });
      expect(res.status).toBe(200);
      const first = (res.body as { results: { similarity?: number }[] }).results[0];
      if (first?.similarity !== undefined && res.owner !== null) answeredBy.add(res.owner);
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect([...answeredBy].sort()).toEqual([...workers].sort());

    const chunkTexts = fake.requests.flatMap((r) => r.input).filter((t) => t !== QUESTION);
    expect(chunkTexts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(chunkTexts).size).toBe(chunkTexts.length);
    const metrics = String((await httpJson(`${kefu.url}/metrics`)).body);
    expect(metrics).toMatch(/^kefu_knowledge_chunks_embedded 2$/m);
    expect(chunkTexts).toHaveLength(2);
  }, 90_000);
});
