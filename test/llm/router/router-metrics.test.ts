import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLlmRouter } from '../../../src/llm/router/create-llm-router.ts';
import { createLlmRouterMetrics } from '../../../src/llm/router/router-metrics.ts';
import { transcript } from '../fake-openai-server.ts';
import { backend, collect, serve, until } from './helpers.ts';

const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p));

describe('router metrics', () => {
  it('per-backend counters, histograms and gauges with the right labels', async () => {
    const bad = await serve({ replies: [{ status: 503 }] });
    const slow = await serve({ replies: [{ sse: transcript('vllm') }, { sse: transcript('vllm'), firstByteDelayMs: 300 }] });
    const registry = new Registry();
    const metrics = createLlmRouterMetrics(registry);
    const router = createLlmRouter({
      backends: [backend('bad', bad.url), backend('slow', slow.url), backend('spare', slow.url, 'standby')],
      breaker: { failureThreshold: 1, openMs: 60_000 },
      onEvent: metrics.onEvent,
    });
    metrics.watch(router);
    await collect(router); // bad: failure (opens), slow: success
    const inflight = collect(router); // slow, held 300 ms
    await until(() => router.status()[1]?.outstanding === 1);
    const text = await registry.metrics();
    expect(text).toContain('kefu_llm_backend_requests_total{backend="bad",outcome="failure"} 1');
    expect(text).toContain('kefu_llm_backend_requests_total{backend="slow",outcome="success"} 1');
    expect(text).toContain('kefu_llm_backend_outstanding_requests{backend="slow",role="active"} 1');
    expect(text).toContain('kefu_llm_backend_outstanding_requests{backend="spare",role="standby"} 0');
    expect(text).toContain('kefu_llm_backend_breaker_state{backend="bad"} 2');
    expect(text).toContain('kefu_llm_backend_breaker_state{backend="slow"} 0');
    expect(text).toContain('kefu_llm_backend_first_token_seconds_count{backend="slow"} 1');
    expect(text).toMatch(/kefu_llm_backend_request_duration_seconds_bucket\{le="[^"]+",backend="bad",outcome="failure"\} 1/);
    expect(text).not.toMatch(/^kefu_llm_backend_up\{/m); // no health check has run
    await inflight;
    await router.checkHealth();
    expect(await registry.metrics()).toContain('kefu_llm_backend_up{backend="slow"} 1');
    // promtool (Debian package prometheus, which .ci/run installs) prints lint problems and exits non-zero on any.
    expect(PROMTOOL, 'promtool must be installed (Debian package prometheus)').toBeDefined();
    expect(() => execFileSync(PROMTOOL!, ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] })).not.toThrow();
  });
});
