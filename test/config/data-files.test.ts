import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqlitePiiVault } from '../../src/safety/pii/pii-vault.ts';
import { postJson, startTestServer } from '../support/start-test-server.ts';

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
const temps: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function everything(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map((name) => path.join(dir, String(name)));
}

describe('data files and keys', () => {
  it('keeps generated keys outside the data dir and makes every data file owner-only', async () => {
    const dataDir = temp('kefu-data-');
    const keyDir = temp('kefu-keys-');
    const server = await startTestServer({ KEFU_KEY_DIR: keyDir }, dataDir);
    try {
      expect((await postJson(`${server.url}/v1/chat`, { message: '我的电话是 13812345678, 怎么退货' })).status).toBe(200);
      const files = everything(dataDir);
      expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['kefu.db', 'kefu.db-wal', 'pii-vault.db', 'audit.db']));
      // No key in the data dir: a copy of it is no copy of the raw PII.
      expect(files.filter((f) => f.endsWith('.key'))).toEqual([]);
      for (const f of files) expect([f, mode(f)]).toEqual([f, statSync(f).isDirectory() ? '700' : '600']);
      expect(mode(dataDir)).toBe('700');

      const id = readFileSync(path.join(dataDir, 'instance-id'), 'utf8').trim();
      const vaultKey = path.join(keyDir, id, 'vault.key');
      expect(readFileSync(vaultKey, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
      expect(mode(vaultKey)).toBe('600');
      expect(mode(path.join(keyDir, id))).toBe('700');
    } finally {
      await server.close();
    }
  });

  it('moves a vault.key left in the data dir out of it, keeps the vault readable, and fixes 0644 files', async () => {
    const dataDir = temp('kefu-data-');
    const keyDir = temp('kefu-keys-');
    // What an older Kefu left: the key beside the vault, everything world-readable.
    const key = Buffer.alloc(32, 7);
    writeFileSync(path.join(dataDir, 'vault.key'), `${key.toString('hex')}\n`, { mode: 0o644 });
    const vault = createSqlitePiiVault({ path: path.join(dataDir, 'pii-vault.db'), key });
    const pseudonym = vault.forSession('s1').pseudonym('phone', '13812345678');
    vault.close();
    mkdirSync(path.join(dataDir, 'kb-extra'), { mode: 0o755 });
    writeFileSync(path.join(dataDir, 'kb-extra', 'note.txt'), 'x', { mode: 0o644 });
    for (const f of ['pii-vault.db', 'vault.key']) chmodSync(path.join(dataDir, f), 0o644);
    chmodSync(dataDir, 0o755);

    // The server opens the vault with the moved key: a lost key would fail with vault_key_mismatch.
    const server = await startTestServer({ KEFU_KEY_DIR: keyDir }, dataDir);
    await server.close();
    expect(existsSync(path.join(dataDir, 'vault.key'))).toBe(false);
    const id = readFileSync(path.join(dataDir, 'instance-id'), 'utf8').trim();
    expect(readFileSync(path.join(keyDir, id, 'vault.key'), 'utf8').trim()).toBe(key.toString('hex'));
    for (const f of everything(dataDir)) expect([f, mode(f)]).toEqual([f, statSync(f).isDirectory() ? '700' : '600']);
    expect(mode(dataDir)).toBe('700');

    const reopened = createSqlitePiiVault({ path: path.join(dataDir, 'pii-vault.db'), key: Buffer.from(readFileSync(path.join(keyDir, id, 'vault.key'), 'utf8').trim(), 'hex') });
    expect(reopened.forSession('s1').reveal(pseudonym)).toBe('13812345678');
    reopened.close();
  });

  it('finds its keys again when the data dir is moved, and never shares them with another data dir', async () => {
    const keyDir = temp('kefu-keys-');
    const first = temp('kefu-data-');
    const other = temp('kefu-data-');
    await (await startTestServer({ KEFU_KEY_DIR: keyDir }, first)).close();
    await (await startTestServer({ KEFU_KEY_DIR: keyDir }, other)).close();
    const ids = [first, other].map((d) => readFileSync(path.join(d, 'instance-id'), 'utf8').trim());
    expect(ids[0]).not.toBe(ids[1]);
    // A restore to another path: same instance id, same key folder, the vault opens.
    const moved = path.join(temp('kefu-moved-'), 'data');
    cpSync(first, moved, { recursive: true });
    await (await startTestServer({ KEFU_KEY_DIR: keyDir }, moved)).close();
    expect(readdirSync(keyDir).sort()).toEqual([...ids].sort());
  });
});
