import { afterEach, describe, expect, it } from 'vitest';
import { rawClient, upgradeStatus } from '../channels/app/app-harness.ts';
import { startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * Behind a reverse proxy every request comes from the proxy's address (here 127.0.0.1, the test
 * itself); `X-Forwarded-For` says who the customer is, but only a trusted proxy may say it.
 */
describe('KEFU_TRUSTED_PROXIES and per-client limits', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.destroy();
    server = null;
  });

  const search = (from: string) => fetch(`${server!.url}/v1/kb/search?q=refund`, { headers: { 'x-forwarded-for': from } }).then((r) => r.status);
  const session = (from: string) => upgradeStatus(`${server!.url.replace(/^http/, 'ws')}/v1/ws`, { 'x-forwarded-for': from });

  it('behind a trusted proxy two customers get a bucket each (HTTP and WebSocket sessions)', async () => {
    server = await startTestServer({ KEFU_RATE_LIMIT_PER_MINUTE: '2', KEFU_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8' });
    expect([await search('203.0.113.1'), await search('203.0.113.1'), await search('203.0.113.1')]).toEqual([200, 200, 429]);
    expect(await search('203.0.113.2')).toBe(200);
    // A customer cannot pick another bucket by prepending to the header: the proxy appends the real one.
    expect(await search('198.51.100.1, 203.0.113.1')).toBe(429);
    // Through two trusted hops, the first untrusted address from the right.
    expect(await search('203.0.113.3, 10.0.0.7')).toBe(200);

    expect([await session('203.0.113.1'), await session('203.0.113.1'), await session('203.0.113.1')]).toEqual([101, 101, 429]);
    expect(await session('203.0.113.2')).toBe(101);
  });

  it('without the setting X-Forwarded-For is ignored: everyone behind the proxy shares one bucket', async () => {
    server = await startTestServer({ KEFU_RATE_LIMIT_PER_MINUTE: '2' });
    expect([await search('203.0.113.1'), await search('203.0.113.2'), await search('203.0.113.3')]).toEqual([200, 200, 429]);
    expect([await session('203.0.113.1'), await session('203.0.113.2'), await session('203.0.113.3')]).toEqual([101, 101, 429]);
  });

  it('a spoofed X-Forwarded-For from a peer that is not a trusted proxy changes nothing', async () => {
    server = await startTestServer({ KEFU_RATE_LIMIT_PER_MINUTE: '2', KEFU_TRUSTED_PROXIES: '10.0.0.0/8' });
    expect([await search('1.1.1.1'), await search('2.2.2.2'), await search('3.3.3.3')]).toEqual([200, 200, 429]);
    expect([await session('1.1.1.1'), await session('2.2.2.2'), await session('3.3.3.3')]).toEqual([101, 101, 429]);
  });

  it('a bad entry stops the start with a clear message', async () => {
    await expect(startTestServer({ KEFU_TRUSTED_PROXIES: 'proxy.internal' })).rejects.toThrow(/KEFU_TRUSTED_PROXIES/);
  });
});

describe('WebSocket sessions are rate limited per client', () => {
  it('a burst of connections from one address (3,000 in 8 s were possible): the first ones get sessions, the rest 429 before any session exists', async () => {
    const server = await startTestServer({ KEFU_RATE_LIMIT_PER_MINUTE: '5' });
    try {
      const url = `${server.url.replace(/^http/, 'ws')}/v1/ws`;
      for (let i = 0; i < 5; i++) {
        const client = await rawClient(url);
        client.send({ type: 'hello' });
        await client.next((e) => e.type === 'ready');
        client.ws.close();
      }
      const statuses: number[] = [];
      for (let i = 0; i < 35; i++) statuses.push(await upgradeStatus(url));
      expect(new Set(statuses)).toEqual(new Set([429]));
      expect(await server.kefu.store.listConversations({ limit: 100 })).toHaveLength(5);
    } finally {
      await server.destroy();
    }
  });
});
