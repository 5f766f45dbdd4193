import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { isMain, load, round, startKefu } from './common.ts';
import { autocannon } from './processes.ts';

/**
 * Cache-hit replies/s against bare routes, in one run: a Kefu server (no model, answer cache on)
 * and, in the same process, a plain Hono app with `GET /hello` on @hono/node-server. autocannon
 * runs as its own process so it does not share the servers' event loop. Measured: Kefu's own
 * `GET /healthz` (its cheapest route, through Kefu's middleware), the plain `/hello`, and
 * `POST /v1/chat` with the cached question and no session id (a new session per request).
 */
const QUESTION = '你们的退货政策是什么?';
const CONNECTIONS = 50;
const SECONDS = 10;
const ask = async (url: string): Promise<{ cached: boolean; reply: string }> => {
  const res = await fetch(`${url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: QUESTION }) });
  return (await res.json()) as { cached: boolean; reply: string };
};

export async function benchCacheHit() {
  const loadStart = load();
  const kefu = await startKefu({ KEFU_LLM: 'none', KEFU_CACHE: 'on' });
  const hello = new Hono().get('/hello', (c) => c.text('Hello World!'));
  const bare = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: hello.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/hello`;
  try {
    const first = await ask(kefu.url);
    const second = await ask(kefu.url);
    if (!second.cached) throw new Error(`the second ask was not a cache hit: ${JSON.stringify(second).slice(0, 200)}`);
    // Warm every path's JIT before measuring.
    for (let i = 0; i < 200; i++) { await ask(kefu.url); await fetch(`${kefu.url}/healthz`).then((r) => r.arrayBuffer()); await fetch(bareUrl).then((r) => r.arrayBuffer()); }

    const healthz = await autocannon(`${kefu.url}/healthz`, CONNECTIONS, SECONDS);
    const helloRoute = await autocannon(bareUrl, CONNECTIONS, SECONDS);
    const chat = await autocannon(`${kefu.url}/v1/chat`, CONNECTIONS, SECONDS, ['-m', 'POST', '-H', 'content-type=application/json', '-b', JSON.stringify({ message: QUESTION })]);
    const sample = await Promise.all(Array.from({ length: 50 }, () => ask(kefu.url)));
    const sampledCached = sample.filter((r) => r.cached && r.reply === second.reply).length;
    return {
      connections: CONNECTIONS,
      seconds: SECONDS,
      question: QUESTION,
      firstAskCached: first.cached,
      sampledCached: `${sampledCached}/${sample.length}`,
      cachedChat: chat,
      kefuHealthz: healthz,
      plainHonoHello: helloRoute,
      ratioVsHealthz: round(chat.rps / healthz.rps, 3),
      ratioVsPlainHello: round(chat.rps / helloRoute.rps, 3),
      load: { start: loadStart, end: load() },
    };
  } finally {
    await new Promise<void>((r) => bare.close(() => r()));
    await kefu.destroy();
  }
}

if (isMain(import.meta.url)) console.log(JSON.stringify(await benchCacheHit(), null, 2));
