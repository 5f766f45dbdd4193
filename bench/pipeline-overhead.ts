import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config/load-config.ts';
import { startServer } from '../src/server/start-server.ts';

const QUESTIONS = ['你们的退货政策是什么?', 'How long does shipping take?', '怎么开发票?', '退款多久到账', 'Do you offer price protection?', '空气净化器怎么安装'];

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/**
 * The time Kefu itself adds to a reply (gateway, session, NLU, retrieval, grounding, storage),
 * measured with KEFU_LLM=none so no model time is included: first sequentially (latency), then
 * under load over HTTP with autocannon (throughput and tail latency).
 */
export async function benchPipelineOverhead(): Promise<{ sequential: { n: number; p50Ms: number; p99Ms: number }; load: { connections: number; requests: number; rps: number; p50Ms: number; p99Ms: number; errors: number } }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-bench-'));
  const server = await startServer(loadConfig({ PORT: '0', KEFU_DATA_DIR: dir, KEFU_KEY_DIR: path.join(dir, 'keys'), KEFU_LLM: 'none', KEFU_LOG_LEVEL: 'silent', KEFU_ADMIN_KEY: 'bench-admin-key-0123456789', KEFU_RATE_LIMIT_PER_MINUTE: '10000000' }));
  try {
    const times: number[] = [];
    for (let i = 0; i < 400; i++) {
      const t = performance.now();
      const res = await fetch(`${server.url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: QUESTIONS[i % QUESTIONS.length] }) });
      await res.arrayBuffer();
      if (i >= 50) times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);

    const connections = 20;
    const result = await autocannon({
      url: `${server.url}/v1/chat`,
      connections,
      duration: 10,
      requests: QUESTIONS.map((q) => ({ method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: q }) })),
    });
    return {
      sequential: { n: times.length, p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)) },
      load: { connections, requests: result.requests.total, rps: round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99, errors: result.errors + result.non2xx },
    };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (n: number): number => Math.round(n * 100) / 100;

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchPipelineOverhead(), null, 2));
}
