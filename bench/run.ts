import { cpus } from 'node:os';
import { benchDialogueTurns } from './dialogue-turns.ts';
import { benchKbSearch } from './kb-search.ts';
import { benchPipelineOverhead } from './pipeline-overhead.ts';
import { writeBenchSection } from './write-section.ts';

/** `npm run bench`: pipeline overhead and KB search; rewrites their sections of BENCHMARKS.md. */

process.stderr.write('KB search at 10k passages…\n');
const kb = await benchKbSearch();
process.stderr.write(`${JSON.stringify(kb)}\npipeline overhead (no model)…\n`);
const pipeline = await benchPipelineOverhead();
process.stderr.write(`${JSON.stringify(pipeline)}\ndialogue turns (shipped scripts)…\n`);
const dialogue = await benchDialogueTurns();
process.stderr.write(`${JSON.stringify(dialogue)}\n`);

const pipelineMd = `## Pipeline overhead (excluding the model)

Everything Kefu does around the model — gateway, validation, session load and save (SQLite),
PII masking, NLU, BM25 retrieval, grounding, transcript writes, metrics — measured over real HTTP
with \`KEFU_LLM=none\` so no model time is included.

| measure | p50 | p99 |
|---|---|---|
| sequential requests (n=${pipeline.sequential.n}) | ${pipeline.sequential.p50Ms} ms | ${pipeline.sequential.p99Ms} ms |
| ${pipeline.load.connections} concurrent connections, 10 s (autocannon): ${pipeline.load.rps} req/s, ${pipeline.load.requests} requests, ${pipeline.load.errors} errors | ${pipeline.load.p50Ms} ms | ${pipeline.load.p99Ms} ms |
`;
const kbMd = `## Knowledge base search

BM25 over ${kb.passages.toLocaleString('en')} passages (SQLite-persisted index), 1,000 mixed Chinese/English queries.

| measure | value |
|---|---|
| import of ${kb.passages.toLocaleString('en')} passages | ${kb.importMs} ms |
| search p50 | ${kb.p50Ms} ms |
| search p99 | ${kb.p99Ms} ms |
`;
const dialogueMd = `## Dialogue turns

The shipped dialogue scripts (test/dialogues, ${dialogue.rounds - 1} measured rounds after a warm-up) over HTTP with
\`KEFU_LLM=none\` and the built-in demo order system: what NLU, flow state, order lookups and
writes add to a turn. ${cpus()[0]?.model ?? 'unknown CPU'}, ${new Date().toISOString().slice(0, 10)}.

| turns | n | p50 | p99 |
|---|---|---|---|
| handled by a flow (order status, returns, address, cancel, invoice, handoff) | ${dialogue.flow.n} | ${dialogue.flow.p50Ms} ms | ${dialogue.flow.p99Ms} ms |
| other (knowledge base, small talk) | ${dialogue.other.n} | ${dialogue.other.p50Ms} ms | ${dialogue.other.p99Ms} ms |
`;
writeBenchSection('pipeline', pipelineMd);
writeBenchSection('dialogue', dialogueMd);
writeBenchSection('kb', kbMd);
process.stderr.write('wrote BENCHMARKS.md\n');
