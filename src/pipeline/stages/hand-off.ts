import type { DialogueState, HandoffReason } from '../../dialogue/dialogue-manager.ts';
import { handoffLead, queuedNotice, ticketFiledNotice } from '../handoff-responder.ts';
import type { StageDeps, Turn } from '../turn.ts';

/**
 * Hands the conversation to a person, for the route and for a knowledge miss that needs one:
 * in hours a person is queued; outside them a ticket is offered instead (once per kind). Returns
 * what the customer is told; writes the decision and the outcome.
 */
export async function handOff(turn: Pick<Turn, 'session' | 'text' | 'understanding' | 'decision' | 'outcome'>, deps: StageDeps, reason: HandoffReason, state: DialogueState, prefix = ''): Promise<string> {
  const { decision, outcome } = turn;
  const { lang, intent } = decision.nlu;
  if (deps.businessHours.isOpen(turn.text.now)) {
    const queued = await deps.handoffs.request({ sessionId: turn.session.id, tenant: turn.session.conversation.tenant, reason, summary: `[${intent}] ${turn.text.masked}` });
    deps.metrics.handoffs.inc({ reason, result: 'queued' });
    decision.handoff = true;
    decision.handoffReason = reason;
    outcome.transferred = true;
    decision.state = Object.assign({}, state, { flow: null });
    decision.flow = { name: 'handoff', step: 'queued' };
    return prefix + queuedNotice(reason, lang, queued.position, queued.waitMinutes);
  }
  const ticketKind = reason === 'sensitive_topic' ? 'complaint' : 'handoff_after_hours';
  if (turn.understanding.ticketsFiled.includes(ticketKind)) {
    deps.metrics.handoffs.inc({ reason, result: 'ticket_filed_before' });
    decision.state = Object.assign({}, state, { flow: null });
    outcome.answered = false;
    return prefix + handoffLead(reason, lang) + ticketFiledNotice(deps.businessHours.text, lang);
  }
  deps.metrics.handoffs.inc({ reason, result: 'ticket_offered' });
  const summary = `[${reason}] ${turn.text.masked}`;
  const offer = await deps.dialogue.offerTicket(turn.understanding.context, state, { hours: deps.businessHours.text, summary, ticketKind }, prefix + handoffLead(reason, lang));
  if (offer.kind !== 'reply') throw new Error('ticket offer did not reply');
  decision.state = offer.state;
  decision.flow = offer.flow;
  outcome.answered = false;
  return offer.text;
}
