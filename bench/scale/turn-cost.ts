import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { load, round } from './common.ts';
import { autocannon, postJson, spawnServer, treeCpuMs, type Cannon, type ServerProcess } from './processes.ts';
import { spawnTokenRateBackend } from './token-rate-backend.ts';

/**
 * Server CPU per turn against reference servers, in one run (issue 16.6). Every server is its
 * own process; its CPU time (all threads and child processes, from /proc) over an autocannon run
 * at 50 connections, divided by the replies it gave, is its cost per turn. Cases:
 * - `ref-plain`: Hono + zod + one SQLite transaction + JSON (bench/scale/reference-server.ts);
 * - `ref-guarded`: that plus Kefu's PII scan, input and output guards and audit append;
 * - `ref-guarded-model`: that with the reply from the same backend as the KB turn, through Kefu's
 *   own model client: the least a KB turn must do, with nothing of Kefu's pipeline around it;
 * - `kefu-cache`: Kefu, the question answered from the answer cache;
 * - `kefu-kb`: Kefu, cache off, a knowledge-base question answered by an instant fake
 *   OpenAI-compatible backend (its own process, 40 tokens written at once);
 * - `kefu-retrieval`: Kefu, cache off, no model (`KEFU_LLM=none`): the same question answered from
 *   the passages. Everything of the KB turn but the model call and its checks: the KB turn's floor;
 * The cases take turns, three repetitions; min / median / max of each figure.
 */
export const QUESTION = 'How long does shipping take?';
const CONNECTIONS = 50;
const WARM_S = 3;
const RUN_S = Number(process.env.BENCH_SECONDS ?? 8);
const REPS = 3;
const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));

export type CaseName = 'ref-plain' | 'ref-guarded' | 'ref-guarded-model' | 'kefu-cache' | 'kefu-kb' | 'kefu-retrieval';
export interface Sample extends Cannon { cpuMsPerTurn: number }
export interface Spread { min: number; median: number; max: number }
export interface CaseResult { name: CaseName; samples: Sample[]; cpuMsPerTurn: Spread; rps: Spread; p50Ms: Spread; p99Ms: Spread }

export const spread = (xs: readonly number[]): Spread => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: round(s[0]!, 3), median: round(s[Math.floor(s.length / 2)]!, 3), max: round(s[s.length - 1]!, 3) };
};

type Answer = { cached?: boolean; model?: string; reply?: string; sources?: unknown[] };

