import { describe, expect, it } from 'vitest';
import { createLlmRouter, type RouterEvent } from '../../../src/llm/router/create-llm-router.ts';
import { deadURL, transcript } from '../fake-openai-server.ts';
import { ask, backend, chatRequests, collect, errorOf, serve, textOf, until, VLLM_TEXT } from './helpers.ts';

describe('balancing', () => {
  it('sends a request to the backend with the fewest outstanding requests, not simply in turn', async () => {
    // a streams a little, then holds its stream open until the caller aborts it.
    const a = await serve({ replies: [{ sse: transcript('vllm'), hangAfterEvents: 2 }, { sse: transcript('vllm') }] });
    const b = await serve();
    const router = createLlmRouter({ backends: [backend('a', a.url), backend('b', b.url)] });
    const ctrl = new AbortController();
    const held = collect(router, { ...ask, signal: ctrl.signal }); // both idle: a comes first
    await until(() => chatRequests(a) === 1);
    expect(router.status().map((s) => s.outstanding)).toEqual([1, 0]);
    for (let i = 0; i < 4; i++) expect(textOf(await collect(router))).toBe(VLLM_TEXT);
    expect(chatRequests(b)).toBe(4); // round robin would have given a two of them
    ctrl.abort();
    expect((await held).at(-1)).toEqual({ type: 'finish', finishReason: 'abort', usage: {} });
    expect(router.status().map((s) => s.outstanding)).toEqual([0, 0]);
  });

  it('spreads concurrent requests evenly, and by weight', async () => {
    const servers = await Promise.all([0, 1, 2].map(() => serve({ replies: [{ sse: transcript('vllm'), firstByteDelayMs: 150 }] })));
    const even = createLlmRouter({ backends: servers.map((s, i) => backend(`s${i}`, s.url)) });
    const parts = await Promise.all(Array.from({ length: 9 }, () => collect(even)));
    expect(parts.every((p) => textOf(p) === VLLM_TEXT)).toBe(true);
    expect(servers.map(chatRequests)).toEqual([3, 3, 3]);

    const [x, y] = await Promise.all([0, 1].map(() => serve({ replies: [{ sse: transcript('vllm'), firstByteDelayMs: 150 }] })));
    const weighted = createLlmRouter({ backends: [backend('x', x!.url, 'active', 2), backend('y', y!.url)] });
    await Promise.all(Array.from({ length: 6 }, () => collect(weighted)));
    expect([chatRequests(x!), chatRequests(y!)]).toEqual([4, 2]);
  });
});

