import { isMain, load, round, startKefu, summarise } from './common.ts';
import { spawnTokenRateBackend, wallMs, type BackendRecord } from './token-rate-backend.ts';

/**
 * Pipeline overhead at 200 concurrent sessions against a fake OpenAI-compatible backend that
 * streams at a fixed 50 tokens/s (first token after 100 ms, 40 tokens: about 0.9 s of model time).
 * KEFU_CACHE=off and knowledge-base questions, so every request reaches the backend. Each message
 * carries a unique suffix, so the backend's record of that request (arrival, end) is matched to
 * the client's: overhead = client end-to-end − backend's own time (arrival → last byte). Split
 * into before the model (client start → backend arrival) and after it (backend end → client end).
 * A second run sends the same prompts straight to the backend at the same concurrency, for the
 * distribution-level comparison (Kefu end-to-end − direct end-to-end).
 */
const QUESTIONS = ['你们的退货政策是什么?', 'How long does shipping take?', '退款多久到账', 'Do you offer price protection?', '空气净化器怎么安装'];
const CONCURRENCY = 200;
const TOTAL = 2_000;
const BACKEND = { tokensPerSecond: 50, firstTokenMs: 100, maxTokens: 40 };

async function pool(total: number, concurrency: number, one: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await one(next++);
  }));
}

export async function benchPipeline200() {
  const loadStart = load();
  const backend = await spawnTokenRateBackend(BACKEND);
  const kefu = await startKefu({ KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: backend.url, KEFU_CACHE: 'off' });
  try {
    const post = (message: string) => fetch(`${kefu.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }) });
    for (let i = 0; i < 40; i++) await (await post(`${QUESTIONS[i % QUESTIONS.length]} w${i}`)).arrayBuffer();
    await backend.stats();

    const client = new Map<string, { start: number; end: number; ok: boolean }>();
    let errors = 0;
    let noSources = 0;
    const t0 = performance.now();
    await pool(TOTAL, CONCURRENCY, async (i) => {
      const message = `${QUESTIONS[i % QUESTIONS.length]} q${i}`;
      const start = wallMs();
      try {
        const res = await post(message);
        const body = (await res.json()) as { sources?: unknown[] };
        const ok = res.status === 200;
        if (!ok) errors++;
        if ((body.sources?.length ?? 0) === 0) noSources++;
        client.set(message, { start, end: wallMs(), ok });
      } catch {
        errors++;
      }
    });
    const wallS = (performance.now() - t0) / 1000;
    const records = await backend.stats();
    const byUser = new Map<string, BackendRecord>(records.map((r) => [r.user, r]));
    const overhead: number[] = [];
    const before: number[] = [];
    const after: number[] = [];
    const backendOwn: number[] = [];
    const e2e: number[] = [];
    for (const [message, c] of client) {
      const b = byUser.get(message);
      if (!c.ok || b === undefined || b.endAt === null) continue;
      const own = b.endAt - b.arrivedAt;
      backendOwn.push(own);
      e2e.push(c.end - c.start);
      overhead.push(c.end - c.start - own);
      before.push(b.arrivedAt - c.start);
      after.push(c.end - b.endAt);
    }

    // The same prompts straight to the backend, same concurrency: its end-to-end without Kefu.
    const direct: number[] = [];
    const system = '[1] 七天无理由退货: Kefu商城支持7天无理由退货（七天无理由退货）：自签收次日起7天内，商品完好。';
    await pool(TOTAL, CONCURRENCY, async (i) => {
      const start = performance.now();
      const res = await fetch(`${backend.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stream: true, messages: [{ role: 'system', content: system }, { role: 'user', content: `d${i}` }] }) });
      await res.arrayBuffer();
      direct.push(performance.now() - start);
    });
    await backend.stats();
    const kefuE2e = summarise(e2e);
    const directE2e = summarise(direct);
    return {
      concurrency: CONCURRENCY,
      requests: TOTAL,
      backend: BACKEND,
      errors,
      repliesWithoutSources: noSources,
      backendCalls: records.length,
      matched: overhead.length,
      wallS: round(wallS),
      throughputRps: round(TOTAL / wallS),
      overheadMs: summarise(overhead),
      beforeModelMs: summarise(before),
      afterModelMs: summarise(after),
      backendOwnMs: summarise(backendOwn),
      kefuEndToEndMs: kefuE2e,
      directEndToEndMs: directE2e,
      distributionOverheadMs: { p50: round(kefuE2e.p50 - directE2e.p50), p99: round(kefuE2e.p99 - directE2e.p99) },
      load: { start: loadStart, end: load() },
    };
  } finally {
    await kefu.destroy();
    await backend.close();
  }
}

if (isMain(import.meta.url)) console.log(JSON.stringify(await benchPipeline200(), null, 2));
