import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../support/isolate-key-dir.ts';
import { ADMIN_KEY, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';
import { waitFor } from '../queue/wait-for.ts';
import { startHelpdesk, type HelpdeskServer } from './helpdesk-server.ts';

/**
 * Issue 13, finding 6 (follow-up): a ticket kept the customer's `user_id` as sent, so a phone
 * number used as the id lay raw in queue.db (the job payload and the tickets table). Through the
 * real app: the ticket is filed over HTTP after hours, the helpdesk on loopback still gets the
 * real id, no file of the data dir holds it, and the admin listing shows the real id.
 */
const PHONE = '13987654321';
/** 23:30 in Shanghai: after hours, so a request for a person becomes a ticket offer. */
const NIGHT = Date.parse('2026-11-24T23:30:00+08:00');

/** The queue.db files (the WAL included) as bytes read as latin1, so any byte sequence is kept. */
function queueDbBytes(dir: string): string {
  return readdirSync(dir)
    .filter((name) => name.startsWith('queue.db'))
    .map((name) => readFileSync(path.join(dir, name)).toString('latin1'))
    .join('\n');
}

describe('a ticket whose customer id is a phone number', () => {
  let helpdesk: HelpdeskServer;
  let server: TestServer;
  beforeAll(async () => {
    helpdesk = await startHelpdesk([{ status: 201, body: { id: 'HD-1' } }]);
    server = await startTestServer({ KEFU_BUSINESS_HOURS: 'mon-fri 09:00-22:00', KEFU_TICKETS_WEBHOOK_URL: helpdesk.url }, undefined, { now: () => NIGHT });
  });
  afterAll(async () => {
    await server?.destroy();
    await helpdesk?.close();
  });

  it('is stored with the id sealed; the helpdesk gets the real id, and so does the admin listing', async () => {
    const offer = (await (await postJson(`${server.url}/v1/chat`, { message: '我要投诉,马上给我转人工', user_id: PHONE })).json()) as { session_id: string; flow?: { name: string } };
    expect(offer.flow?.name).toBe('ticket_offer');
    const filed = await postJson(`${server.url}/v1/chat`, { message: '好的,登记工单', session_id: offer.session_id });
    expect(filed.status).toBe(200);

    await waitFor(() => helpdesk.requests.length > 0, 'the helpdesk webhook', 20_000);
    const sent = JSON.parse(helpdesk.requests[0]!.body) as { user_id: string; session_id: string };
    expect(sent.session_id).toBe(offer.session_id);
    expect(sent.user_id).toBe(PHONE);

    const listed = (await (await fetch(`${server.url}/v1/tickets`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { tickets: { id: string; user_id: string | null; external_ref: string | null }[] };
    expect(listed.tickets.map((t) => t.user_id)).toEqual([PHONE]);
    const one = (await (await fetch(`${server.url}/v1/tickets/${listed.tickets[0]!.id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { user_id: string };
    expect(one.user_id).toBe(PHONE);
    await waitFor(async () => {
      const t = (await (await fetch(`${server.url}/v1/tickets/${listed.tickets[0]!.id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { external_ref: string | null };
      return t.external_ref === 'HD-1';
    }, 'the helpdesk id recorded', 20_000);

    const bytes = queueDbBytes(server.dataDir);
    expect(bytes.length).toBeGreaterThan(0);
    // Booleans, not the bytes: a failure should not print the database file.
    expect({ sealed: bytes.includes('pii1.'), raw: bytes.includes(PHONE) }).toEqual({ sealed: true, raw: false });
  });
});
