import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createOpenAICompatibleProvider } from '../src/llm/openai-compatible-provider.ts';
import { isMain, load, round, startKefu, summarise } from './scale/common.ts';
import { spawnServer, treeCpuMs } from './scale/processes.ts';
import { spawnTokenRateBackend, wallMs, type TokenRateBackend } from './scale/token-rate-backend.ts';
import { writeBenchSection } from './write-section.ts';

/**
 * First text added by Kefu over the backend's first token (issue 16.1): a fake OpenAI-compatible
 * backend in its own process streams the prompt's first passage at 20 or 50 ms per token; each
 * streamed `/v1/chat` is timed to its first SSE `delta`, minus the moment the backend sent its
 * first token (both wall-clock, sub-ms). One customer asks in turn; ten ask at once, round after
 * round. Also: response headers after the request was sent, the model client's CPU per token
 * (Kefu's OpenAI-compatible client alone against an instant backend), and a Kefu server's CPU per
 * streamed KB turn when each of the model's tokens arrives in its own network read.
 *
 * `--baseline` stores the figures in bench/first-text-baseline.json instead of BENCHMARKS.md, so
 * a later run prints them beside its own.
 */
const QUESTIONS = ['你们的退货政策是什么?', 'How long does shipping take?', '退款多久到账', 'Do you offer price protection?', '空气净化器怎么安装'];
const BASELINE = new URL('./first-text-baseline.json', import.meta.url);

interface Timing {
  headersMs: number;
  /** The `sources` event (retrieval done, before the model is asked: what the widget shows first) after sending. */
  sourcesMs: number | null;
  /** First delta minus the backend's first token. */
  addedMs: number;
}

