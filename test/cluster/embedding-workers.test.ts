import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findShippedModel } from '../../src/config/load-config.ts';
import { httpJson } from '../support/loopback-http.ts';
import { startKefuWorkers, type KefuWorkers } from '../support/start-kefu-workers.ts';

/**
 * `kefu serve --workers 2` with KEFU_EMBEDDING_MODEL_PATH: the embedding GGUF is loaded once, in
 * the primary, and every worker's searches get vectors from it over IPC. (The shipped chat model
 * stands in for an embedding model: this is about where it runs, not what its vectors mean.)
 */
let kefu: KefuWorkers;
let kbDir: string;

beforeAll(async () => {
  const model = findShippedModel();
  if (model === null) throw new Error('no GGUF model in models/');
  kbDir = mkdtempSync(path.join(tmpdir(), 'kefu-kb-'));
  writeFileSync(path.join(kbDir, 'rental.md'), '# Breakdowns\n\nIf a tyre is punctured, we bring a replacement bike within the hour.\n\n# Opening hours\n\nOpen every day from 8:00 to 19:00.\n');
  kefu = await startKefuWorkers(2, { KEFU_LLM: 'none', KEFU_KB: kbDir, KEFU_EMBEDDING_MODEL_PATH: model, KEFU_LOG_LEVEL: 'info' });
}, 120_000);
afterAll(async () => {
  await kefu?.destroy();
  if (kbDir !== undefined) rmSync(kbDir, { recursive: true, force: true });
});

describe('kefu serve --workers 2 with an embedded embedding model', () => {
  it('loads the GGUF in the primary only, and both workers search with its vectors', async () => {
    const workers = kefu.workerPids();
    expect(workers).toHaveLength(2);
    const mapsModel = (pid: number) => /\.gguf$/m.test(readFileSync(`/proc/${pid}/maps`, 'utf8'));
    // The model loads at the first embedding, which starts with the first worker.
    for (let i = 0; i < 200 && !mapsModel(kefu.primary.pid!); i++) await new Promise((r) => setTimeout(r, 100));
    expect(mapsModel(kefu.primary.pid!)).toBe(true);
    for (const pid of workers) expect(mapsModel(pid)).toBe(false);

    // A fresh connection per request: the primary hands each to the next worker.
    const answeredBy = new Set<number>();
    for (let i = 0; i < 40 && answeredBy.size < 2; i++) {
      const res = await httpJson(`${kefu.url}/v1/kb/search?q=opening%20hours&k=1`, { ownerOf: kefu.ownerOf });
      const first = (res.body as { results: { similarity?: number }[] }).results[0];
      if (first?.similarity !== undefined && res.owner !== null) answeredBy.add(res.owner);
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect([...answeredBy].sort()).toEqual([...workers].sort());
    const metrics = await httpJson(`${kefu.url}/metrics`);
    expect(String(metrics.body)).toMatch(/^kefu_knowledge_chunks_embedded 2$/m);
  }, 90_000);
});