describe('circuit breaker', () => {
  it('a backend answering 503 opens after the threshold and gets no more traffic', async () => {
    const bad = await serve({ replies: [{ status: 503 }] });
    const good = await serve();
    const events: RouterEvent[] = [];
    const router = createLlmRouter({
      backends: [backend('bad', bad.url), backend('good', good.url)],
      breaker: { failureThreshold: 3, openMs: 60_000 },
      onEvent: (e) => events.push(e),
    });
    for (let i = 0; i < 12; i++) expect(textOf(await collect(router))).toBe(VLLM_TEXT); // failover hides every 503
    expect(chatRequests(bad)).toBe(3);
    expect(chatRequests(good)).toBe(12);
    expect(router.status()[0]).toMatchObject({ id: 'bad', state: 'open', consecutiveFailures: 3 });
    expect(router.status()[0]?.lastError).toContain('503');
    expect(events.filter((e) => e.type === 'breaker')).toEqual([{ type: 'breaker', backend: 'bad', from: 'closed', to: 'open' }]);
  });

  it('opens on the error rate over a window too', async () => {
    // 503, ok, 503, ok...: never 2 failures in a row, but half of the attempts fail.
    const flaky = await serve({ replies: Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? { status: 503 } : { sse: transcript('vllm') })) });
    const router = createLlmRouter({
      backends: [backend('flaky', flaky.url)],
      breaker: { failureThreshold: 100, errorRate: { threshold: 0.5, windowMs: 60_000, minRequests: 6 }, openMs: 60_000 },
    });
    for (let i = 0; i < 6; i++) await collect(router);
    expect(router.status()[0]?.state).toBe('closed'); // 5 outcomes were in when the last failure came
    await collect(router); // the 7th, a failure: 4 of 7
    expect(router.status()[0]?.state).toBe('open');
    expect(errorOf(await collect(router)).code).toBe('llm_unavailable');
    expect(chatRequests(flaky)).toBe(7);
  });

  it('after openMs a half-open probe that succeeds closes it; one that fails opens it again', async () => {
    let t = 0;
    const a = await serve({ replies: [{ status: 503 }, { status: 503 }, { status: 503 }, { sse: transcript('vllm') }] });
    const b = await serve({ replies: [{ status: 503 }, { status: 503 }, { sse: transcript('vllm') }] });
    const router = createLlmRouter({
      backends: [backend('a', a.url), backend('b', b.url)],
      breaker: { failureThreshold: 2, openMs: 1_000 },
      now: () => t,
    });
    expect(errorOf(await collect(router)).code).toBe('llm_unavailable');
    expect(errorOf(await collect(router)).code).toBe('llm_unavailable');
    expect(router.status().map((s) => s.state)).toEqual(['open', 'open']);
    expect(errorOf(await collect(router)).code).toBe('llm_unavailable'); // fails fast: nothing sent
    expect([chatRequests(a), chatRequests(b)]).toEqual([2, 2]);

    t = 1_000;
    expect(router.status().map((s) => s.state)).toEqual(['half-open', 'half-open']);
    // One request probes both: a's third 503 sends it back to open, b's first success closes it.
    expect(textOf(await collect(router))).toBe(VLLM_TEXT);
    expect(router.status().map((s) => s.state)).toEqual(['open', 'closed']);
    t = 1_999;
    expect(router.status()[0]?.state).toBe('open'); // openMs counts again from the failed probe
    t = 2_000;
    expect(textOf(await collect(router))).toBe(VLLM_TEXT);
    expect(textOf(await collect(router))).toBe(VLLM_TEXT);
    expect(router.status().map((s) => s.state)).toEqual(['closed', 'closed']);
    expect([chatRequests(a), chatRequests(b)]).toEqual([4, 4]);
  });

  it('half-open lets only halfOpenProbes requests through at once', async () => {
    let t = 0;
    const a = await serve({ replies: [{ status: 503 }, { sse: transcript('vllm'), firstByteDelayMs: 300 }] });
    const b = await serve({ replies: [{ sse: transcript('vllm'), firstByteDelayMs: 300 }] });
    const router = createLlmRouter({
      backends: [backend('a', a.url), backend('b', b.url)],
      breaker: { failureThreshold: 1, openMs: 1_000, halfOpenProbes: 1 },
      now: () => t,
    });
    await collect(router); // a fails over to b; a opens
    t = 1_000;
    const results = await Promise.all(Array.from({ length: 4 }, () => collect(router)));
    expect(results.every((p) => textOf(p) === VLLM_TEXT)).toBe(true);
    expect(chatRequests(a)).toBe(2); // the failure, then one probe
    expect(router.status()[0]?.state).toBe('closed');
  });
});

