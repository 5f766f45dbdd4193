import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestServer, type TestServer } from '../../support/start-test-server.ts';

/**
 * Issue 13, finding 1, as it was reported: `{"message": "北京市朝阳区" × 18}` to POST /v1/chat (no
 * key) kept the server busy 48 s with /healthz unanswered. Through the whole pipeline (PII engine,
 * input guard, NLU, retrieval, output guard) on the real app, with /healthz asked while the
 * message is processed. The server runs in this process, so × 18 (seconds per scan before the
 * fix) is as far as this test goes; × 333 runs in a child with a kill timer (linear-time.test.ts).
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.destroy());

describe('POST /v1/chat on city-and-district runs', () => {
  for (const message of ['北京市朝阳区'.repeat(18), `寄到${'北京市朝阳区'.repeat(18)}建国路88号`]) {
    it(`${message.slice(0, 14)}… (${message.length} characters) is answered in seconds and /healthz stays up`, async () => {
      const started = performance.now();
      const chat = postJson(`${server.url}/v1/chat`, { message });
      const health = fetch(`${server.url}/healthz`).then((r) => ({ status: r.status, ms: performance.now() - started }));
      const res = await chat;
      const ms = performance.now() - started;
      expect(res.status).toBe(200);
      expect(ms).toBeLessThan(5_000);
      const h = await health;
      expect(h.status).toBe(200);
      expect(h.ms).toBeLessThan(5_000);
    }, 20_000);
  }
});
