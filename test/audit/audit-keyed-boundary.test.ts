import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteAuditLog } from '../../src/audit/audit-log.ts';
import type { AuditVerification, SignedAuditCheckpoint } from '../../src/contracts/audit-log.ts';
import { loadAuditKeying } from '../../src/audit/load-audit-key.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/logging/create-logger.ts';
import { startServer } from '../../src/server/start-server.ts';
import { ADMIN_KEY, postJson, startTestServer } from '../support/start-test-server.ts';
import { rewriteWithoutKey } from './rewrite-without-key.ts';
import { rawRow, sampleInput, tamper } from './use-audit-log.ts';

const CLI = fileURLToPath(new URL('./fixtures/audit-cli.ts', import.meta.url));
const dirs: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function kefu(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

describe('the keyed audit chain at its boundaries', () => {
  it('GET /v1/audit/verify catches a chain and head rewritten with recomputed plain hashes', async () => {
    const dataDir = temp('kefu-data-');
    const env = { KEFU_KEY_DIR: temp('kefu-keys-'), KEFU_AUDIT_HEAD_FLUSH_MS: '0' };
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };
    const first = await startTestServer(env, dataDir);
    for (const message of ['你好', '怎么退货', '运费谁出']) expect((await postJson(`${first.url}/v1/chat`, { message })).status).toBe(200);
    const sound = (await (await fetch(`${first.url}/v1/audit/verify`, { headers: admin })).json()) as AuditVerification;
    expect(sound).toMatchObject({ ok: true });
    expect(sound.entries).toBeGreaterThanOrEqual(3);
    await first.close();

    rewriteWithoutKey(path.join(dataDir, 'audit.db'));
    const second = await startTestServer(env, dataDir);
    try {
      const res = await fetch(`${second.url}/v1/audit/verify`, { headers: admin });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: false, problem: { seq: 1, kind: 'unkeyed_entry' } });
    } finally {
      await second.close();
    }
  });

  it('the server logs signed checkpoints, and GET /v1/audit/verify?checkpoint= catches a rollback the head file cannot', async () => {
    const dataDir = temp('kefu-data-');
    const keyDir = temp('kefu-keys-');
    const env = { KEFU_KEY_DIR: keyDir, KEFU_AUDIT_CHECKPOINT_ENTRIES: '2', KEFU_AUDIT_HEAD_FLUSH_MS: '0', KEFU_LOG_LEVEL: 'info' };
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };
    let logged = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged += chunk.toString('utf8');
        done();
      },
    });
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', KEFU_DATA_DIR: dataDir, KEFU_LLM: 'none', KEFU_ADMIN_KEY: ADMIN_KEY, KEFU_BUSINESS_HOURS: 'always', ...env });
    const server = await startServer(config, { logger: createLogger('info', sink) });
    const db = path.join(dataDir, 'audit.db');
    let headAt3 = '';
    for (const message of ['你好', '怎么退货', '运费谁出', '多久到账']) {
      expect((await postJson(`${server.url}/v1/chat`, { message })).status).toBe(200);
      // The genuine head file as it was at entry 3, the copy a rollback would bring back.
      if (message === '运费谁出') headAt3 = readFileSync(`${db}.head`, 'utf8');
    }
    expect(headAt3).toContain('"seq":3');
    const checkpoints = logged
      .split('\n')
      .filter((line) => line.includes('"audit checkpoint"'))
      .map((line) => (JSON.parse(line) as { auditCheckpoint: SignedAuditCheckpoint }).auditCheckpoint);
    expect(checkpoints.map((c) => c.seq)).toEqual([2, 4]);
    const latest = checkpoints.at(-1)!;
    const withCheckpoint = `${server.url}/v1/audit/verify?checkpoint=${encodeURIComponent(JSON.stringify(latest))}`;
    expect(await (await fetch(withCheckpoint, { headers: admin })).json()).toMatchObject({ ok: true });
    const forged = `${server.url}/v1/audit/verify?checkpoint=${encodeURIComponent(JSON.stringify({ ...latest, seq: 3 }))}`;
    expect(await (await fetch(forged, { headers: admin })).json()).toMatchObject({ ok: false, problem: { kind: 'checkpoint_mismatch', detail: expect.stringMatching(/not signed/) } });
    expect((await fetch(`${server.url}/v1/audit/verify?checkpoint=nope`, { headers: admin })).status).toBe(400);

    // Rolled back to entry 3 with that moment's genuine head file: nothing on the host disagrees.
    tamper(db, 'DELETE FROM audit_entries WHERE seq > 3');
    tamper(db, 'UPDATE audit_head SET seq = 3, hash = ? WHERE id = 1', (rawRow(db, 3) as { hash: string }).hash);
    writeFileSync(`${db}.head`, headAt3);
    expect(await (await fetch(`${server.url}/v1/audit/verify`, { headers: admin })).json()).toMatchObject({ ok: true, lastSeq: 3 });
    expect(await (await fetch(withCheckpoint, { headers: admin })).json()).toMatchObject({ ok: false, problem: { detail: expect.stringMatching(/records entry 4 but the log ends at entry 3/) } });
    await server.close();
  });

  it('kefu audit verify finds the key outside the data dir, and --checkpoint catches a rollback', async () => {
    const dataDir = temp('kefu-data-');
    const env = { KEFU_DATA_DIR: dataDir, KEFU_KEY_DIR: temp('kefu-keys-') };
    const file = path.join(dataDir, 'audit.db');
    const log = createSqliteAuditLog({ path: file, ...loadAuditKeying(null, { dataDir, keyDir: env.KEFU_KEY_DIR }, true) });
    const entries = Array.from({ length: 6 }, (_, i) => log.append(sampleInput(i)));
    const checkpoint = log.signedCheckpoint()!;
    log.close();
    const line = JSON.stringify({ level: 30, time: Date.now(), auditCheckpoint: checkpoint, msg: 'audit checkpoint' });

    expect(await kefu(['audit', 'verify', '--checkpoint', line], env)).toMatchObject({ code: 0, stdout: expect.stringMatching(/audit log ok: 6 entries.*the signed checkpoint matches/) });

    // Without the key folder the keyed entries cannot be checked, and the CLI says so.
    const keyless = await kefu(['audit', 'verify'], { ...env, KEFU_KEY_DIR: temp('kefu-other-keys-') });
    expect(keyless.code).toBe(1);
    expect(keyless.stderr).toMatch(/KEFU_AUDIT_KEY/);

    // The last two entries removed and the head rewound: the head file notices; with it deleted
    // as well, only the checkpoint from the logs does.
    tamper(file, 'DELETE FROM audit_entries WHERE seq > 4');
    tamper(file, 'UPDATE audit_head SET seq = 4, hash = ? WHERE id = 1', entries[3]!.hash);
    const noHead = await kefu(['audit', 'verify', '--no-head-file'], env);
    expect(noHead.code).toBe(0);
    const caught = await kefu(['audit', 'verify', '--no-head-file', '--checkpoint', JSON.stringify(checkpoint)], env);
    expect(caught.code).toBe(1);
    expect(caught.stderr).toMatch(/records entry 6 but the log ends at entry 4/);

    rewriteWithoutKey(file);
    const rewritten = await kefu(['audit', 'verify'], env);
    expect(rewritten.code).toBe(1);
    expect(rewritten.stderr).toMatch(/plain hash, not the audit key's MAC/);
  }, 120_000); // six CLI processes, each compiling the CLI through tsx
});
