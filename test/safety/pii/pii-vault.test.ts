import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqlitePiiVault, normalizePiiValue } from '../../../src/safety/pii/pii-vault.ts';

const KEY = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempPath(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pii-vault-'));
  dirs.push(dir);
  return path.join(dir, 'vault.db');
}
/** Every byte the vault left on disk: the database and any WAL or journal beside it. */
function bytesOnDisk(file: string): Buffer {
  const dir = path.dirname(file);
  return Buffer.concat(readdirSync(dir).map((f) => readFileSync(path.join(dir, f))));
}

describe('SQLite PII vault', () => {
  it('numbers pseudonyms per type and keeps them stable for equal values', () => {
    const store = createSqlitePiiVault({ path: tempPath(), key: KEY });
    const v = store.forSession('s1');
    expect(v.pseudonym('phone', '13812345678')).toBe('[PHONE_1]');
    expect(v.pseudonym('phone', '13900001111')).toBe('[PHONE_2]');
    expect(v.pseudonym('person_name', '张伟')).toBe('[NAME_1]');
    expect(v.pseudonym('phone', '+86 138-1234-5678')).toBe('[PHONE_1]');
    expect(v.pseudonym('email', 'Zhang.Wei@Example.com')).toBe('[EMAIL_1]');
    expect(v.pseudonym('email', 'zhang.wei@example.com')).toBe('[EMAIL_1]');
    store.close();
  });

  it('reveals originals as first written, only to their own session', () => {
    const file = tempPath();
    const store = createSqlitePiiVault({ path: file, key: KEY });
    const a = store.forSession('a');
    const b = store.forSession('b');
    expect(a.pseudonym('address', '北京市朝阳区建国路88号')).toBe('[ADDRESS_1]');
    expect(b.pseudonym('address', '上海市徐汇区漕溪北路398号')).toBe('[ADDRESS_1]');
    expect(a.reveal('[ADDRESS_1]')).toBe('北京市朝阳区建国路88号');
    expect(a.reveal('ADDRESS_1')).toBe('北京市朝阳区建国路88号');
    expect(b.reveal('[ADDRESS_1]')).toBe('上海市徐汇区漕溪北路398号');
    expect(a.reveal('[ADDRESS_2]')).toBeNull();
    expect(a.reveal('[BOGUS_1]')).toBeNull();
    store.close();
    // Still there after reopening with the same key.
    const again = createSqlitePiiVault({ path: file, key: KEY });
    expect(again.forSession('a').reveal('[ADDRESS_1]')).toBe('北京市朝阳区建国路88号');
    again.close();
  });

  it('stores no value and no session id in plaintext', () => {
    const file = tempPath();
    const store = createSqlitePiiVault({ path: file, key: KEY });
    const v = store.forSession('session-7f3a9c');
    const values = ['13812345678', '440305199806157893', 'zhang.wei@example.com', '北京市朝阳区建国路88号', '张伟'];
    v.pseudonym('phone', values[0]!);
    v.pseudonym('id_card', values[1]!);
    v.pseudonym('email', values[2]!);
    v.pseudonym('address', values[3]!);
    v.pseudonym('person_name', values[4]!);
    const whileOpen = bytesOnDisk(file);
    store.close();
    const closed = bytesOnDisk(file);
    for (const bytes of [whileOpen, closed]) {
      expect(bytes.length).toBeGreaterThan(0);
      for (const s of [...values, 'session-7f3a9c']) expect(bytes.includes(Buffer.from(s, 'utf8'))).toBe(false);
    }
    // And the ciphertext is really there: five rows, 12-byte IVs, 16-byte tags, all IVs distinct.
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT iv, tag, ciphertext FROM pii_pseudonyms').all() as { iv: Buffer; tag: Buffer; ciphertext: Buffer }[];
    db.close();
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.iv.length === 12 && r.tag.length === 16 && r.ciphertext.length > 0)).toBe(true);
    expect(new Set(rows.map((r) => r.iv.toString('hex'))).size).toBe(5);
  });

  it('purges a session and only that session', () => {
    const store = createSqlitePiiVault({ path: tempPath(), key: KEY });
    store.forSession('a').pseudonym('phone', '13812345678');
    store.forSession('b').pseudonym('phone', '13812345678');
    store.purgeSession('a');
    expect(store.forSession('a').reveal('[PHONE_1]')).toBeNull();
    expect(store.forSession('b').reveal('[PHONE_1]')).toBe('13812345678');
    // Numbering starts again after a purge.
    expect(store.forSession('a').pseudonym('phone', '13900001111')).toBe('[PHONE_1]');
    store.close();
  });

  it('refuses a wrong-sized key and a file written with another key', () => {
    expect(() => createSqlitePiiVault({ path: tempPath(), key: Buffer.alloc(16) })).toThrow(/32 bytes.*KEFU_VAULT_KEY/);
    const file = tempPath();
    createSqlitePiiVault({ path: file, key: KEY }).close();
    expect(() => createSqlitePiiVault({ path: file, key: Buffer.alloc(32, 1) })).toThrow(/different key/);
  });

  it('detects a ciphertext moved to another session or altered', () => {
    const file = tempPath();
    const store = createSqlitePiiVault({ path: file, key: KEY });
    store.forSession('a').pseudonym('phone', '13812345678');
    store.forSession('b').pseudonym('phone', '13900001111');
    const db = new Database(file);
    type Cipher = { session: Buffer; iv: Buffer; ciphertext: Buffer; tag: Buffer };
    const [first, second] = db.prepare('SELECT session, iv, ciphertext, tag FROM pii_pseudonyms').all() as Cipher[];
    // Give each session's row the other's encrypted value: the AAD (session id) no longer matches.
    const put = db.prepare('UPDATE pii_pseudonyms SET iv = ?, ciphertext = ?, tag = ? WHERE session = ?');
    put.run(second!.iv, second!.ciphertext, second!.tag, first!.session);
    put.run(first!.iv, first!.ciphertext, first!.tag, second!.session);
    db.close();
    expect(() => store.forSession('a').reveal('[PHONE_1]')).toThrow(/integrity/);
    expect(() => store.forSession('b').reveal('[PHONE_1]')).toThrow(/integrity/);
    // A flipped bit in a stored value fails too.
    const db2 = new Database(file);
    const row = db2.prepare('SELECT session, ciphertext FROM pii_pseudonyms LIMIT 1').get() as { session: Buffer; ciphertext: Buffer };
    row.ciphertext[0] = row.ciphertext[0]! ^ 1;
    db2.prepare('UPDATE pii_pseudonyms SET ciphertext = ? WHERE session = ?').run(row.ciphertext, row.session);
    db2.close();
    const revealed = [store.forSession('a'), store.forSession('b')].map((v) => {
      try {
        return v.reveal('[PHONE_1]');
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(revealed.every((r) => r !== null && /integrity/.test(r))).toBe(true);
    store.close();
  });

  it('normalises spellings of the same value', () => {
    expect(normalizePiiValue('phone', '+86 138-1234-5678')).toBe('13812345678');
    expect(normalizePiiValue('phone', '0086 13812345678')).toBe('13812345678');
    expect(normalizePiiValue('id_card', '440305 19980615 789x')).toBe('44030519980615789X');
    expect(normalizePiiValue('license_plate', '粤B·D12345')).toBe('粤BD12345');
  });
});