describe('failover', () => {
  it('standby serves only when every active backend is down', async () => {
    const a = await serve({ replies: [{ sse: transcript('vllm') }, { status: 503 }] });
    const b = await serve({ replies: [{ sse: transcript('vllm') }, { status: 503 }] });
    const standby = await serve({ replies: [{ sse: transcript('tgi') }] });
    const router = createLlmRouter({
      backends: [backend('a', a.url), backend('standby', standby.url, 'standby'), backend('b', b.url)],
      breaker: { failureThreshold: 1, openMs: 60_000 },
    });
    expect(textOf(await collect(router))).toBe(VLLM_TEXT);
    expect(textOf(await collect(router))).toBe(VLLM_TEXT);
    expect(chatRequests(standby)).toBe(0);
    expect(textOf(await collect(router))).toBe('Hello! You can return unused items within 7 days.');
    expect([chatRequests(a), chatRequests(b), chatRequests(standby)]).toEqual([2, 2, 1]);
    expect(textOf(await collect(router))).toBe('Hello! You can return unused items within 7 days.');
    expect(chatRequests(standby)).toBe(2);
  });

  it('every backend down: one error part, llm_unavailable, retryable', async () => {
    const busy = await serve({ replies: [{ status: 503 }] });
    const router = createLlmRouter({ backends: [backend('dead', await deadURL()), backend('busy', busy.url), backend('spare', await deadURL(), 'standby')] });
    const parts = await collect(router);
    expect(parts).toHaveLength(1);
    const err = errorOf(parts);
    expect(err.code).toBe('llm_unavailable');
    expect(err.retryable).toBe(true);
    expect(err.status).toBe(503);
    expect(err.message).toMatch(/dead: .*connection failed.*busy: .*503.*spare:/);
  });

  it('a 400 is the request\'s fault: no failover, no count against the breaker', async () => {
    const a = await serve({ replies: [{ status: 400, body: { error: { message: 'bad schema' } } }] });
    const b = await serve();
    const router = createLlmRouter({ backends: [backend('a', a.url), backend('b', b.url)], breaker: { failureThreshold: 1 } });
    expect(errorOf(await collect(router)).code).toBe('llm_bad_request');
    expect(chatRequests(b)).toBe(0);
    expect(router.status()[0]).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('no retry after the first token: the stream ends with the error part', async () => {
    const a = await serve({ replies: [{ sse: transcript('vllm'), dropAfterEvents: 3 }] });
    const b = await serve();
    const router = createLlmRouter({ backends: [backend('a', a.url), backend('b', b.url)] });
    const parts = await collect(router);
    expect(textOf(parts).length).toBeGreaterThan(0);
    expect(VLLM_TEXT.startsWith(textOf(parts))).toBe(true);
    expect(errorOf(parts).code).toBe('llm_stream_interrupted');
    expect(chatRequests(b)).toBe(0);
    expect(router.status()[0]?.consecutiveFailures).toBe(1);
  });

  it('a backend silent past firstTokenTimeoutMs is abandoned for the next', async () => {
    const silent = await serve({ replies: [{ hang: true }] });
    const good = await serve();
    const router = createLlmRouter({ backends: [backend('silent', silent.url), backend('good', good.url)], firstTokenTimeoutMs: 150 });
    const t0 = performance.now();
    expect(textOf(await collect(router))).toBe(VLLM_TEXT);
    expect(performance.now() - t0).toBeLessThan(1_000);
    await until(() => silent.requests[0]?.clientClosed === true);
    expect(router.status()[0]?.consecutiveFailures).toBe(1);
  });
});

describe('deadline', () => {
  it('a hanging backend ends with llm_deadline within the deadline and a small margin', async () => {
    const hang = await serve({ replies: [{ hang: true }] });
    const events: RouterEvent[] = [];
    const router = createLlmRouter({ backends: [backend('hang', hang.url)], deadlineMs: 300, onEvent: (e) => events.push(e) });
    const t0 = performance.now();
    const parts = await collect(router);
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(300 + 200);
    expect(parts).toHaveLength(1);
    const err = errorOf(parts);
    expect(err.code).toBe('llm_deadline');
    expect(err.retryable).toBe(false);
    await until(() => hang.requests[0]?.clientClosed === true); // the upstream request was cancelled
    expect(events).toContainEqual(expect.objectContaining({ type: 'request', backend: 'hang', outcome: 'deadline' }));
  });

  it('covers failovers and a stream that started: text, then llm_deadline', async () => {
    const slow = await serve({ replies: [{ sse: transcript('vllm'), hangAfterEvents: 3 }] }); // some text, then nothing
    const router = createLlmRouter({ backends: [backend('slow', slow.url)], deadlineMs: 300 });
    const parts = await collect(router);
    expect(textOf(parts).length).toBeGreaterThan(0);
    expect(errorOf(parts).code).toBe('llm_deadline');
    expect(router.status()[0]?.consecutiveFailures).toBe(0); // a long answer cut short is not the backend failing
  });

  it('the caller\'s abort still ends with finish(abort), not an error', async () => {
    const slow = await serve({ replies: [{ sse: transcript('vllm'), delayMs: 50 }] });
    const router = createLlmRouter({ backends: [backend('slow', slow.url)], deadlineMs: 5_000 });
    const ctrl = new AbortController();
    const parts = [];
    for await (const p of router.doStream({ ...ask, signal: ctrl.signal })) {
      parts.push(p);
      if (p.type === 'text-delta') ctrl.abort();
    }
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'abort', usage: {} });
    expect(router.status()[0]).toMatchObject({ state: 'closed', consecutiveFailures: 0, outstanding: 0 });
  });
});

