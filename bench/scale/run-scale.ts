import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../../src/config/load-config.ts';
import { machineLine, writeBenchSection } from '../write-section.ts';
import type { benchCacheHit } from './cache-hit.ts';
import { load } from './common.ts';
import type { benchKb100k } from './kb-100k.ts';
import type { benchPipeline200 } from './pipeline-200.ts';
import type { benchStreams2000 } from './streams-2000.ts';
import type { benchTtft } from './ttft.ts';

/**
 * Runs the scale benchmarks one after another, each in its own process (`npx tsx bench/scale/x.ts`
 * prints JSON), then rewrites the `scale` section of BENCHMARKS.md and docs/scale-bench.svg.
 */
type Result<F extends () => Promise<unknown>> = Awaited<ReturnType<F>>;

function run<T>(file: string): Promise<T> {
  return new Promise((resolve, reject) => {
    process.stderr.write(`${file}… (load ${load()})\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(file, import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${file} exited with ${code}`));
      process.stderr.write(`${out.trim()}\n`);
      resolve(JSON.parse(out) as T);
    });
  });
}

const loadStart = load();
const cache = await run<Result<typeof benchCacheHit>>('cache-hit.ts');
const ttft = await run<Result<typeof benchTtft>>('ttft.ts');
const kb = await run<Result<typeof benchKb100k>>('kb-100k.ts');
const pipeline = await run<Result<typeof benchPipeline200>>('pipeline-200.ts');
const streams = await run<Result<typeof benchStreams2000>>('streams-2000.ts');
const loadEnd = load();

