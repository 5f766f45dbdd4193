import { isMain, load, round, startKefu, summarise } from './common.ts';
import { spawnTokenRateBackend, wallMs } from './token-rate-backend.ts';

/**
 * Time to first token added by Kefu: sequential streamed requests (`stream: true`), time to the
 * first SSE `delta` through Kefu minus the backend's own time to first token, measured directly
 * against the same fake (50 tokens/s, first token after 100 ms). Kefu releases model text a whole
 * sentence at a time, after the output guard has checked it, so its first delta waits for the
 * first sentence end from the model: the split below separates that from Kefu's work before the
 * model is called.
 */
const QUESTIONS = ['你们的退货政策是什么?', 'How long does shipping take?', '退款多久到账', 'Do you offer price protection?', '空气净化器怎么安装'];
const N = 100;
const BACKEND = { tokensPerSecond: 50, firstTokenMs: 100, maxTokens: 40 };

/** Reads SSE until the first event named `event`; returns when it came, then cancels. */
async function untilEvent(res: Response, event: string, dataTest: (data: string) => boolean = () => true): Promise<number | null> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return null;
    buf += decoder.decode(value, { stream: true });
    for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const name = /^event: ?(.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: ?(.*)$/m.exec(block)?.[1] ?? '';
      if (name === event && dataTest(data)) {
        const at = wallMs();
        await reader.cancel();
        return at;
      }
    }
  }
}

export async function benchTtft() {
  const loadStart = load();
  const backend = await spawnTokenRateBackend(BACKEND);
  const kefu = await startKefu({ KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: backend.url, KEFU_CACHE: 'off' });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  try {
    const ask = (message: string) => fetch(`${kefu.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message, stream: true }) });
    for (let i = 0; i < 20; i++) await untilEvent(await ask(`${QUESTIONS[i % QUESTIONS.length]} w${i}`), 'done');
    await backend.stats();

    const kefuTtft: number[] = [];
    const starts = new Map<string, { start: number; first: number }>();
    let missing = 0;
    for (let i = 0; i < N; i++) {
      const message = `${QUESTIONS[i % QUESTIONS.length]} q${i}`;
      const start = wallMs();
      const first = await untilEvent(await ask(message), 'delta');
      if (first === null) missing++;
      else {
        kefuTtft.push(first - start);
        starts.set(message, { start, first });
      }
      await sleep(20);
    }
    const records = await backend.stats();
    const beforeModel: number[] = [];
    const backendTtft: number[] = [];
    const afterFirstToken: number[] = [];
    for (const r of records) {
      const s = starts.get(r.user);
      if (s === undefined || r.firstTokenAt === null) continue;
      beforeModel.push(r.arrivedAt - s.start);
      backendTtft.push(r.firstTokenAt - r.arrivedAt);
      afterFirstToken.push(s.first - r.firstTokenAt);
    }

    // The backend's own TTFT, seen by a client calling it directly with a Kefu-like prompt.
    const direct: number[] = [];
    const system = '[1] 七天无理由退货: Kefu商城支持7天无理由退货（七天无理由退货）：自签收次日起7天内，商品完好。';
    for (let i = 0; i < N; i++) {
      const start = wallMs();
      const res = await fetch(`${backend.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stream: true, messages: [{ role: 'system', content: system }, { role: 'user', content: `d${i}` }] }) });
      const first = await untilEvent(res, 'message', (d) => /"content":"[^"]/.test(d));
      if (first !== null) direct.push(first - start);
      await sleep(20);
    }
    await backend.stats();
    const k = summarise(kefuTtft);
    const d = summarise(direct);
    return {
      requests: N,
      backend: BACKEND,
      missing,
      kefuTtftMs: k,
      directBackendTtftMs: d,
      addedMs: { p50: round(k.p50 - d.p50), p99: round(k.p99 - d.p99) },
      split: {
        beforeModelMs: summarise(beforeModel),
        backendOwnTtftMs: summarise(backendTtft),
        firstTokenToFirstDeltaMs: summarise(afterFirstToken),
      },
      load: { start: loadStart, end: load() },
    };
  } finally {
    await kefu.destroy();
    await backend.close();
  }
}

if (isMain(import.meta.url)) console.log(JSON.stringify(await benchTtft(), null, 2));
