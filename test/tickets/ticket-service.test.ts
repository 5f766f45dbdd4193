import { afterEach, describe, expect, it } from 'vitest';
import { isKefuError } from '../../src/errors.ts';
import { createTicketService, TICKET_CREATE_JOB, type TicketRequest } from '../../src/tickets/ticket-service.ts';
import { waitFor } from '../queue/wait-for.ts';
import { startHelpdesk, type HelpdeskServer } from './helpdesk-server.ts';
import { useTicketSystem } from './use-ticket-system.ts';

const newSystem = useTicketSystem();
const servers: HelpdeskServer[] = [];
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  for (const s of servers.splice(0)) await s.close();
});

const helpdesk = async (answers: Parameters<typeof startHelpdesk>[0]) => {
  const server = await startHelpdesk(answers);
  servers.push(server);
  return server;
};

const complaint: TicketRequest = {
  kind: 'complaint',
  sessionId: 's-1',
  userId: 'u-1',
  summary: '用户投诉物流太慢，手机号 [手机号]',
  idempotencyKey: 's-1:complaint',
};
const poll = { pollMs: 5 };

describe('ticket service', () => {
  it('queues a request and returns before any ticket exists', async () => {
    const { queue, store } = newSystem();
    const tickets = createTicketService({ queue, store, now: () => Date.parse('2025-03-01T08:00:00Z') });
    const { jobId, created } = await tickets.requestTicket(complaint);
    expect(created).toBe(true);
    expect(await queue.get(jobId)).toMatchObject({ type: TICKET_CREATE_JOB, state: 'queued', idempotencyKey: 's-1:complaint' });
    expect((await tickets.list({ limit: 10 })).tickets).toEqual([]);

    stops.push(tickets.startWorker(poll));
    await waitFor(async () => (await queue.get(jobId))?.state === 'done', 'the ticket job');
    const [ticket] = (await tickets.list({ limit: 10 })).tickets;
    expect(ticket).toEqual({
      id: expect.any(String),
      kind: 'complaint',
      session_id: 's-1',
      user_id: 'u-1',
      summary: complaint.summary,
      status: 'open',
      created_at: '2025-03-01T08:00:00.000Z',
      idempotency_key: 's-1:complaint',
      external_ref: null,
    });
    expect(await tickets.get(ticket!.id)).toEqual(ticket);
  });

  it('makes exactly one ticket and one helpdesk call for a key requested three times at once', async () => {
    const { queue, store } = newSystem();
    const server = await helpdesk([{ status: 201, body: { id: 'HD-1' } }]);
    const tickets = createTicketService({ queue, store, webhookUrl: server.url });
    stops.push(tickets.startWorker({ ...poll, concurrency: 3 }));
    const results = await Promise.all([1, 2, 3].map(() => tickets.requestTicket(complaint)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.jobId)).size).toBe(1);

    await waitFor(async () => (await queue.get(results[0]!.jobId))?.state === 'done', 'the ticket job');
    const { tickets: all } = await tickets.list({ limit: 10 });
    expect(all).toHaveLength(1);
    expect(all[0]!.external_ref).toBe('HD-1');
    expect(server.requests).toHaveLength(1);
  });

  it('keeps one ticket even when its finished job was purged and the key requested again', async () => {
    const { queue, store } = newSystem();
    const server = await helpdesk([{ status: 201, body: { id: 'HD-1' } }]);
    const tickets = createTicketService({ queue, store, webhookUrl: server.url });
    stops.push(tickets.startWorker(poll));
    const first = await tickets.requestTicket(complaint);
    await waitFor(async () => (await queue.get(first.jobId))?.state === 'done', 'the first job');
    await new Promise((r) => setTimeout(r, 2)); // purge takes jobs finished strictly before now
    expect(await queue.purge(0)).toBe(1);

    const again = await tickets.requestTicket(complaint);
    expect(again.created).toBe(true); // the queue forgot the key …
    await waitFor(async () => (await queue.get(again.jobId))?.state === 'done', 'the second job');
    expect((await tickets.list({ limit: 10 })).tickets).toHaveLength(1); // … the ticket store did not
    expect(server.requests).toHaveLength(1); // and a delivered ticket is not sent twice
  });

  it('retries the webhook after 503s with the same Idempotency-Key and records the helpdesk id', async () => {
    const { queue, store } = newSystem();
    const server = await helpdesk([{ status: 503, body: { error: 'maintenance' } }, { status: 503 }, { status: 201, body: { id: 4242 } }]);
    const tickets = createTicketService({ queue, store, webhookUrl: server.url });
    stops.push(tickets.startWorker(poll));
    const { jobId } = await tickets.requestTicket(complaint);

    await waitFor(async () => (await queue.get(jobId))?.state === 'done', 'the delivered ticket');
    expect(await queue.get(jobId)).toMatchObject({ attempts: 3, lastError: 'ticket_webhook_failed: helpdesk webhook answered 503' });
    expect(server.requests).toHaveLength(3);
    for (const r of server.requests) {
      expect(r.method).toBe('POST');
      expect(r.headers['idempotency-key']).toBe('s-1:complaint');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.body).toBe(server.requests[0]!.body);
    }
    const [ticket] = (await tickets.list({ limit: 1 })).tickets;
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ ...ticket, external_ref: null });
    expect(ticket!.external_ref).toBe('4242');
  });

  it('buries the job on a 400 from the webhook and keeps the ticket locally', async () => {
    const { queue, store } = newSystem();
    const server = await helpdesk([{ status: 400, body: { error: 'unknown kind' } }]);
    const tickets = createTicketService({ queue, store, webhookUrl: server.url });
    stops.push(tickets.startWorker(poll));
    const { jobId } = await tickets.requestTicket(complaint);

    const job = await waitFor(async () => {
      const j = await queue.get(jobId);
      return j?.state === 'dead' && j;
    }, 'the rejected job');
    expect(job.attempts).toBe(1);
    expect(job.lastError).toBe('ticket_webhook_rejected: helpdesk webhook answered 400: {"error":"unknown kind"}');
    expect(server.requests).toHaveLength(1);
    const { tickets: stored } = await tickets.list({ limit: 10 });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ session_id: 's-1', external_ref: null });
  });

  it('retries an unreachable webhook until maxAttempts, keeping the ticket', async () => {
    const { queue, store } = newSystem();
    const gone = await startHelpdesk([]);
    await gone.close(); // nothing listens on its port any more
    const tickets = createTicketService({ queue, store, webhookUrl: gone.url, maxAttempts: 3 });
    stops.push(tickets.startWorker(poll));
    const { jobId } = await tickets.requestTicket(complaint);

    const job = await waitFor(async () => {
      const j = await queue.get(jobId);
      return j?.state === 'dead' && j;
    }, 'the undeliverable job');
    expect(job.attempts).toBe(3);
    expect(job.lastError).toMatch(/^ticket_webhook_unreachable: /);
    expect((await tickets.list({ limit: 10 })).tickets).toHaveLength(1);
  });

  it('rejects a malformed request before queueing anything', async () => {
    const { queue, store } = newSystem();
    const tickets = createTicketService({ queue, store });
    for (const bad of [
      { ...complaint, kind: 'praise' },
      { ...complaint, sessionId: '' },
      { ...complaint, summary: '' },
      { ...complaint, summary: 'x'.repeat(4001) },
      { ...complaint, idempotencyKey: '' },
    ]) {
      const error = await tickets.requestTicket(bad as TicketRequest).catch((e: unknown) => e);
      expect(isKefuError(error) && [error.code, error.status]).toEqual(['invalid_ticket_request', 400]);
    }
    expect((await queue.stats()).queued).toBe(0);
  });

  it('says which setting is wrong when the webhook URL is not http(s)', () => {
    const { queue, store } = newSystem();
    expect(() => createTicketService({ queue, store, webhookUrl: 'ftp://helpdesk' })).toThrow(/KEFU_TICKETS_WEBHOOK_URL/);
    expect(() => createTicketService({ queue, store, webhookUrl: 'not a url' })).toThrow(/KEFU_TICKETS_WEBHOOK_URL/);
  });

  it('buries a ticket job whose payload is not a ticket', async () => {
    const { queue, store } = newSystem();
    const tickets = createTicketService({ queue, store });
    stops.push(tickets.startWorker(poll));
    const { job } = await queue.enqueue(TICKET_CREATE_JOB, { kind: 'complaint' }, { idempotencyKey: 'broken' });
    const dead = await waitFor(async () => {
      const j = await queue.get(job.id);
      return j?.state === 'dead' && j;
    }, 'the broken job');
    expect(dead.attempts).toBe(1);
    expect(dead.lastError).toMatch(/^invalid_ticket_job: /);
  });
});
