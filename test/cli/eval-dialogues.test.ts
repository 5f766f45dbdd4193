import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/start-test-server.ts';

const BIN = fileURLToPath(new URL('../../bin/kefu.js', import.meta.url));

function kefu(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, KEFU_LOG_LEVEL: 'silent', KEFU_LLM: 'none', ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

describe('kefu eval dialogues', () => {
  let dir: string;
  let server: TestServer;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kefu-eval-cli-'));
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes a user script against a running server and fails a wrong expectation with exit 1', async () => {
    const good = path.join(dir, 'good.yaml');
    writeFileSync(good, 'name: greeting\nturns:\n  - user: 你好\n    expect:\n      intent: greeting\n      handoff: false\n');
    const ok = await kefu(['eval', 'dialogues', good, '--url', server.url], {});
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('1/1 scripts passed');

    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: expects the impossible\nturns:\n  - user: 你好\n    expect:\n      reply: /this will not be said/\n');
    const failed = await kefu(['eval', 'dialogues', bad, '--url', server.url], {});
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('FAIL  expects the impossible');
    expect(failed.stdout).toContain('reply should match /this will not be said/');
  });

  it('runs in process with a pinned clock when no --url is given', async () => {
    const script = path.join(dir, 'order.yaml');
    writeFileSync(script, 'name: order by number\nuser_id: demo-user\nturns:\n  - user: KF20261121001 到哪了\n    expect:\n      flow: order_status\n      reply: 已签收\n');
    const r = await kefu(['eval', 'dialogues', script, '--now', '2026-11-24T10:00:00+08:00'], { KEFU_DATA_DIR: path.join(dir, 'unused') });
    expect(r.stderr).toContain('[1/1] pass');
    expect(r.code).toBe(0);
  });

  it('explains a malformed script and exits non-zero', async () => {
    const broken = path.join(dir, 'broken.yaml');
    writeFileSync(broken, 'name: no turns\nturns: []\n');
    const r = await kefu(['eval', 'dialogues', broken, '--url', server.url], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/kefu: .*broken\.yaml: turns: /);
    const missing = await kefu(['eval', 'dialogues', path.join(dir, 'nope.yaml')], {});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file or folder');
    // two CLI processes, each starting Node and the TypeScript loader: ~16 s alone, over 30 s on a loaded machine
  }, 90_000);
});
