import { isAbort } from '../../dialogue/confirmation.ts';
import type { Decision } from '../../dialogue/dialogue-manager.ts';
import { readDialogueState } from '../../dialogue/dialogue-state.ts';
import { stripPlaceholders } from '../../safety/pii/create-pii-engine.ts';
import { safeTemplate } from '../../safety/input-guard/input-guard.ts';
import { handoffCancelled, waitingNotice } from '../handoff-responder.ts';
import type { StageDeps, Turn, TurnDecision } from '../turn.ts';
import { handOff } from './hand-off.ts';
import { yieldsToKnowledge } from './knowledge-first.ts';

/** The decision before `route`: the knowledge path answers the message as understood. */
export function undecided(turn: Pick<Turn, 'session' | 'text' | 'understanding'>): TurnDecision {
  return {
    route: 'knowledge',
    text: '',
    dialogue: null,
    nlu: turn.understanding.nlu,
    state: readDialogueState(turn.session.conversation.state),
    flow: undefined,
    handoff: false,
    handoffReason: null,
    inputGuard: null,
    asked: turn.text.understood,
    askedQuery: turn.text.query,
    offered: [],
    ticketFiledNow: null,
  };
}

/**
 * Who answers: the person who owns the chat (the bot only gives status notices, none once
 * assigned; a queued customer may call it off), the input guard (an attack never reaches a flow
 * or the model), a flow, or the knowledge path (`answer`). Every route but the last has its text.
 */
export async function route(turn: Turn, deps: StageDeps): Promise<void> {
  const { decision, outcome } = turn;
  const { lang } = decision.nlu;
  // A session this request created under a random id has no handoff yet: nobody else knew its id.
  const open = turn.req.sessionId === undefined ? null : await deps.handoffs.openFor(turn.session.id);
  if (open !== null && !(open.status === 'queued' && isAbort(turn.text.understood))) {
    decision.route = 'agent';
    decision.handoff = true;
    outcome.transferred = true;
    decision.flow = { name: 'handoff', step: open.status };
    const pos = await deps.handoffs.position(open);
    decision.text = open.status === 'queued' ? waitingNotice(lang, pos.position, pos.waitMinutes) : '';
  } else if (open !== null) {
    await deps.handoffs.close(open.id, 'cancelled');
    decision.route = 'agent_cancelled';
    decision.flow = { name: 'handoff', step: 'cancelled' };
    decision.text = handoffCancelled(lang);
  } else if (turn.input.blocked) {
    await routeToGuard(turn, deps);
  } else {
    const chosen = await deps.dialogue.handle(turn.understanding.context, decision.state);
    decision.dialogue = chosen;
    await routeDialogue(turn, deps, chosen);
  }
}

/** A safe answer, or a person when the attack needs one. */
async function routeToGuard(turn: Turn, deps: StageDeps): Promise<void> {
  const { decision } = turn;
  const { verdict } = turn.input;
  const top = verdict.findings[0]!;
  decision.route = 'guard';
  decision.inputGuard = { action: verdict.action, findings: verdict.findings.map((f) => ({ category: f.category, score: Math.round(f.score * 100) / 100 })) };
  deps.metrics.inputGuard.inc({ category: top.category, action: verdict.action });
  turn.reply.answeredBy = 'guard';
  const safe = safeTemplate(top.category, decision.nlu.lang, deps.options.shop);
  decision.text = verdict.action === 'handoff' ? await handOff(turn, deps, 'manipulation', decision.state, `${safe}\n`) : safe;
}

/** The dialogue manager's decision: a person, a flow's reply, or the knowledge path (perhaps a clarified question). */
async function routeDialogue(turn: Turn, deps: StageDeps, chosen: Decision): Promise<void> {
  const { decision, outcome } = turn;
  if (chosen.kind === 'handoff') {
    decision.route = 'flow';
    decision.text = await handOff(turn, deps, chosen.reason, chosen.state);
    return;
  }
  if (await yieldsToKnowledge(turn, deps, chosen)) {
    // The shop's knowledge base answers this question: no menu, no order number asked for.
    const state = Object.assign({}, decision.state, { flow: null });
    decision.dialogue = { kind: 'answer', state };
    decision.state = state;
    return;
  }
  decision.state = chosen.state;
  decision.flow = chosen.flow;
  if (chosen.kind === 'answer') {
    if (chosen.question !== undefined) {
      decision.asked = chosen.question;
      decision.askedQuery = stripPlaceholders(chosen.question);
    }
    if (chosen.intent !== undefined) decision.nlu = Object.assign({}, decision.nlu, { intent: chosen.intent, confidence: 1 });
    return;
  }
  decision.route = 'flow';
  if (chosen.event !== undefined && chosen.flow !== undefined) deps.metrics.flowEvents.inc({ flow: chosen.flow.name, event: chosen.event });
  outcome.resolved = chosen.event === 'completed' || chosen.event === 'ended';
  outcome.answered = chosen.state.flow === null && chosen.state.clarify === undefined;
  if (chosen.flow?.name === 'ticket_offer' && chosen.flow.step === 'done') {
    decision.ticketFiledNow = String(readDialogueState(turn.session.conversation.state).flow?.slots['ticketKind'] ?? 'handoff_after_hours');
  }
  decision.offered = chosen.quickReplies ?? [];
  decision.text = chosen.text;
}