const pass = (ok: boolean): string => (ok ? '**met**' : '**not met**');
const md = `## Scale (issue targets)

\`npx tsx bench/scale/run-scale.ts\` — each benchmark in its own process, on a loopback fake
OpenAI-compatible backend (\`bench/scale/token-rate-backend.ts\`, its own process, fixed token rate).
Chart: [docs/scale-bench.svg](docs/scale-bench.svg). **This machine has 2 cores shared with other
engineers' test runs**: load average (1/5/15 min) ${loadStart} at the start, ${loadEnd} at the end.
Server, clients and backend all share those 2 cores, so every number here is a lower bound on
what a dedicated server would do, and the concurrency results are CPU-bound.

| target | measured | |
|---|---|---|
| cache-hit replies/s ≥ 0.3× bare route | ${cache.cachedChat.rps} vs ${cache.kefuHealthz.rps} (\`/healthz\`) = **${cache.ratioVsHealthz}×**; vs plain Hono \`/hello\` ${cache.plainHonoHello.rps} = ${cache.ratioVsPlainHello}× | ${pass(cache.ratioVsHealthz >= 0.3)} |
| pipeline overhead p99 ≤ 5 ms at 200 concurrent sessions | p50 ${pipeline.overheadMs.p50} ms, p99 **${pipeline.overheadMs.p99} ms** | ${pass(pipeline.overheadMs.p99 <= 5)} |
| Kefu adds ≤ 5 ms p50 to TTFT | **${ttft.addedMs.p50} ms** p50 (${ttft.addedMs.p99} ms p99); before the model call: ${ttft.split.beforeModelMs.p50} ms p50 | ${pass(ttft.addedMs.p50 <= 5)} |
| 2,000 concurrent SSE streams, < 0.1% errors | ${streams.errors} errors (**${streams.errorRatePct}%**), ${streams.completed} completed; RSS ${streams.rssBeforeMiB} → ${streams.rssPeakMiB} MiB | ${pass(streams.errorRatePct < 0.1)} |
| retrieval at 100k passages | search p50 ${kb.searchMs.p50} ms, p99 ${kb.searchMs.p99} ms; import ${(kb.importMs / 1000).toFixed(1)} s | (no target) |

### 1. Cache hit vs a bare route

One Kefu server (\`KEFU_LLM=none\`, \`KEFU_CACHE=on\`, rate limit out of reach) and, in the same process,
a plain Hono app (\`GET /hello\` on @hono/node-server). autocannon in its own process, ${cache.connections}
connections, ${cache.seconds} s each. The cache was warmed by asking \`${cache.question}\` once; the load
sends that question with no \`session_id\` (a new session per request). ${cache.sampledCached} sampled
replies after the run were \`cached: true\` with the cached text. "Bare route" is Kefu's own \`/healthz\`
(the same server and middleware, nearly a hello world); the plain Hono app is shown as well.

| route | replies/s | p50 | p99 | errors |
|---|---|---|---|---|
| \`POST /v1/chat\`, cache hit | ${cache.cachedChat.rps} | ${cache.cachedChat.p50Ms} ms | ${cache.cachedChat.p99Ms} ms | ${cache.cachedChat.errors + cache.cachedChat.non2xx} |
| Kefu \`GET /healthz\` | ${cache.kefuHealthz.rps} | ${cache.kefuHealthz.p50Ms} ms | ${cache.kefuHealthz.p99Ms} ms | ${cache.kefuHealthz.errors + cache.kefuHealthz.non2xx} |
| plain Hono \`GET /hello\` | ${cache.plainHonoHello.rps} | ${cache.plainHonoHello.p50Ms} ms | ${cache.plainHonoHello.p99Ms} ms | ${cache.plainHonoHello.errors + cache.plainHonoHello.non2xx} |

Limiting factor: a cache hit still runs the whole turn around the lookup, on one event loop:
a new session (one SQLite insert), PII masking of the question and of the reply, NLU, the input
guard, the cache lookup (and its hit counter), the output guard's backstop, one commit for the
customer's message, the reply and the dialogue state, one audit append, one outcome row — and
Hono's request handling, which is all \`/healthz\` pays. At ${(1000 / cache.cachedChat.rps).toFixed(1)} ms of event-loop time per cached
reply against ${(1000 / cache.kefuHealthz.rps).toFixed(2)} ms for \`/healthz\`, 0.3× would need a cached reply in about ${(1000 / cache.kefuHealthz.rps / 0.3).toFixed(1)} ms
including its writes. Profiled with \`node --cpu-prof\` under this load and cut: the audit head file
is rewritten once per second instead of on every append (\`KEFU_AUDIT_HEAD_FLUSH_MS\`), the turn's
messages and state are one commit instead of two, the cache counts a hit in one commit instead of
two, the reply is masked once instead of twice, the output guard skips a PII scan of Kefu's own
cited text, entity extraction compiles product patterns once and runs chrono only on text that can
hold a date (NLU 0.60 → 0.35 ms per message). What is left is spread thin (no function above ~8%
of the turn): NLU, input guard, PII and the three SQLite commits are each 0.5–1.5 ms here. The
cache saves the model, not the bookkeeping the issue requires (transcript and audit for every
reply); skipping those was not an option.

### 2. Pipeline overhead at ${pipeline.concurrency} concurrent sessions

Backend: ${pipeline.backend.tokensPerSecond} tokens/s, first token after ${pipeline.backend.firstTokenMs} ms, ${pipeline.backend.maxTokens} tokens
(≈ ${pipeline.backendOwnMs.p50} ms of model time per reply). \`KEFU_LLM=openai\`, \`KEFU_CACHE=off\`, knowledge-base
questions with a unique suffix each, so every request reaches the backend and each backend record
is matched to its client request. ${pipeline.requests} requests by ${pipeline.concurrency} concurrent clients (in the Kefu
process), ${pipeline.errors} errors, ${pipeline.backendCalls} backend calls, ${pipeline.throughputRps} replies/s over ${pipeline.wallS} s.
Overhead = client end-to-end − the backend's own time (arrival → last byte) for that request.

| measure | p50 | p99 | mean |
|---|---|---|---|
| overhead (Kefu end-to-end − backend's own time) | ${pipeline.overheadMs.p50} ms | ${pipeline.overheadMs.p99} ms | ${pipeline.overheadMs.mean} ms |
| of which before the model call | ${pipeline.beforeModelMs.p50} ms | ${pipeline.beforeModelMs.p99} ms | ${pipeline.beforeModelMs.mean} ms |
| of which after the backend's last byte | ${pipeline.afterModelMs.p50} ms | ${pipeline.afterModelMs.p99} ms | ${pipeline.afterModelMs.mean} ms |
| backend's own time | ${pipeline.backendOwnMs.p50} ms | ${pipeline.backendOwnMs.p99} ms | |
| Kefu end-to-end | ${pipeline.kefuEndToEndMs.p50} ms | ${pipeline.kefuEndToEndMs.p99} ms | |
| same prompts straight to the backend, same concurrency | ${pipeline.directEndToEndMs.p50} ms | ${pipeline.directEndToEndMs.p99} ms | |

Limiting factor: CPU. ${pipeline.concurrency} sessions with ≈ 0.9 s replies ask for ≈ ${Math.round(pipeline.concurrency / 0.9)} replies/s; Kefu
served ${pipeline.throughputRps}/s on this machine, so requests queue on the event loop (mostly before the
model is called: see the split) and the overhead is queueing time, not per-request work. The
sequential numbers in §3 (${ttft.split.beforeModelMs.p50} ms p50 before the model call, unloaded) are the per-request cost.
Meeting 5 ms p99 at this concurrency needs the per-turn CPU cost cut several-fold, or more cores
(several processes behind a balancer).

### 3. Time to first token added by Kefu

${ttft.requests} sequential streamed requests (\`stream: true\`), same backend (${ttft.backend.tokensPerSecond} tokens/s, first token after
${ttft.backend.firstTokenMs} ms). TTFT through Kefu = time to the first SSE \`delta\`; the backend's own TTFT is
measured by calling it directly.

| measure | p50 | p99 |
|---|---|---|
| TTFT through Kefu | ${ttft.kefuTtftMs.p50} ms | ${ttft.kefuTtftMs.p99} ms |
| backend's own TTFT (direct) | ${ttft.directBackendTtftMs.p50} ms | ${ttft.directBackendTtftMs.p99} ms |
| **added by Kefu** | **${ttft.addedMs.p50} ms** | **${ttft.addedMs.p99} ms** |
| of which before the model call (client start → backend arrival) | ${ttft.split.beforeModelMs.p50} ms | ${ttft.split.beforeModelMs.p99} ms |
| of which backend first token → Kefu's first delta | ${ttft.split.firstTokenToFirstDeltaMs.p50} ms | ${ttft.split.firstTokenToFirstDeltaMs.p99} ms |

Why: model text reaches the customer only after the output guard (grounding, commitments, leaks)
has checked it. It used to be held a whole sentence at a time (742 ms p50 added at this rate);
now a finished clause (up to ，、：,) or a long run inside a clause is released as soon as it is
long enough to judge (6 Han characters or words), passes every check together with the part of
its sentence already shown, and holds no opening of a guard rule that could still complete with
the words after it (docs/decisions.md). Inside a clause four characters (three English words)
stay back so a rule word cut in two is seen whole. At ${ttft.backend.tokensPerSecond} tokens/s and one Han character or English
word per token (the fake backend's tokens) that floor is about 10 tokens, ≈ 200 ms; the first
clauses of these answers are 10–15 tokens. The rest (${ttft.split.beforeModelMs.p50} ms p50) is the pipeline before the model
is called (session, masking, NLU, retrieval, prompt). The 5 ms target would mean showing tokens
before the guard has read them; that trade is not made.

### 4. ${streams.streams.toLocaleString('en')} concurrent SSE streams

Backend streams slowly (first token after ${streams.backend.firstTokenMs} ms, ${streams.backend.tokensPerSecond} tokens/s, ${streams.backend.maxTokens} tokens ≈ 20 s per reply).
${streams.streams} streamed requests opened at once from a separate client process; RSS sampled in the Kefu
process every 250 ms.

| measure | value |
|---|---|
| established (first SSE bytes) | ${streams.established} |
| completed with \`done\` | ${streams.completed} |
| errors | ${streams.errors} (${streams.errorRatePct}%): ${Object.entries(streams.errorKinds).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'} |
| time to establish (p50 / last) | ${(streams.establishMs.p50 / 1000).toFixed(1)} s / ${(streams.allEstablishedMs / 1000).toFixed(1)} s |
| all finished | ${(streams.allDoneMs / 1000).toFixed(1)} s |
| Kefu RSS before → peak | ${streams.rssBeforeMiB} → ${streams.rssPeakMiB} MiB (≈ ${streams.rssPerStreamKiB} KiB per stream); heap peak ${streams.heapPeakMiB} MiB |

The server listens with a backlog of 4096 (\`KEFU_LISTEN_BACKLOG\`; the kernel caps it at
\`net.core.somaxconn\`, 4096 here) instead of Node's default 511: with 511, connections beyond the
queue were dropped while the event loop was busy starting earlier streams, and 24% of clients hit
undici's 10 s connect timeout (\`UND_ERR_CONNECT_TIMEOUT\`). ${streams.errors === 0 ? 'Now every connection waits in the kernel queue until the loop accepts it.' : `What is left (${Object.entries(streams.errorKinds).map(([k, v]) => `${k} ${v}`).join(', ')}) is CPU: each stream runs the pipeline up to the model call before its first byte, and ${streams.streams} arriving at once keep the loop busy for seconds.`}
Streams already open are held without trouble. Opening them at a pace the pipeline can start
(ramp-up) was not measured in this run.

### 5. Retrieval at 100k passages

bench/kb-search.ts's synthetic knowledge base grown to ${kb.passages.toLocaleString('en')} passages (${kb.documents.toLocaleString('en')} documents), BM25 in
SQLite, 1,000 mixed Chinese/English queries.

| measure | value |
|---|---|
| import | ${(kb.importMs / 1000).toFixed(1)} s |
| re-open (postings into memory) | ${(kb.openMs / 1000).toFixed(1)} s |
| search p50 / p99 | ${kb.searchMs.p50} ms / ${kb.searchMs.p99} ms |
| process RSS after | ${kb.rssMiB} MiB |
`;
writeBenchSection('scale', md);

