import type { Ticket, TicketStatus } from './ticket.ts';

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