describe('health checks', () => {
  it('mark a dead backend down before any request is sent to it', async () => {
    const down = await serve({ models: { status: 503 } });
    const up = await serve();
    const router = createLlmRouter({ backends: [backend('down', down.url), backend('up', up.url)], health: { intervalMs: 60_000 } });
    await router.checkHealth();
    expect(router.status().map((s) => [s.id, s.state, s.healthy])).toEqual([
      ['down', 'open', false],
      ['up', 'closed', true],
    ]);
    for (let i = 0; i < 4; i++) expect(textOf(await collect(router))).toBe(VLLM_TEXT);
    expect(chatRequests(down)).toBe(0);
    expect(chatRequests(up)).toBe(4);
    await router.close();
  });

  it('a passing check closes a breaker it opened, and lets a probe through one that failures opened', async () => {
    const a = await serve({ replies: [{ status: 503 }, { sse: transcript('vllm') }] });
    const b = await serve();
    let aUp = false;
    const router = createLlmRouter({
      backends: [backend('a', a.url), backend('b', b.url)],
      breaker: { failureThreshold: 1, openMs: 60_000 },
      health: {
        intervalMs: 60_000,
        // A check over real HTTP whose answer the test decides.
        check: async (bk) => {
          const res = await fetch(`${bk.id === 'a' ? a.url : b.url}/models`);
          if (!res.ok || (bk.id === 'a' && !aUp)) throw new Error('down');
        },
      },
    });
    await router.checkHealth();
    expect(router.status().map((s) => s.state)).toEqual(['open', 'closed']);
    aUp = true;
    await router.checkHealth();
    expect(router.status().map((s) => s.state)).toEqual(['closed', 'closed']); // opened by the check: closed by it

    await collect(router); // a: 503, opens (by failures); b answers
    expect(router.status()[0]?.state).toBe('open');
    await router.checkHealth();
    expect(router.status()[0]?.state).toBe('half-open'); // not trusted until a real request succeeds
    await collect(router);
    await collect(router);
    expect(router.status()[0]?.state).toBe('closed');
    await router.close();
  });

  it('the first round runs at construction, and periodically after', async () => {
    const down = await serve({ models: { status: 500 } });
    const router = createLlmRouter({ backends: [backend('down', down.url)], health: { intervalMs: 50 } });
    await until(() => down.requests.filter((r) => r.path === '/models').length >= 3);
    expect(router.status()[0]).toMatchObject({ healthy: false, state: 'open' });
    await router.close();
  });

  it('ready() resolves when one backend is ready and rejects when none is', async () => {
    const up = await serve();
    const some = createLlmRouter({ backends: [backend('dead', await deadURL()), backend('up', up.url)] });
    await expect(some.ready()).resolves.toBeUndefined();
    expect(some.status().map((s) => s.healthy)).toEqual([false, true]);
    const none = createLlmRouter({ backends: [backend('dead', await deadURL())] });
    await expect(none.ready()).rejects.toMatchObject({ code: 'llm_unavailable' });
  });
});

describe('lifecycle', () => {
  it('after close() a request gets llm_closed', async () => {
    const s = await serve();
    const router = createLlmRouter({ backends: [backend('s', s.url)] });
    await router.close();
    expect(errorOf(await collect(router)).code).toBe('llm_closed');
  });

  it('refuses an empty or duplicate backend list', async () => {
    expect(() => createLlmRouter({ backends: [] })).toThrow(/at least one backend/);
    const s = await serve();
    expect(() => createLlmRouter({ backends: [backend('x', s.url), backend('x', s.url)] })).toThrow(/unique/);
  });
});
