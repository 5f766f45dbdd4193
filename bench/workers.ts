import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { round } from './scale/common.ts';
import { treeCpuMs, type Cannon } from './scale/processes.ts';
import { requireWrk, wrkPost } from './scale/wrk.ts';
import { writeBenchSection } from './write-section.ts';

/**
 * Cache-hit replies/s at 50 connections, `kefu serve --workers 1` against `--workers 2`, in one
 * run (issue 16.5: at least 1.7x, p99 at most 500 ms). Both servers are started first (KEFU_LLM=none,
 * answer cache on), then wrk (its own process; bench/scale/wrk.ts says why not autocannon) alternates between them, `repetitions`
 * times each, so a change in the shared machine's load falls on both. Prints JSON; also callable
 * as `benchWorkers()` from `npm run bench:scale`.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const QUESTION = '你们的退货政策是什么?';
const WARM_S = 3;

export interface WorkersOptions {
  workers?: readonly number[];
  connections?: number;
  seconds?: number;
  repetitions?: number;
}
/**
 * One load run (wrk), with the CPU the server (primary and workers) and the load generator used
 * over it in cores: on 2 shared cores, what the load generator takes is not there for a second
 * worker, so the ratio reads with these beside it.
 */
interface Run extends Cannon { serverCores: number; loadCores: number; serverMsPerReply: number }
interface Spawned { url: string; proc: ChildProcess; dir: string }

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' / ');
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function spawnKefu(workers: number): Promise<Spawned> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-bench-workers-'));
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin/kefu.js'), 'serve', '--workers', String(workers)], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', KEFU_DATA_DIR: dir, KEFU_KEY_DIR: path.join(dir, 'keys'), KEFU_LLM: 'none', KEFU_CACHE: 'on', KEFU_LOG_LEVEL: 'silent', KEFU_ADMIN_KEY: 'bench-admin-key-0123456789', KEFU_RATE_LIMIT_PER_MINUTE: '100000000' },
  });
  let err = '';
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  // The primary says so once every worker listens (a single process once it listens).
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`--workers ${workers} did not listen in 120 s: ${err}`)), 120_000);
    proc.stderr!.on('data', () => {
      const m = /Kefu is listening on (http:\/\/\S+)/.exec(err);
      if (m === null) return;
      clearTimeout(timer);
      resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`--workers ${workers} exited (${code}): ${err}`)));
  }).catch(async (error: unknown) => {
    await stop({ url: '', proc, dir });
    throw error;
  });
  return { url, proc, dir };
}

async function stop(s: Spawned): Promise<void> {
  if (s.proc.exitCode === null && s.proc.signalCode === null) {
    const exited = new Promise((r) => s.proc.once('exit', r));
    s.proc.kill('SIGTERM');
    await exited;
  }
  rmSync(s.dir, { recursive: true, force: true });
}

function loadRun(url: string, connections: number, seconds: number, serverPid: number): Promise<Run> {
  const serverBefore = treeCpuMs(serverPid);
  const { child, result } = wrkPost(`${url}/v1/chat`, { message: QUESTION }, connections, seconds);
  // Its CPU read while it runs (an exited process leaves /proc; the last tenth of a second may be
  // missed), its own start-up included; both divided by the measured seconds.
  let loadMs = 0;
  const poll = setInterval(() => (loadMs = Math.max(loadMs, treeCpuMs(child.pid ?? -1))), 100);
  return result.finally(() => clearInterval(poll)).then((r) => {
    const serverMs = treeCpuMs(serverPid) - serverBefore;
    return Object.assign(r, { serverCores: round(serverMs / (seconds * 1000)), loadCores: round(loadMs / (seconds * 1000)), serverMsPerReply: round(serverMs / Math.max(1, r.requests), 3) });
  });
}