/** Streams one question; resolves with when the headers, the `sources` event and the first `delta` event arrived. */
function ask(url: string, message: string): Promise<{ start: number; headers: number; sources: number | null; firstDelta: number | null }> {
  return new Promise((resolve, reject) => {
    const start = wallMs();
    let headers = 0;
    let sources: number | null = null;
    const req = request(`${url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      headers = wallMs();
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        if (sources === null && /^event: ?sources$/m.test(buf)) sources = wallMs();
        if (/^event: ?delta$/m.test(buf)) {
          const at = wallMs();
          res.destroy();
          resolve({ start, headers, sources, firstDelta: at });
        }
      });
      res.on('end', () => resolve({ start, headers, sources, firstDelta: null }));
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ message, stream: true }));
  });
}

async function measure(kefuUrl: string, backend: TokenRateBackend, customers: number, rounds: number): Promise<{ timings: Timing[]; missing: number }> {
  await backend.stats();
  const asked = new Map<string, { start: number; headers: number; sources: number | null; firstDelta: number }>();
  let missing = 0;
  let n = 0;
  for (let r = 0; r < rounds; r++) {
    await Promise.all(
      Array.from({ length: customers }, async () => {
        const message = `${QUESTIONS[n % QUESTIONS.length]} q${n++}`;
        const a = await ask(kefuUrl, message);
        if (a.firstDelta === null) missing++;
        else asked.set(message, { start: a.start, headers: a.headers, sources: a.sources, firstDelta: a.firstDelta });
      }),
    );
    await new Promise((res) => setTimeout(res, 30));
  }
  const timings: Timing[] = [];
  for (const rec of await backend.stats()) {
    const a = asked.get(rec.user);
    if (a === undefined || rec.firstTokenAt === null) continue;
    timings.push({ headersMs: a.headers - a.start, sourcesMs: a.sources === null ? null : a.sources - a.start, addedMs: a.firstDelta - rec.firstTokenAt });
  }
  return { timings, missing };
}

/** CPU (user + system) of Kefu's model client per streamed token, against an instant backend. */
async function clientCpuPerToken(): Promise<number> {
  const tokens = 200;
  const backend = await spawnTokenRateBackend({ tokensPerSecond: 1e6, firstTokenMs: 0, maxTokens: tokens });
  try {
    const model = createOpenAICompatibleProvider({ baseURLs: [backend.url], model: 'fake-rate' });
    const system = `[1] Returns: ${'You can return any unused item within seven days of delivery '.repeat(6)}`;
    const run = async (): Promise<number> => {
      let n = 0;
      for await (const part of model.doStream({ messages: [{ role: 'system', content: system }, { role: 'user', content: 'returns?' }], maxTokens: tokens })) if (part.type === 'text-delta') n++;
      return n;
    };
    for (let i = 0; i < 10; i++) await run();
    // The median of five batches: one batch on a shared machine catches whatever else ran.
    const batches: number[] = [];
    for (let b = 0; b < 5; b++) {
      const before = process.cpuUsage();
      let total = 0;
      for (let i = 0; i < 50; i++) total += await run();
      const used = process.cpuUsage(before);
      batches.push((used.user + used.system) / 1000 / total);
    }
    await model.close();
    return round(summarise(batches).p50, 4);
  } finally {
    await backend.close();
  }
}

/** Streams one question to its end. */
function streamAll(url: string, message: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', resolve);
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ message, stream: true }));
  });
}

/**
 * A Kefu server (its own process, log level info) answering streamed KB turns from a backend that
 * writes each of 120 tokens as soon as the one before is read: the per-token path as a backend
 * streaming in real time drives it. CPU of the server's process tree per turn, median of five
 * batches of 40 turns, 4 at a time.
 */
async function streamedTurnCpu(): Promise<{ msPerTurn: number; usPerToken: number }> {
  const tokens = 120;
  const backend = await spawnTokenRateBackend({ tokensPerSecond: 1e6, firstTokenMs: 0, maxTokens: tokens });
  const env = { KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: backend.url, KEFU_CACHE: 'off' };
  const server = await spawnServer(new URL('./scale/kefu-process.ts', import.meta.url).pathname, [JSON.stringify(env)]);
  try {
    const batch = async (turns: number): Promise<void> => {
      for (let i = 0; i < turns; i += 4) await Promise.all(Array.from({ length: 4 }, () => streamAll(server.url, 'How long does shipping take?')));
    };
    await batch(40);
    const perTurn: number[] = [];
    for (let b = 0; b < 5; b++) {
      const before = treeCpuMs(server.pid);
      await batch(40);
      perTurn.push((treeCpuMs(server.pid) - before) / 40);
    }
    const ms = summarise(perTurn).p50;
    return { msPerTurn: round(ms, 2), usPerToken: round((ms * 1000) / tokens, 1) };
  } finally {
    await server.close();
    await backend.close();
  }
}

/**
 * A fresh `kefu serve` (own process, defaults, answer cache off) started three times: from spawn
 * to listening, then its first turn (Chinese), its second (English) and a third; medians.
 */
async function firstTurnsAfterStart(): Promise<{ startMs: number; turnsMs: number[] }> {
  const starts: number[] = [];
  const turns: number[][] = [[], [], []];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const server = await spawnServer(new URL('./scale/kefu-process.ts', import.meta.url).pathname, [JSON.stringify({ KEFU_CACHE: 'off', KEFU_LOG_LEVEL: 'warn' })]);
    starts.push(performance.now() - t0);
    try {
      for (const [k, message] of ['退货政策是什么?', 'How long does shipping take?', '退款多久到账'].entries()) {
        const t1 = performance.now();
        const res = await fetch(`${server.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }) });
        await res.json();
        turns[k]!.push(performance.now() - t1);
      }
    } finally {
      await server.close();
    }
  }
  return { startMs: summarise(starts).p50, turnsMs: turns.map((t) => summarise(t).p50) };
}

type Row = { msPerToken: number; customers: number; requests: number; missing: number; addedP50: number; addedP99: number; headersP50: number; sourcesP50?: number };

