import type { LanguageModel } from '../src/contracts/language-model.ts';
import { createOpenAICompatibleProvider } from '../src/llm/openai-compatible-provider.ts';
import { createRoutedLanguageModel } from '../src/llm/router/create-routed-language-model.ts';
import { startFakeOpenAIServer, transcript } from '../test/llm/fake-openai-server.ts';

/**
 * `npx tsx bench/llm-router.ts`: what the LLM router adds to time to first token, against a fast
 * loopback fake backend (recorded vLLM transcript, no delays), so the backend itself costs almost
 * nothing. Direct provider and router (two active fake backends, a standby, health
 * checks on) are measured interleaved, request by request, to share any drift. Prints JSON.
 */
const N = Number(process.env['KEFU_BENCH_N'] ?? 2000);
const WARMUP = 200;
const server = await startFakeOpenAIServer({ replies: [{ sse: transcript('vllm') }] });
const second = await startFakeOpenAIServer({ replies: [{ sse: transcript('vllm') }] });
const standby = await startFakeOpenAIServer({ replies: [{ sse: transcript('vllm') }] });
const messages = [{ role: 'user' as const, content: '我的订单到哪了?' }];

const direct = createOpenAICompatibleProvider({ baseURLs: [server.url], model: 'm' });
const routed = createRoutedLanguageModel({
  baseURLs: `${server.url},${second.url};standby=${standby.url}`,
  model: 'm',
  deadlineMs: 30_000,
  healthIntervalMs: 1_000,
});

async function ttft(model: LanguageModel): Promise<{ ttft: number; total: number }> {
  const t0 = performance.now();
  let first = 0;
  for await (const p of model.doStream({ messages })) {
    if (p.type === 'text-delta' && first === 0) first = performance.now();
    if (p.type === 'error') throw p.error instanceof Error ? p.error : new Error(String(p.error));
  }
  return { ttft: first - t0, total: performance.now() - t0 };
}

const pct = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const round = (x: number): number => Math.round(x * 1000) / 1000;

for (let i = 0; i < WARMUP; i++) {
  await ttft(direct);
  await ttft(routed);
}
const d: number[] = [];
const r: number[] = [];
const dTotal: number[] = [];
const rTotal: number[] = [];
for (let i = 0; i < N; i++) {
  // Alternate which goes first, so neither always runs on a warmer event loop.
  let a: { ttft: number; total: number };
  let b: { ttft: number; total: number };
  if (i % 2 === 0) {
    a = await ttft(direct);
    b = await ttft(routed);
  } else {
    b = await ttft(routed);
    a = await ttft(direct);
  }
  d.push(a.ttft);
  r.push(b.ttft);
  dTotal.push(a.total);
  rTotal.push(b.total);
}
await routed.close();
await direct.close();
const failures = routed.status().filter((s) => s.consecutiveFailures > 0 || s.state !== 'closed');
if (failures.length > 0) throw new Error(`a backend failed during the bench: ${JSON.stringify(failures)}`);
await Promise.all([server.close(), second.close(), standby.close()]);

process.stdout.write(
  `${JSON.stringify(
    {
      bench: 'llm-router',
      requests: N,
      node: process.version,
      ttftMs: {
        direct: { p50: round(pct(d, 0.5)), p99: round(pct(d, 0.99)) },
        router: { p50: round(pct(r, 0.5)), p99: round(pct(r, 0.99)) },
        addedP50: round(pct(r, 0.5) - pct(d, 0.5)),
        addedP99: round(pct(r, 0.99) - pct(d, 0.99)),
      },
      wholeReplyMs: {
        direct: { p50: round(pct(dTotal, 0.5)), p99: round(pct(dTotal, 0.99)) },
        router: { p50: round(pct(rTotal, 0.5)), p99: round(pct(rTotal, 0.99)) },
      },
    },
    null,
    2,
  )}\n`,
);