async function warm(url: string): Promise<void> {
  const ask = async () => (await (await fetch(`${url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: QUESTION }) })).json()) as { cached?: boolean };
  await ask();
  // Every worker stores nothing new: the first answer is in the shared cache file; each one's JIT warms here.
  for (let i = 0; i < 200; i++) await ask();
  if ((await ask()).cached !== true) throw new Error('the question is not a cache hit after warming');
}

export async function benchWorkers(options: WorkersOptions = {}) {
  const counts = options.workers ?? [1, 2];
  const connections = options.connections ?? 50;
  const seconds = options.seconds ?? 10;
  const repetitions = options.repetitions ?? 3;
  requireWrk();
  const loadStart = load();
  const servers: Spawned[] = [];
  try {
    for (const w of counts) servers.push(await spawnKefu(w));
    for (const s of servers) await warm(s.url);
    // Under load once before the measured runs: sequential warming reaches one worker (one
    // keep-alive connection), and the first loaded seconds of a process cost it up to twice the CPU
    // per reply of the later ones (JIT tiers), which fell on whichever server ran first.
    for (const s of servers) await loadRun(s.url, connections, WARM_S, s.proc.pid ?? -1);
    const runs = new Map<number, Run[]>(counts.map((w) => [w, []]));
    for (let r = 0; r < repetitions; r++) {
      for (const [i, w] of counts.entries()) runs.get(w)!.push(await loadRun(servers[i]!.url, connections, seconds, servers[i]!.proc.pid ?? -1));
    }
    const summary = counts.map((w) => {
      const rs = runs.get(w)!;
      const rps = rs.map((x) => x.rps);
      return { workers: w, rps: { min: Math.min(...rps), median: median(rps), max: Math.max(...rps) }, p50Ms: median(rs.map((x) => x.p50Ms)), p99Ms: { median: median(rs.map((x) => x.p99Ms)), max: Math.max(...rs.map((x) => x.p99Ms)) }, errors: rs.reduce((n, x) => n + x.errors + x.non2xx, 0), serverCores: median(rs.map((x) => x.serverCores)), loadCores: median(rs.map((x) => x.loadCores)), serverMsPerReply: median(rs.map((x) => x.serverMsPerReply)), runs: rs };
    });
    const base = summary[0]!.rps.median;
    return { connections, seconds, warmSeconds: WARM_S, repetitions, question: QUESTION, summary, ratioOfMedians: summary.map((s) => Math.round((s.rps.median / base) * 100) / 100), load: { start: loadStart, end: load() } };
  } finally {
    for (const s of servers) await stop(s);
  }
}

type WorkersResult = Awaited<ReturnType<typeof benchWorkers>>;

/** The BENCHMARKS.md section (`npm run bench:workers -- --write`). */
export function workersMarkdown(r: WorkersResult): string {
  const rows = r.summary.map((s, i) => `| ${s.workers} | ${s.rps.min} / ${s.rps.median} / ${s.rps.max} | ${r.ratioOfMedians[i]}x | ${s.p50Ms} | ${s.p99Ms.median} (max ${s.p99Ms.max}) | ${s.errors} | ${s.serverCores} | ${s.serverMsPerReply} | ${s.loadCores} |`);
  return [
    '## Workers: cache-hit replies/s, `kefu serve --workers 1` against `--workers 2`',
    '',
    `\`npm run bench:workers\`: \`POST /v1/chat\` with one cached question, no session (a new session per request), ${r.connections} connections, ${r.seconds} s per run, ${r.repetitions} runs per server alternating between them after a ${r.warmSeconds} s loaded warm-up of each (wrk in its own process on the same machine, one thread). Target (issue 16.5): at least 1.7x the single worker, p99 at most 500 ms. Load average (1 / 5 / 15 min) at start ${r.load.start}, at end ${r.load.end}.`,
    '',
    '| workers | replies/s min / median / max | median vs 1 | p50 ms (median) | p99 ms median | errors + non-2xx | server cores | server CPU ms per reply | load generator cores |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
  const repetitions = Number(process.env['BENCH_REPETITIONS'] ?? 3);
  const result = await benchWorkers({ seconds, repetitions });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (process.argv.includes('--write')) writeBenchSection('workers', workersMarkdown(result));
}
