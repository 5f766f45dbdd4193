import { spawn } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { isMain, load, round, startKefu, summarise } from './common.ts';
import { spawnTokenRateBackend } from './token-rate-backend.ts';

/**
 * 2,000 concurrent SSE streams held open through Kefu. The fake backend streams slowly (first
 * token after 1 s, then 2 tokens/s, 40 tokens: about 20 s per reply), so every stream stays open
 * at once. The clients run in a child process (this file with `--clients`), so the RSS sampled in
 * this process (every 250 ms) is Kefu's: its sockets to the clients and to the backend included.
 * Error: a non-200, a network failure, an SSE `error` event, or a stream that ends without `done`.
 */
const STREAMS = 2_000;
const BACKEND = { tokensPerSecond: 2, firstTokenMs: 1_000, maxTokens: 40 };
const QUESTIONS = ['你们的退货政策是什么?', 'How long does shipping take?', '退款多久到账', 'Do you offer price protection?', '空气净化器怎么安装'];
const DEADLINE_MS = 100_000;

interface ClientResult { established: number; completed: number; errors: number; errorKinds: Record<string, number>; allEstablishedMs: number; establishMs: ReturnType<typeof summarise>; allDoneMs: number }

async function clients(url: string, n: number): Promise<ClientResult> {
  const errorKinds: Record<string, number> = {};
  const fail = (kind: string) => (errorKinds[kind] = (errorKinds[kind] ?? 0) + 1);
  const establish: number[] = [];
  let completed = 0;
  const t0 = performance.now();
  let lastEstablished = 0;
  const deadline = AbortSignal.timeout(DEADLINE_MS);
  setMaxListeners(n + 10, deadline);
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    try {
      const res = await fetch(`${url}/v1/chat`, { method: 'POST', signal: deadline, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: `${QUESTIONS[i % QUESTIONS.length]} s${i}`, stream: true }) });
      if (res.status !== 200) return void fail(`http_${res.status}`);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      let first = true;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (first) {
          // First SSE bytes (the sources event): the stream is established.
          first = false;
          lastEstablished = performance.now() - t0;
          establish.push(lastEstablished);
        }
        text += decoder.decode(value, { stream: true });
      }
      if (/^event: ?error$/m.test(text)) fail('sse_error');
      else if (!/^event: ?done$/m.test(text)) fail('no_done');
      else completed++;
    } catch (e) {
      fail((e as Error).name === 'TimeoutError' ? 'timeout' : `network:${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name}`);
    }
  }));
  const errors = Object.values(errorKinds).reduce((a, b) => a + b, 0);
  return { established: establish.length, completed, errors, errorKinds, allEstablishedMs: round(lastEstablished), establishMs: summarise(establish), allDoneMs: round(performance.now() - t0) };
}

export async function benchStreams2000() {
  const loadStart = load();
  const backend = await spawnTokenRateBackend(BACKEND);
  const kefu = await startKefu({ KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: backend.url, KEFU_CACHE: 'off' });
  try {
    for (let i = 0; i < 5; i++) await fetch(`${kefu.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: `${QUESTIONS[i]} w${i}` }) }).then((r) => r.arrayBuffer());
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    let heapPeak = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      rssPeak = Math.max(rssPeak, m.rss);
      heapPeak = Math.max(heapPeak, m.heapUsed);
    }, 250);
    const result = await new Promise<ClientResult>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--clients', kefu.url, String(STREAMS)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ClientResult) : reject(new Error(`clients exited with ${code}: ${out.slice(0, 300)}`))));
    });
    clearInterval(sampler);
    const records = await backend.stats();
    const MiB = 2 ** 20;
    return {
      streams: STREAMS,
      backend: BACKEND,
      ...result,
      errorRatePct: round((100 * result.errors) / STREAMS, 3),
      backendCalls: records.length,
      rssBeforeMiB: round(rssBefore / MiB, 1),
      rssPeakMiB: round(rssPeak / MiB, 1),
      rssPerStreamKiB: round((rssPeak - rssBefore) / 1024 / STREAMS, 1),
      heapPeakMiB: round(heapPeak / MiB, 1),
      load: { start: loadStart, end: load() },
    };
  } finally {
    await kefu.destroy();
    await backend.close();
  }
}

if (process.argv[2] === '--clients') {
  console.log(JSON.stringify(await clients(process.argv[3]!, Number(process.argv[4]))));
} else if (isMain(import.meta.url)) {
  console.log(JSON.stringify(await benchStreams2000(), null, 2));
}
