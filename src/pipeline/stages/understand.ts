import type { NluResult } from '../../contracts/nlu.ts';
import type { Emotion } from '../../contracts/reply-part.ts';
import { toSimplified } from '../../dialogue/chinese-script.ts';
import { type Locale, langOf, scriptOf } from '../../dialogue/conversation-locale.ts';
import { readDialogueState } from '../../dialogue/dialogue-state.ts';
import type { FlowContext } from '../../dialogue/flow-types.ts';
import { timeOrderedId } from '../../ids/time-ordered-id.ts';
import { orderMemoryFrom } from '../../dialogue/order-reference/order-memory.ts';
import { attachmentsMeta } from '../../multimodal/attachments-meta.ts';
import type { StageDeps, Turn, Understanding } from '../turn.ts';
import { evictDisputed } from './evict-disputed.ts';

/** Kefu reads Simplified: a Traditional conversation's turns are converted before anything reads them. */
function inLocale(nlu: NluResult, locale: Locale): NluResult {
  const result: NluResult = Object.assign({}, nlu, { lang: langOf(locale) });
  const script = scriptOf(locale);
  if (script === undefined) delete result.script;
  else result.script = script;
  return result;
}

/**
 * Reads the message in its conversation (intent, emotion, entities), and holds the customer's
 * message to be written with the reply (`pending.user`), unless a resend found it stored.
 */
export async function understand(turn: Pick<Turn, 'req' | 'arrivedAt' | 'pending' | 'session' | 'text'>, deps: StageDeps): Promise<Understanding> {
  const { req, session, text } = turn;
  const { conversation, resent, vault } = session;
  const previousEmotion = conversation.state['lastEmotion'] as Emotion | undefined;
  const stored = await deps.sessions.history(session.id, 20);
  // A resent turn's message is already the last one stored: it is the question, not history.
  const turns = resent !== null && stored.at(-1)?.role === 'user' ? stored.slice(0, -1) : stored;
  const history = text.locale === 'zh-Hant' ? turns.map((h) => Object.assign({}, h, { content: toSimplified(h.content) })) : turns;
  const understood = await deps.nlu.understand({
    text: text.understood,
    now: text.now,
    timeZone: deps.timeZone,
    history: history.map((h) => ({ role: h.role === 'user' ? 'user' : 'assistant', content: h.content })),
    ...(previousEmotion === undefined ? {} : { previousEmotion }),
    ...(req.signal === undefined ? {} : { signal: req.signal }),
  });
  const nlu = inLocale(understood, text.locale);
  deps.metrics.intents.inc({ intent: nlu.intent, source: nlu.source });
  const userMessageId = resent?.id ?? timeOrderedId();
  if (resent === null && turns.length > 0) await evictDisputed(deps, session.id, text.understood, nlu);
  // What a picture or recording said is the customer's text too: masked by the same vault.
  const maskText = (t: string): string => deps.pii.engine.mask(t, { mode: 'pseudonym', vault }).text;
  const attachments = resent !== null || req.attachments === undefined ? undefined : await attachmentsMeta(req.attachments, session.id, maskText, deps.retainedFiles ?? null);
  if (resent === null) {
    turn.pending.user = {
      sessionId: session.id,
      id: userMessageId,
      role: 'user',
      content: text.masked,
      at: turn.arrivedAt,
      meta: {
        intent: nlu.intent,
        emotion: nlu.emotion,
        entities: nlu.entities.map((e) => ({ type: e.type, value: e.type === 'phone' || e.type === 'id_card' ? e.text : e.value })),
        ...(req.clientMessageId === undefined ? {} : { clientMessageId: req.clientMessageId }),
        ...(attachments === undefined ? {} : { attachments }),
      },
    };
  }
  return { nlu, history, userMessageId, attachments, context: flowContext(turn, deps, nlu), ticketsFiled: ticketsFiledOf(conversation.state) };
}

function ticketsFiledOf(state: Record<string, unknown>): string[] {
  return Array.isArray(state['ticketsFiled']) ? (state['ticketsFiled'] as string[]) : [];
}

/** What flows read and act through; its order memory is updated by the order resolver during the turn. */
function flowContext(turn: Pick<Turn, 'req' | 'session' | 'text'>, deps: StageDeps, nlu: NluResult): FlowContext {
  const { req, session, text } = turn;
  const userId = session.conversation.userId;
  return {
    lang: nlu.lang,
    text: text.understood,
    nlu,
    sessionId: session.id,
    // The session's customer, fixed when it was created (a different user_id was refused).
    userId,
    now: text.now,
    timeZone: deps.timeZone,
    orders: deps.orders,
    requestTicket: (t) => deps.tickets.request(Object.assign({}, t, { sessionId: session.id, userId })),
    reveal: (t) => session.vault.revealAll(t),
    orderMemory: orderMemoryFrom(readDialogueState(session.conversation.state)),
    ...(req.signal === undefined ? {} : { signal: req.signal }),
  };
}
