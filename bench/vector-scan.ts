import os from 'node:os';
import { VectorIndex } from '../src/knowledge/hybrid/vector-index.ts';
import { startFakeEmbeddingServer } from '../test/support/fake-embedding-server.ts';
import { KB_QUESTIONS, startKefu, summarise } from './scale/common.ts';
import { writeBenchSection } from './write-section.ts';

/**
 * `npm run bench:vectors [-- --write]`: the exact vector scan of hybrid retrieval
 * (src/knowledge/hybrid/vector-index.ts) per search, at knowledge bases of 1k to 100k chunks and
 * the widths of common embedding models (384: bge-small / MiniLM, 1024: bge-m3). Random unit
 * vectors: the scan's cost does not depend on their values.
 */
function unit(dim: number, seed: { s: number }): Float32Array {
  const v = new Float32Array(dim);
  let n = 0;
  for (let i = 0; i < dim; i++) {
    seed.s = (seed.s * 1103515245 + 12345) >>> 0;
    v[i] = seed.s / 2 ** 32 - 0.5;
    n += v[i]! * v[i]!;
  }
  for (let i = 0; i < dim; i++) v[i]! /= Math.sqrt(n);
  return v;
}

const rows: string[] = [];
const seed = { s: 7 };
for (const dim of [384, 1024]) {
  for (const size of [1_000, 10_000, 100_000]) {
    const index = new VectorIndex(Array.from({ length: size }, () => unit(dim, seed)));
    const queries = Array.from({ length: 20 }, () => unit(dim, seed));
    for (const q of queries.slice(0, 5)) index.nearest(q, 20, 0.3);
    const times: number[] = [];
    for (const q of queries) {
      const t = performance.now();
      index.nearest(q, 20, 0.3);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const line = `| ${size.toLocaleString('en')} | ${dim} | ${times[Math.floor(times.length / 2)]!.toFixed(2)} | ${times[times.length - 1]!.toFixed(2)} | ${Math.round((size * dim * 4) / 2 ** 20)} |`;
    console.log(line);
    rows.push(line);
  }
}

/**
 * A turn answered from the demo shop's knowledge base (no model, cache off) in process, with and
 * without vectors from a loopback embedding server (64 dimensions, so the server's own time is
 * near nothing): what hybrid retrieval adds to a turn besides the embedding server's time.
 */
async function turnCost(withVectors: boolean, baseUrl: string): Promise<{ p50: number; p99: number; cpuUs: number }> {
  const server = await startKefu(Object.assign({ KEFU_CACHE: 'off' }, withVectors ? { KEFU_EMBEDDING_BASE_URL: baseUrl } : {}));
  try {
    const run = (i: number) => server.kefu.pipeline.run({ message: `${KB_QUESTIONS[i % KB_QUESTIONS.length]!} ${i}`, channel: 'web' });
    for (let i = 0; i < 300; i++) await run(i);
    const times: number[] = [];
    const c0 = process.cpuUsage();
    for (let i = 0; i < 600; i++) {
      const t = performance.now();
      await run(i);
      times.push(performance.now() - t);
    }
    const c = process.cpuUsage(c0);
    const s = summarise(times);
    return { p50: s.p50, p99: s.p99, cpuUs: (c.user + c.system) / times.length };
  } finally {
    await server.destroy();
  }
}

const fake = await startFakeEmbeddingServer();
const turns: string[] = [];
for (let rep = 0; rep < 2; rep++) {
  for (const withVectors of [false, true]) {
    const r = await turnCost(withVectors, fake.baseUrl);
    const line = `| ${withVectors ? 'hybrid (loopback embedding server)' : 'BM25 alone'} | ${rep + 1} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${Math.round(r.cpuUs)} |`;
    console.log(line);
    turns.push(line);
  }
}
await fake.close();

if (process.argv.includes('--write')) {
  writeBenchSection('vectors', [
    '## Hybrid retrieval: vector scan per search (`npm run bench:vectors -- --write`)',
    '',
    `Every search with \`KEFU_EMBEDDING_BASE_URL\` set scans all chunk vectors once (exact, no approximate index), besides BM25 and the embedding server's time for the question. 20 searches per row after 5 warm-up ones; load average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}.`,
    '',
    '| chunks | dimensions | median ms | max ms | vectors in memory, MiB |',
    '|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'A whole turn answered from the demo shop\'s passages (no model, answer cache off, one at a time, in process, 600 turns after 300 warm-up, each question made distinct so no memo answers it; CPU of the process, which also runs the loopback embedding server):',
    '',
    '| retrieval | run | p50 ms | p99 ms | CPU µs per turn |',
    '|---|---:|---:|---:|---:|',
    ...turns,
  ].join('\n'));
}
