import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

describe('GET /metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await postJson(`${server.url}/v1/chat`, { message: '你们的退货政策是什么?' });
    await postJson(`${server.url}/v1/chat`, { message: '' });
  });
  afterAll(async () => {
    await server.destroy();
  });

  it('exposes the seed metric names and process metrics', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/^llama_requests_total\{channel="web",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^llama_latency_seconds_count\{channel="web"\} 1$/m);
    expect(text).toMatch(/^llama_time_to_first_token_seconds_count 1$/m);
    expect(text).toMatch(/^kefu_knowledge_retrievals_total\{result="hit"\} 1$/m);
    expect(text).toMatch(/^kefu_errors_total\{code="empty_message"\} 1$/m);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('passes promtool check metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(result.error, 'promtool must be installed (Debian package prometheus)').toBeUndefined();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('reports readiness of the store and the model', async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { store: 'ok', model: 'ok' } });
  });
});
