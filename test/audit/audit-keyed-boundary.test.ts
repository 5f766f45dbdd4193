import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteAuditLog, type AuditVerification } from '../../src/audit/audit-log.ts';
import { loadAuditKeying } from '../../src/audit/load-audit-key.ts';
import { ADMIN_KEY, postJson, startTestServer } from '../support/start-test-server.ts';
import { rewriteWithoutKey } from './rewrite-without-key.ts';
import { sampleInput, tamper } from './use-audit-log.ts';

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
  });
});