async function ask(url: string): Promise<Answer> {
  const res = await fetch(`${url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: QUESTION }) });
  return (await res.json()) as Answer;
}

async function measure(server: ServerProcess): Promise<Sample> {
  const args = postJson({ message: QUESTION });
  await autocannon(`${server.url}/v1/chat`, CONNECTIONS, WARM_S, args);
  const before = treeCpuMs(server.pid);
  const run = await autocannon(`${server.url}/v1/chat`, CONNECTIONS, RUN_S, args);
  const cpu = treeCpuMs(server.pid) - before;
  return { ...run, cpuMsPerTurn: round(cpu / Math.max(1, run.requests), 3) };
}

/** Starts every server; checks the cache case hits and the KB case reaches the backend. */
async function startAll(backendUrl: string): Promise<Map<CaseName, ServerProcess>> {
  const kefu = here('./kefu-process.ts');
  const llm = { KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: backendUrl };
  const servers = new Map<CaseName, ServerProcess>([
    ['ref-plain', await spawnServer(here('./reference-server.ts'), ['plain'])],
    ['ref-guarded', await spawnServer(here('./reference-server.ts'), ['guarded'])],
    ['ref-guarded-model', await spawnServer(here('./reference-server.ts'), ['guarded-model', backendUrl])],
    ['kefu-cache', await spawnServer(kefu, [JSON.stringify({ ...llm, KEFU_CACHE: 'on' })])],
    ['kefu-kb', await spawnServer(kefu, [JSON.stringify({ ...llm, KEFU_CACHE: 'off' })])],
    ['kefu-retrieval', await spawnServer(kefu, [JSON.stringify({ KEFU_LLM: 'none', KEFU_CACHE: 'off' })])],
  ]);
  process.stderr.write(`servers up: ${[...servers.keys()].join(', ')}\n`);
  for (const [name, s] of servers) {
    if (name !== 'kefu-cache') continue;
    await ask(s.url);
    const second = await ask(s.url);
    if (second.cached !== true) throw new Error(`${name}: the second ask was not a cache hit: ${JSON.stringify(second).slice(0, 300)}`);
  }
  const ref = await ask(servers.get('ref-guarded-model')!.url);
  if (ref.cached !== false || ref.reply?.endsWith('[1]') !== true) throw new Error(`ref-guarded-model: not answered by the backend: ${JSON.stringify(ref).slice(0, 300)}`);
  const kb = await ask(servers.get('kefu-kb')!.url);
  if (kb.model?.startsWith('openai') !== true) throw new Error(`kefu-kb: not answered by the backend: ${JSON.stringify(kb).slice(0, 300)}`);
  const retrieval = await ask(servers.get('kefu-retrieval')!.url);
  if (retrieval.cached === true || retrieval.model?.startsWith('openai') === true || (retrieval.sources ?? []).length === 0)
    throw new Error(`kefu-retrieval: not answered from the passages: ${JSON.stringify(retrieval).slice(0, 300)}`);
  return servers;
}

export interface TurnCostReport {
  cases: CaseResult[];
  loadStart: string;
  loadEnd: string;
  backendCalls: number;
  kbRequests: number;
  connections: number;
  seconds: number;
}

export async function benchTurnCost(): Promise<TurnCostReport> {
  const loadStart = load();
  const backend = await spawnTokenRateBackend({ tokensPerSecond: 1000, firstTokenMs: 0, maxTokens: 40, instant: true, wholeSentences: true });
  const servers = await startAll(backend.url).catch(async (e: unknown) => {
    await backend.close();
    throw e;
  });
  try {
    const samples = new Map<CaseName, Sample[]>([...servers.keys()].map((k) => [k, []]));
    await backend.stats();
    for (let rep = 0; rep < REPS; rep++) {
      for (const [name, server] of servers) {
        process.stderr.write(`rep ${rep + 1}/${REPS} ${name}… (load ${load()})\n`);
        const s = await measure(server);
        process.stderr.write(`  ${JSON.stringify(s)}\n`);
        samples.get(name)!.push(s);
      }
    }
    const calls = (await backend.stats()).length;
    const cases = [...samples].map(([name, xs]): CaseResult => ({
      name, samples: xs, cpuMsPerTurn: spread(xs.map((x) => x.cpuMsPerTurn)), rps: spread(xs.map((x) => x.rps)), p50Ms: spread(xs.map((x) => x.p50Ms)), p99Ms: spread(xs.map((x) => x.p99Ms)),
    }));
    // Both cases that call the backend: the KB turn and the reference with the model call.
    const kbRequests = [...samples.get('kefu-kb')!, ...samples.get('ref-guarded-model')!].reduce((a, x) => a + x.requests, 0);
    return { cases, loadStart, loadEnd: load(), backendCalls: calls, kbRequests, connections: CONNECTIONS, seconds: RUN_S };
  } finally {
    for (const s of servers.values()) await s.close();
    await backend.close();
  }
}

/** The git commit measured, for the record. */
export function headCommit(): string {
  const root = here('../../.git/');
  const head = readFileSync(`${root}HEAD`, 'utf8').trim();
  if (!head.startsWith('ref: ')) return head.slice(0, 7);
  const ref = `${root}${head.slice(5)}`;
  return existsSync(ref) ? readFileSync(ref, 'utf8').trim().slice(0, 7) : 'unknown';
}
