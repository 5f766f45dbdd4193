import { KefuError } from '../errors.ts';
import type { Ticket } from '../contracts/ticket-store.ts';

export interface TicketWebhook {
  url: string;
  fetch: typeof fetch;
  timeoutMs: number;
}

const RETRYABLE_STATUSES = new Set([408, 425, 429]);
const MAX_DETAIL_CHARS = 200;

/**
 * POSTs a ticket to the merchant's helpdesk with its idempotency key as `Idempotency-Key`, so a
 * retried delivery is recognised there. Returns the helpdesk's `id` for the ticket, if its JSON
 * answer has one. Network failures, timeouts, 5xx, 408, 425 and 429 throw retryable errors; any
 * other non-2xx answer throws a non-retryable one (retrying the same request cannot help).
 * The webhook URL stays out of error messages: it often carries a secret token.
 */
export async function postTicketWebhook(ticket: Ticket, webhook: TicketWebhook): Promise<string | null> {
  let response: Response;
  try {
    response = await webhook.fetch(webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': ticket.idempotency_key },
      body: JSON.stringify(ticket),
      signal: AbortSignal.timeout(webhook.timeoutMs),
    });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new KefuError('ticket_webhook_unreachable', `helpdesk webhook unreachable: ${reason}`, { status: 502, retryable: true, cause });
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    const retryable = response.status >= 500 || RETRYABLE_STATUSES.has(response.status);
    const detail = text.slice(0, MAX_DETAIL_CHARS);
    throw new KefuError(
      retryable ? 'ticket_webhook_failed' : 'ticket_webhook_rejected',
      `helpdesk webhook answered ${response.status}${detail ? `: ${detail}` : ''}`,
      { status: 502, retryable },
    );
  }
  return externalId(text);
}

function externalId(text: string): string | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null || !('id' in body)) return null;
  const { id } = body;
  return (typeof id === 'string' && id.length > 0) || (typeof id === 'number' && Number.isFinite(id)) ? String(id) : null;
}
