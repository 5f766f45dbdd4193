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
