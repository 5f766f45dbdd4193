import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_KEY, type TestServer } from '../support/start-test-server.ts';
import { chatAs, type ChatReply, type KefuBehindOrderProxy, startKefuBehindOrderProxy } from '../support/kefu-behind-order-proxy.ts';

/**
 * The recipient's name and phone given with a new address reach the order system in the clear
 * (`recipient_name`, `recipient_phone`, revealed from the session's vault for that call only),
 * while the stored transcript keeps pseudonyms or masks. The order system here is the demo one
 * over HTTP, behind a proxy that records what Kefu sent.
 */
let rig: KefuBehindOrderProxy;
let server: TestServer;
const writes: { path: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  rig = await startKefuBehindOrderProxy((req, res, upstream) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.method === 'POST') writes.push({ path: req.url ?? '', body: JSON.parse(body) as Record<string, unknown> });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const key = req.headers['idempotency-key'];
      if (typeof key === 'string') headers['idempotency-key'] = key;
      void fetch(`${upstream}${req.url}`, { method: req.method ?? 'GET', headers, ...(req.method === 'POST' ? { body } : {}) }).then(async (r) =>
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text()),
      );
    });
  });
  server = rig.server;
});
afterAll(async () => {
  await rig?.close();
});

const chat = (message: string, sessionId?: string): Promise<ChatReply> => chatAs(server, 'demo-user', message, sessionId);

/** Changes the address of an order in two turns and a yes; the session id and the body sent. */
async function changeAddress(opener: string, address: string, yes: string): Promise<{ sessionId: string; body: Record<string, unknown>; confirm: string }> {
  const first = await chat(opener);
  expect(first.flow?.step, first.reply).toBe('ask_address');
  const confirm = await chat(address, first.session_id);
  expect(confirm.flow?.step, confirm.reply).toBe('confirm');
  const before = writes.length;
  const done = await chat(yes, first.session_id);
  expect(done.flow?.step, done.reply).toBe('done');
  expect(writes.length).toBe(before + 1);
  return { sessionId: first.session_id, body: writes.at(-1)!.body, confirm: confirm.reply };
}

async function transcript(sessionId: string): Promise<string> {
  const res = await fetch(`${server.url}/v1/sessions/${sessionId}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  const { messages } = (await res.json()) as { messages: { content: string }[] };
  return messages.map((m) => m.content).join('\n');
}

it('a labelled recipient goes to the order system and stays out of the transcript (zh)', async () => {
  const { sessionId, body } = await changeAddress('订单 KF20261124004 要改收货地址', '收货人张三,电话13800001234,地址北京市朝阳区建国路88号', '确认');
  expect(body).toEqual({ address: '北京市朝阳区建国路88号', recipient_name: '张三', recipient_phone: '13800001234' });
  const stored = await transcript(sessionId);
  for (const secret of ['张三', '13800001234', '建国路88号']) expect(stored).not.toContain(secret);
});

it('name and phone written before a Chinese address are carried separately (zh)', async () => {
  const { sessionId, body } = await changeAddress('订单 KF20261124003 要改地址', '李四 13912345678 杭州市西湖区文三路199号', '确认');
  expect(body).toEqual({ address: '杭州市西湖区文三路199号', recipient_name: '李四', recipient_phone: '13912345678' });
  const stored = await transcript(sessionId);
  // The name has no label: the PII engine takes it as the name just before the phone.
  for (const secret of ['李四', '13912345678', '文三路199号']) expect(stored).not.toContain(secret);
});

it('a recipient after 寄给, with no label, is carried and masked; the verb is not (zh)', async () => {
  const { sessionId, body } = await changeAddress('订单 KF20261124003 要改地址', '寄给王小明,13800001234,上海市浦东新区世纪大道100号', '确认');
  expect(body).toEqual({ address: '上海市浦东新区世纪大道100号', recipient_name: '王小明', recipient_phone: '13800001234' });
  const stored = await transcript(sessionId);
  for (const secret of ['王小明', '13800001234', '世纪大道100号']) expect(stored).not.toContain(secret);
  expect(stored).toContain('寄给[NAME_1]');
});

it('an international address with its recipient reaches the order system as written (en)', async () => {
  const { sessionId, body, confirm } = await changeAddress('I need to change the address of order KF20261124004', 'send to Jane Doe, +44 20 7946 0958, 221B Baker Street, London NW1 6XE', 'yes');
  expect(body).toEqual({ address: '221B Baker Street, London NW1 6XE', recipient_name: 'Jane Doe', recipient_phone: '+44 20 7946 0958' });
  // The customer's own reply shows what they wrote (revealed from the session's vault) ...
  expect(confirm).toContain('Jane Doe +44 20 7946 0958');
  expect(confirm).toContain('221B Baker Street, London NW1 6XE');
  // ... the stored transcript only pseudonyms.
  const stored = await transcript(sessionId);
  for (const secret of ['Jane Doe', '+44 20 7946 0958', '7946', '221B Baker Street', 'NW1 6XE']) expect(stored).not.toContain(secret);
  expect(stored).toContain('[ADDRESS_1]');
});

it('an address alone sends no recipient fields', async () => {
  const { sessionId, body } = await changeAddress('change the address of KF20261124004', '1600 Amphitheatre Parkway, Mountain View, CA 94043', 'yes');
  expect(body).toEqual({ address: '1600 Amphitheatre Parkway, Mountain View, CA 94043' });
  const stored = await transcript(sessionId);
  for (const secret of ['1600 Amphitheatre', 'CA 94043']) expect(stored).not.toContain(secret);
});