// The chart: each measure against its target, on a log scale (they span 0.01 to 30,000).
interface Bar { label: string; value: number; target: number; unit: string; higherIsBetter: boolean }
const bars: Bar[] = [
  { label: 'cache hit ÷ bare route (×)', value: cache.ratioVsHealthz, target: 0.3, unit: '×', higherIsBetter: true },
  { label: 'pipeline overhead p99 @200 (ms)', value: pipeline.overheadMs.p99, target: 5, unit: 'ms', higherIsBetter: false },
  { label: 'pipeline overhead p50 @200 (ms)', value: pipeline.overheadMs.p50, target: 5, unit: 'ms', higherIsBetter: false },
  { label: 'TTFT added p50 (ms)', value: ttft.addedMs.p50, target: 5, unit: 'ms', higherIsBetter: false },
  { label: 'TTFT: before model call p50 (ms)', value: ttft.split.beforeModelMs.p50, target: 5, unit: 'ms', higherIsBetter: false },
  { label: '2,000 SSE streams: errors (%)', value: Math.max(streams.errorRatePct, 0.001), target: 0.1, unit: '%', higherIsBetter: false },
];
const W = 760, left = 250, right = 40, rowH = 46, top = 60;
const H = top + bars.length * rowH + 50;
const lo = -3, hi = 5; // 10^-3 … 10^5
const x = (v: number): number => left + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * (W - left - right);
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const rows = bars.map((b, i) => {
  const y = top + i * rowH;
  const ok = b.higherIsBetter ? b.value >= b.target : b.value <= b.target;
  return [
    `<text x="${left - 8}" y="${y + 18}" text-anchor="end" font-size="12">${esc(b.label)}</text>`,
    `<rect x="${left}" y="${y + 6}" width="${(x(b.value) - left).toFixed(1)}" height="18" fill="${ok ? '#2e7d32' : '#c62828'}"/>`,
    `<text x="${(x(b.value) + 4).toFixed(1)}" y="${y + 19}" font-size="11">${b.value} ${b.unit}</text>`,
    `<line x1="${x(b.target).toFixed(1)}" x2="${x(b.target).toFixed(1)}" y1="${y + 2}" y2="${y + 28}" stroke="#000" stroke-width="2" stroke-dasharray="3,2"/>`,
    `<text x="${x(b.target).toFixed(1)}" y="${y + 38}" text-anchor="middle" font-size="10" fill="#555">target ${b.higherIsBetter ? '≥' : '≤'} ${b.target}</text>`,
  ].join('\n  ');
});
const ticks = Array.from({ length: hi - lo + 1 }, (_, k) => lo + k).map((e) => `<line x1="${x(10 ** e).toFixed(1)}" x2="${x(10 ** e).toFixed(1)}" y1="${top}" y2="${H - 40}" stroke="#ddd"/><text x="${x(10 ** e).toFixed(1)}" y="${H - 26}" text-anchor="middle" font-size="10" fill="#555">${10 ** e}</text>`);
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">
  <rect width="${W}" height="${H}" fill="#fff"/>
  <text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">Kefu scale benchmarks vs the issue's targets (log scale)</text>
  <text x="${W / 2}" y="40" text-anchor="middle" font-size="11" fill="#555">green: target met, red: not met; dashed line: target. ${esc(machineLine())}, ${new Date().toISOString().slice(0, 10)}; load ${loadStart} → ${loadEnd}</text>
  ${ticks.join('\n  ')}
  ${rows.join('\n  ')}
  <text x="${W / 2}" y="${H - 8}" text-anchor="middle" font-size="10" fill="#555">retrieval at ${kb.passages.toLocaleString('en')} passages: search p50 ${kb.searchMs.p50} ms, p99 ${kb.searchMs.p99} ms (no target)</text>
</svg>
`;
writeFileSync(`${PROJECT_ROOT}/docs/scale-bench.svg`, svg);
process.stderr.write(`wrote BENCHMARKS.md (scale) and docs/scale-bench.svg; load ${loadStart} → ${loadEnd}\n`);
