import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../support/isolate-key-dir.ts';
import { createUserIdSealer, isPersonalUserId } from '../../../src/safety/pii/stored-user-id.ts';
import { relayRead, startKefuBehindOrderProxy, type KefuBehindOrderProxy } from '../../support/kefu-behind-order-proxy.ts';
import { ADMIN_KEY, postJson } from '../../support/start-test-server.ts';

/**
 * Issue 13, finding 6: a `user_id` that is a phone number or an email was stored as sent, and
 * rating comments were stored raw. Through the real app: what reaches the database files, and
 * what the order system is still asked for.
 */

/** Every file of the data dir, as bytes read as UTF-8 (the WAL included). */
function dataDirText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(path.join(e.parentPath, e.name)).toString('utf8'))
    .join('\n');
}

describe('customer ids that are personal data are stored sealed', () => {
  let rig: KefuBehindOrderProxy;
  const asked: string[] = [];
  beforeAll(async () => {
    rig = await startKefuBehindOrderProxy((req, res, upstream) => {
      asked.push(decodeURIComponent(req.url ?? ''));
      relayRead(req, res, upstream);
    });
  });
  afterAll(async () => rig?.close());

  it('a phone-number user_id: the order system gets the number, the database only a sealed value', async () => {
    const phone = '13912345678';
    const first = await postJson(`${rig.server.url}/v1/chat`, { message: '我的订单到哪了', user_id: phone });
    expect(first.status).toBe(200);
    const reply = (await first.json()) as { session_id: string; session_token?: string };
    // A later turn that names no user goes on as the session's customer, read back from the store.
    const second = await postJson(`${rig.server.url}/v1/chat`, { message: '查一下我的订单', session_id: reply.session_id, ...(reply.session_token === undefined ? {} : { session_token: reply.session_token }) });
    expect(second.status).toBe(200);
    expect(asked.filter((u) => u.includes(`user_id=${phone}`)).length).toBeGreaterThanOrEqual(2);

    const db = new Database(path.join(rig.server.dataDir, 'kefu.db'), { readonly: true });
    const row = db.prepare('SELECT user_id FROM conversations WHERE id = ?').get(reply.session_id) as { user_id: string };
    db.close();
    expect(row.user_id).toMatch(/^pii1\./);
    expect(dataDirText(rig.server.dataDir)).not.toContain(phone);

    // Admins see the customer through the API (in memory), as the sessions list always showed it.
    const session = await fetch(`${rig.server.url}/v1/sessions/${reply.session_id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(((await session.json()) as { user_id: string }).user_id).toBe(phone);
  });

  it('an email user_id is sealed; an opaque shop id is stored as it is', async () => {
    const email = 'li.na@example.com';
    const a = (await (await postJson(`${rig.server.url}/v1/chat`, { message: '你好', user_id: email })).json()) as { session_id: string };
    const b = (await (await postJson(`${rig.server.url}/v1/chat`, { message: '你好', user_id: 'u1001' })).json()) as { session_id: string };
    const db = new Database(path.join(rig.server.dataDir, 'kefu.db'), { readonly: true });
    const userOf = (id: string) => (db.prepare('SELECT user_id FROM conversations WHERE id = ?').get(id) as { user_id: string }).user_id;
    expect(userOf(a.session_id)).toMatch(/^pii1\./);
    expect(userOf(b.session_id)).toBe('u1001');
    db.close();
    expect(dataDirText(rig.server.dataDir)).not.toContain(email);
  });

  it("the façade's user field that is a phone number: the order system gets it, no file holds it", async () => {
    const phone = '13712345678';
    for (const content of ['我的订单到哪了', '查一下我的订单']) {
      const res = await fetch(`${rig.server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ model: 'kefu', user: phone, messages: [{ role: 'user', content }] }),
      });
      expect(res.status).toBe(200);
    }
    expect(asked.filter((u) => u.includes(`user_id=${phone}`)).length).toBeGreaterThanOrEqual(2);
    expect(dataDirText(rig.server.dataDir)).not.toContain(phone);
  });

  it('a rating comment is masked before it is stored', async () => {
    const { session_id } = (await (await postJson(`${rig.server.url}/v1/chat`, { message: '运费怎么算?' })).json()) as { session_id: string };
    const rated = await fetch(`${rig.server.url}/v1/sessions/${session_id}/rating`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ score: 2, comment: '太慢了，我叫张伟，请打我电话138 0013 8000' }),
    });
    expect(rated.status).toBe(201);
    const text = dataDirText(rig.server.dataDir);
    expect(text).not.toContain('138 0013 8000');
    expect(text).not.toContain('张伟');
  });
});

describe('the sealer', () => {
  const sealer = createUserIdSealer(Buffer.alloc(32, 3));
  it('seals personal ids the same way each time and opens them again', () => {
    for (const id of ['13812345678', '+86 138 1234 5678', 'wx13812345678', 'a.b@example.com', '138\u200b1234\u200b5678', '一三八一二三四五六七八']) {
      expect(isPersonalUserId(id)).toBe(true);
      const sealed = sealer.seal(id);
      expect(sealed).toMatch(/^pii1\./);
      expect(sealer.seal(id)).toBe(sealed);
      expect(sealer.open(sealed)).toBe(id);
    }
  });
  it('leaves opaque ids alone, and seals anything that looks sealed so no client can have one opened', () => {
    for (const id of ['u-42', 'cust_9', 'demo-user', '2026']) expect(sealer.seal(id)).toBe(id);
    const forged = sealer.seal('13812345678');
    expect(sealer.open(sealer.seal(forged))).toBe(forged);
  });
  it('refuses a sealed value that was altered or written with another key', () => {
    const sealed = sealer.seal('13812345678');
    expect(() => createUserIdSealer(Buffer.alloc(32, 4)).open(sealed)).toThrow(/integrity/);
    expect(() => sealer.open(`${sealed.slice(0, -2)}AA`)).toThrow(/integrity/);
  });
});
