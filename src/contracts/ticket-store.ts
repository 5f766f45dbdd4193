/** Why a ticket was opened. */
export const TICKET_KINDS = ['handoff_after_hours', 'complaint', 'failed_action', 'callback', 'invoice'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

export const TICKET_STATUSES = ['open', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/**
 * A request for a human, as stored locally, shown to admins and POSTed to the merchant's
 * helpdesk. `summary` is PII-masked text; `external_ref` is the helpdesk's id once it answers.
 */
export interface Ticket {
  id: string;
  kind: TicketKind;
  session_id: string;
  user_id: string | null;
  summary: string;
  status: TicketStatus;
  /** ISO 8601, when the ticket was requested (not when a worker got to it). */
  created_at: string;
  idempotency_key: string;
  external_ref: string | null;
}

/** What a worker inserts; the store adds `id`, `status: 'open'` and `external_ref: null`. */
export type NewTicket = Omit<Ticket, 'id' | 'status' | 'external_ref'>;

export interface TicketListQuery {
  status?: TicketStatus;
  /** An integer ≥ 1. */
  limit: number;
  /** Id of the last ticket of the previous page: lists the tickets after it, newest first. */
  before?: string;
}

/**
 * Where tickets live. Inserting is idempotent per `idempotency_key`: a second insert with the same
 * key returns the first ticket and changes nothing, so a retried job never makes two tickets.
 */
export interface TicketStore {
  insert(ticket: NewTicket): Promise<{ ticket: Ticket; created: boolean }>;
  /** Records the helpdesk's id for a ticket; fails with `ticket_not_found` for an unknown id. */
  setExternalRef(id: string, externalRef: string): Promise<Ticket>;
  get(id: string): Promise<Ticket | null>;
  /** Newest first (by `created_at`, then insertion order); `invalid_cursor` for an unknown `before`. */
  list(query: TicketListQuery): Promise<Ticket[]>;
  close(): Promise<void>;
}
