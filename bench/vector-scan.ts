import os from 'node:os';
import { VectorIndex } from '../src/knowledge/hybrid/vector-index.ts';
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

if (process.argv.includes('--write')) {
  writeBenchSection('vectors', [
    '## Hybrid retrieval: vector scan per search (`npm run bench:vectors -- --write`)',
    '',
    `Every search with \`KEFU_EMBEDDING_BASE_URL\` set scans all chunk vectors once (exact, no approximate index), besides BM25 and the embedding server's time for the question. 20 searches per row after 5 warm-up ones; load average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}.`,
    '',
    '| chunks | dimensions | median ms | max ms | vectors in memory, MiB |',
    '|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n'));
}
