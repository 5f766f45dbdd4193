import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/create-logger.ts';
import { adminAuth, hashKey } from '../../src/server/admin-auth.ts';
import { toErrorResponse } from '../../src/server/error-handler.ts';
import { ticketRoutes } from '../../src/server/routes/ticket-routes.ts';
import type { Ticket } from '../../src/contracts/ticket-store.ts';
import { createTicketService } from '../../src/tickets/ticket-service.ts';
import { waitFor } from '../queue/wait-for.ts';
import { useTicketSystem } from './use-ticket-system.ts';

const ADMIN_KEY = 'ticket-admin-key-0123456789';
const auth = { authorization: `Bearer ${ADMIN_KEY}` };
const newSystem = useTicketSystem();

/** The routes on a bare Hono app with the real admin check and the real error mapping. */
function setup() {
  const { queue, store } = newSystem();
  let t = Date.parse('2025-05-01T00:00:00Z');
  const tickets = createTicketService({ queue, store, now: () => (t += 1000) });
  const app = new Hono();
  const logger = createLogger('silent');
  app.onError((err, c) => {
    const { status, body } = toErrorResponse(err, logger);
    return c.json(body, status);
  });
  app.route('/', ticketRoutes({ tickets, admin: adminAuth(hashKey(ADMIN_KEY)) }));
  return { app, tickets, queue };
}

async function createTickets(system: ReturnType<typeof setup>, count: number): Promise<void> {
  for (let i = 1; i <= count; i++) {
    await system.tickets.requestTicket({ kind: 'failed_action', sessionId: `s-${i}`, userId: null, summary: `refund ${i} failed`, idempotencyKey: `s-${i}:failed_action` });
  }
  const stop = system.tickets.startWorker({ pollMs: 5, concurrency: 2 });
  await waitFor(async () => (await system.queue.stats()).done === count, 'the tickets');
  await stop();
}

const getJson = async (app: Hono, path: string, headers: Record<string, string> = auth) => {
  const res = await app.request(path, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('ticket routes', () => {
  it('requires the admin key', async () => {
    const { app } = setup();
    expect((await getJson(app, '/v1/tickets', {})).status).toBe(401);
    expect((await getJson(app, '/v1/tickets/x', { authorization: 'Bearer wrong' })).status).toBe(403);
  });

  it('lists tickets newest first, page by page', async () => {
    const system = setup();
    await createTickets(system, 3);

    const first = await getJson(system.app, '/v1/tickets?limit=2');
    expect(first.status).toBe(200);
    const page1 = first.body['tickets'] as Ticket[];
    expect(page1.map((t) => t.session_id)).toEqual(['s-3', 's-2']);
    expect(first.body['next']).toBe(page1[1]!.id);

    const second = await getJson(system.app, `/v1/tickets?limit=2&before=${String(first.body['next'])}`);
    expect((second.body['tickets'] as Ticket[]).map((t) => t.session_id)).toEqual(['s-1']);
    expect(second.body).not.toHaveProperty('next');

    const open = await getJson(system.app, '/v1/tickets?status=open');
    expect(open.body['tickets']).toHaveLength(3);
    expect((await getJson(system.app, '/v1/tickets?status=closed')).body).toEqual({ tickets: [] });
  });

  it('shows one ticket, or 404 ticket_not_found', async () => {
    const system = setup();
    await createTickets(system, 1);
    const [ticket] = (await system.tickets.list({ limit: 1 })).tickets;
    const found = await getJson(system.app, `/v1/tickets/${ticket!.id}`);
    expect(found).toEqual({ status: 200, body: ticket });
    const missing = await getJson(system.app, '/v1/tickets/no-such-ticket');
    expect(missing.status).toBe(404);
    expect((missing.body['error'] as { code: string }).code).toBe('ticket_not_found');
  });

  it('answers 400 for a bad limit, status or cursor', async () => {
    const { app } = setup();
    for (const [query, code] of [
      ['limit=0', 'invalid_limit'],
      ['limit=101', 'invalid_limit'],
      ['limit=2.5', 'invalid_limit'],
      ['limit=abc', 'invalid_limit'],
      ['limit=', 'invalid_limit'],
      ['status=pending', 'invalid_status'],
      ['before=', 'invalid_cursor'],
      ['before=no-such-ticket', 'invalid_cursor'],
    ] as const) {
      const res = await getJson(app, `/v1/tickets?${query}`);
      expect([query, res.status, (res.body['error'] as { code: string }).code]).toEqual([query, 400, code]);
    }
  });
});
