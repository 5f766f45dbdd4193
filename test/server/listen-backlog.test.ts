import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { startTestServer, type TestServer } from '../support/start-test-server.ts';

/** The listen queue of the socket on `port`, as the kernel reports it (`ss` Send-Q; iproute2, which .ci/run installs). */
function backlogOf(port: number): number {
  if (!['/usr/bin/ss', '/bin/ss', '/usr/sbin/ss', '/sbin/ss'].some((p) => existsSync(p))) {
    throw new Error('`ss` is not installed (Debian package iproute2): the listen backlog cannot be read');
  }
  const out = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' });
  const fields = out.trim().split(/\s+/);
  return Number(fields[2]);
}

const somaxconn = (): number => {
  try {
    return Number(execFileSync('cat', ['/proc/sys/net/core/somaxconn'], { encoding: 'utf8' }).trim());
  } catch {
    return Number.POSITIVE_INFINITY;
  }
};

describe('listen backlog', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.destroy();
    server = null;
  });

  it('defaults to 4096 and is read from KEFU_LISTEN_BACKLOG', () => {
    expect(loadConfig({ KEFU_LLM: 'none' }).listenBacklog).toBe(4096);
    expect(loadConfig({ KEFU_LLM: 'none', KEFU_LISTEN_BACKLOG: '1000' }).listenBacklog).toBe(1000);
    expect(() => loadConfig({ KEFU_LLM: 'none', KEFU_LISTEN_BACKLOG: '0' })).toThrow(/KEFU_LISTEN_BACKLOG/);
  });

  it('the server listens with the configured backlog (capped by the kernel at somaxconn), not Node’s 511', async () => {
    server = await startTestServer({ KEFU_LISTEN_BACKLOG: '1000' });
    const port = Number(new URL(server.url).port);
    expect(backlogOf(port)).toBe(Math.min(1000, somaxconn()));
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('a port already taken fails the start with the error, not an unhandled event', async () => {
    server = await startTestServer();
    const port = new URL(server.url).port;
    await expect(startTestServer({ PORT: port })).rejects.toThrow(/EADDRINUSE/);
  });
});
