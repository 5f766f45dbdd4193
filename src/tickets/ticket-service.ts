import { z } from 'zod';
import type { JobQueue } from '../contracts/job-queue.ts';
import { KefuError, badRequest } from '../errors.ts';
import type { UserIdSealer } from '../safety/pii/stored-user-id.ts';
import { postTicketWebhook, type TicketWebhook } from './post-ticket-webhook.ts';
import { TICKET_KINDS, type Ticket, type TicketKind, type TicketStatus } from '../contracts/ticket-store.ts';
import type { NewTicket, TicketStore } from '../contracts/ticket-store.ts';

export const TICKET_CREATE_JOB = 'ticket.create';

export interface TicketRequest {
  kind: TicketKind;
  sessionId: string;
  userId: string | null;
  /** Already PII-masked: it is stored, shown to admins and sent to the helpdesk as it is. */
  summary: string;
  /** Derived by the caller, e.g. `${sessionId}:complaint`; one key makes at most one ticket. */
  idempotencyKey: string;
}

export interface TicketPage {
  tickets: Ticket[];
  /** Pass as `before` for the next page; null on the last page. */
  next: string | null;
}

export interface TicketService {
  /** Queues the ticket and returns at once; the chat reply never waits for the helpdesk. */
  requestTicket(input: TicketRequest): Promise<{ jobId: string; created: boolean }>;
  /** Handles `ticket.create` jobs; returns a function that stops and waits for running ones. */
  startWorker(options?: { concurrency?: number; pollMs?: number }): () => Promise<void>;
  list(query: { status?: TicketStatus; limit: number; before?: string }): Promise<TicketPage>;
  get(id: string): Promise<Ticket | null>;
}

/** The part of a logger the service uses; pino fits. */
export interface TicketLogger {
  info(details: Record<string, unknown>, message: string): void;
}

export interface TicketServiceOptions {
  queue: JobQueue;
  store: TicketStore;
  /** The merchant's helpdesk (KEFU_TICKETS_WEBHOOK_URL); without it tickets stay local. */
  webhookUrl?: string;
  fetch?: typeof fetch;
  logger?: TicketLogger;
  now?: () => number;
  /** Per webhook call (ms). Default 10 000. */
  webhookTimeoutMs?: number;
  /** Delivery attempts before a ticket job is dead. Default 10 (about 3 minutes of backoff). */
  maxAttempts?: number;
  /**
   * Seals a customer id that is personal data (a phone number, an email) before it is queued or
   * stored; it is opened in memory for the helpdesk, which needs the real id, and for the admin
   * listing. Without it ids are kept as given.
   */
  userIds?: UserIdSealer;
}

export const MAX_SUMMARY_CHARS = 4000;
export const MAX_PAGE_SIZE = 100;

const nonEmpty = z.string().min(1).max(200);
const requestSchema = z.object({
  kind: z.enum(TICKET_KINDS),
  sessionId: nonEmpty,
  userId: nonEmpty.nullable(),
  summary: z.string().min(1).max(MAX_SUMMARY_CHARS),
  idempotencyKey: nonEmpty,
});
const jobSchema = z.object({
  kind: z.enum(TICKET_KINDS),
  session_id: z.string().min(1),
  user_id: z.string().nullable(),
  summary: z.string(),
  created_at: z.iso.datetime(),
  idempotency_key: z.string().min(1),
});

export function createTicketService(options: TicketServiceOptions): TicketService {
  const { queue, store, logger } = options;
  const now = options.now ?? Date.now;
  const webhook = options.webhookUrl === undefined ? null : webhookFrom(options);
  const seal = (userId: string | null): string | null => (userId === null || options.userIds === undefined ? userId : options.userIds.seal(userId));
  const open = (ticket: Ticket): Ticket => (ticket.user_id === null || options.userIds === undefined ? ticket : Object.assign({}, ticket, { user_id: options.userIds.open(ticket.user_id) }));

  async function createTicket(payload: unknown): Promise<void> {
    const parsed = jobSchema.safeParse(payload);
    if (!parsed.success) {
      throw new KefuError('invalid_ticket_job', `ticket.create payload is invalid: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    }
    const { ticket, created } = await store.insert(parsed.data satisfies NewTicket);
    if (created) logger?.info({ ticketId: ticket.id, kind: ticket.kind, sessionId: ticket.session_id }, 'ticket created');
    if (webhook === null || ticket.external_ref !== null) return;
    const externalRef = await postTicketWebhook(open(ticket), webhook);
    if (externalRef !== null) await store.setExternalRef(ticket.id, externalRef);
    logger?.info({ ticketId: ticket.id, externalRef }, 'ticket delivered to the helpdesk');
  }

  return {
    async requestTicket(input) {
      const parsed = requestSchema.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw badRequest('invalid_ticket_request', `${issue?.path.join('.') ?? 'input'}: ${issue?.message ?? 'invalid'}`);
      }
      const r = parsed.data;
      const payload: NewTicket = {
        kind: r.kind,
        session_id: r.sessionId,
        user_id: seal(r.userId),
        summary: r.summary,
        created_at: new Date(now()).toISOString(),
        idempotency_key: r.idempotencyKey,
      };
      const { job, created } = await queue.enqueue(TICKET_CREATE_JOB, payload, {
        idempotencyKey: r.idempotencyKey,
        ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
      });
      return { jobId: job.id, created };
    },

    startWorker(workerOptions = {}) {
      return queue.work(TICKET_CREATE_JOB, (job) => createTicket(job.payload), workerOptions);
    },

    async list(query) {
      if (!Number.isSafeInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE_SIZE) {
        throw badRequest('invalid_limit', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
      }
      const rows = await store.list(Object.assign({}, query, { limit: query.limit + 1 }));
      const tickets = rows.slice(0, query.limit).map(open);
      return { tickets, next: rows.length > query.limit ? (tickets.at(-1)?.id ?? null) : null };
    },

    async get(id) {
      const ticket = await store.get(id);
      return ticket === null ? null : open(ticket);
    },
  };
}

function webhookFrom(options: TicketServiceOptions): TicketWebhook {
  const url = options.webhookUrl ?? '';
  let protocol: string | null = null;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = null;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new KefuError('invalid_config', 'KEFU_TICKETS_WEBHOOK_URL must be an http:// or https:// URL');
  }
  return { url, fetch: options.fetch ?? globalThis.fetch, timeoutMs: options.webhookTimeoutMs ?? 10_000 };
}
