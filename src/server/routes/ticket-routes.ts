import { Hono, type MiddlewareHandler } from 'hono';
import { badRequest, notFound } from '../../errors.ts';
import { TICKET_STATUSES, type TicketStatus } from '../../contracts/ticket-store.ts';
import { MAX_PAGE_SIZE, type TicketService } from '../../tickets/ticket-service.ts';
import type { AppEnv } from '../app-env.ts';

const DEFAULT_PAGE_SIZE = 20;

/** Admin view of tickets, newest first; summaries are stored masked, so no raw PII is shown. */
export function ticketRoutes(deps: { tickets: Pick<TicketService, 'list' | 'get'>; admin: MiddlewareHandler }) {
  const app = new Hono<AppEnv>();

  app.get('/v1/tickets', deps.admin, async (c) => {
    const status = c.req.query('status');
    if (status !== undefined && !isStatus(status)) throw badRequest('invalid_status', `status must be one of ${TICKET_STATUSES.join(', ')}`);
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? DEFAULT_PAGE_SIZE : /^\d{1,6}$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_PAGE_SIZE)) {
      throw badRequest('invalid_limit', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    const before = c.req.query('before');
    if (before === '') throw badRequest('invalid_cursor', 'before must be the id of a ticket');
    const page = await deps.tickets.list({
      limit,
      ...(status === undefined ? {} : { status }),
      ...(before === undefined ? {} : { before }),
    });
    return c.json(page.next === null ? { tickets: page.tickets } : page);
  });

  app.get('/v1/tickets/:id', deps.admin, async (c) => {
    const id = c.req.param('id');
    const ticket = await deps.tickets.get(id);
    if (ticket === null) throw notFound('ticket_not_found', `No ticket ${id}`);
    return c.json(ticket);
  });

  return app;
}

function isStatus(value: string): value is TicketStatus {
  return (TICKET_STATUSES as readonly string[]).includes(value);
}