export async function benchFirstText(): Promise<{ rows: Row[]; cpuMsPerToken: number; streamed?: { msPerTurn: number; usPerToken: number }; restart?: { startMs: number; turnsMs: number[] }; load: { start: string; end: string } }> {
  const loadStart = load();
  const rows: Row[] = [];
  for (const msPerToken of [20, 50]) {
    const backend = await spawnTokenRateBackend({ tokensPerSecond: 1000 / msPerToken, firstTokenMs: 20, maxTokens: 40 });
    const kefu = await startKefu({ KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: backend.url, KEFU_CACHE: 'off' });
    try {
      await measure(kefu.url, backend, 1, 10);
      for (const [customers, rounds] of [[1, 60], [10, 8]] as const) {
        const { timings, missing } = await measure(kefu.url, backend, customers, rounds);
        const added = summarise(timings.map((t) => t.addedMs));
        const headers = summarise(timings.map((t) => t.headersMs));
        const sources = summarise(timings.flatMap((t) => (t.sourcesMs === null ? [] : [t.sourcesMs])));
        rows.push({ msPerToken, customers, requests: timings.length, missing, addedP50: added.p50, addedP99: added.p99, headersP50: headers.p50, sourcesP50: sources.p50 });
      }
    } finally {
      await kefu.destroy();
      await backend.close();
    }
  }
  const cpuMsPerToken = await clientCpuPerToken();
  const streamed = await streamedTurnCpu();
  const restart = await firstTurnsAfterStart();
  return { rows, cpuMsPerToken, streamed, restart, load: { start: loadStart, end: load() } };
}

function table(r: Awaited<ReturnType<typeof benchFirstText>>): string {
  const lines = ['| ms/token | customers | requests | first text added p50 | p99 | headers p50 | sources event p50 |', '|---:|---:|---:|---:|---:|---:|---:|'];
  for (const x of r.rows) lines.push(`| ${x.msPerToken} | ${x.customers} | ${x.requests}${x.missing > 0 ? ` (${x.missing} without text)` : ''} | ${x.addedP50} ms | ${x.addedP99} ms | ${x.headersP50} ms | ${x.sourcesP50 === undefined ? '—' : `${x.sourcesP50} ms`} |`);
  lines.push('', `Model client CPU per streamed token (median of five batches of 50 replies): ${r.cpuMsPerToken} ms. Load average (1/5/15 min) ${r.load.start} at the start, ${r.load.end} at the end.`);
  if (r.restart !== undefined) lines.push('', `After a start (\`kefu serve\` in its own process, started three times, medians): listening ${r.restart.startMs} ms after spawn; its first turn ${r.restart.turnsMs[0]} ms, second ${r.restart.turnsMs[1]} ms, third ${r.restart.turnsMs[2]} ms (JSON, no model, answer cache off).`);
  if (r.streamed !== undefined) lines.push('', `Kefu server CPU per streamed KB turn, each of its 120 tokens in its own network read (own process, log level info; median of five batches of 40 turns, 4 at a time): ${r.streamed.msPerTurn} ms, ${r.streamed.usPerToken} µs per token.`);
  return lines.join('\n');
}

if (isMain(import.meta.url)) {
  const result = await benchFirstText();
  console.log(JSON.stringify(result, null, 2));
  if (process.argv.includes('--baseline')) {
    writeFileSync(BASELINE, `${JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2)}\n`);
  } else {
    const before = existsSync(BASELINE) ? (JSON.parse(readFileSync(BASELINE, 'utf8')) as Awaited<ReturnType<typeof benchFirstText>> & { date: string; commit?: string }) : null;
    writeBenchSection(
      'first-text',
      [
        '## First text (`npm run bench:first-text`)',
        '',
        'Time from the backend\'s first token to Kefu\'s first SSE `delta` (fake OpenAI-compatible backend on loopback, own process, first token after 20 ms, 40 tokens), and the model client\'s CPU per token. *Sources event*: after sending, when the `sources` event arrived (retrieval done, before the model is asked), which the web widget shows under its typing dots until the first text.',
        '',
        table(result),
        '',
        'The old and new model clients interleaved in one process (five batches each, 2026-12-06, load 7.6): `fetch` + web streams 0.151–0.210 ms per token (median 0.157), `node:http` + line parser 0.113–0.178 (median 0.117).',
        ...(before === null ? [] : ['', `Before (whole-clause holdback, fetch + web streams client; ${before.commit ?? ''} measured ${before.date.slice(0, 16)}Z):`, '', table(before)]),
      ].join('\n'),
    );
  }
}
