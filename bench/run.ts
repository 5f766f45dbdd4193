import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config/load-config.ts';
import { benchKbSearch } from './kb-search.ts';
import { benchPipelineOverhead } from './pipeline-overhead.ts';

/** `npm run bench`: runs every benchmark and rewrites BENCHMARKS.md with machine and date. */
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 10);

process.stderr.write('KB search at 10k passages…\n');
const kb = await benchKbSearch();
process.stderr.write(`${JSON.stringify(kb)}\npipeline overhead (no model)…\n`);
const pipeline = await benchPipelineOverhead();
process.stderr.write(`${JSON.stringify(pipeline)}\n`);

const md = `# Benchmarks

Run with \`npm run bench\`. Machine: ${machine}. Date: ${date}.

## Pipeline overhead (excluding the model)

Everything Kefu does around the model — gateway, validation, session load and save (SQLite),
PII masking, NLU, BM25 retrieval, grounding, transcript writes, metrics — measured over real HTTP
with \`KEFU_LLM=none\` so no model time is included.

| measure | p50 | p99 |
|---|---|---|
| sequential requests (n=${pipeline.sequential.n}) | ${pipeline.sequential.p50Ms} ms | ${pipeline.sequential.p99Ms} ms |
| ${pipeline.load.connections} concurrent connections, 10 s (autocannon): ${pipeline.load.rps} req/s, ${pipeline.load.requests} requests, ${pipeline.load.errors} errors | ${pipeline.load.p50Ms} ms | ${pipeline.load.p99Ms} ms |

## Knowledge base search

BM25 over ${kb.passages.toLocaleString('en')} passages (SQLite-persisted index), 1,000 mixed Chinese/English queries.

| measure | value |
|---|---|
| import of ${kb.passages.toLocaleString('en')} passages | ${kb.importMs} ms |
| search p50 | ${kb.p50Ms} ms |
| search p99 | ${kb.p99Ms} ms |
`;
writeFileSync(path.join(PROJECT_ROOT, 'BENCHMARKS.md'), md);
process.stderr.write('wrote BENCHMARKS.md\n');
