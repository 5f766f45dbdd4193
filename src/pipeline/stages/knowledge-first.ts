import type { Decision } from '../../dialogue/dialogue-manager.ts';
import { asksAboutAgentHours, asksAboutHours } from '../../dialogue/asks-for-person.ts';
import { isQuestion } from '../../dialogue/confirmation.ts';
import { mentionsOrder } from '../../dialogue/order-reference/mentions-order.ts';
import { asksToAct } from '../../dialogue/wants-action.ts';
import { isConfidentPassage } from '../../knowledge/confidence.ts';
import type { StageDeps, Turn } from '../turn.ts';

/**
 * The routing rule of docs/dialogue.md ("the shop's knowledge base first"): a question that the
 * shop's own knowledge base answers with a confident passage goes to it, on any shop, unless it
 * asks Kefu to act on the customer's own order. The dialogue manager knows the flows of a retail
 * shop, not this shop's knowledge; on a bike rental "what do you charge if I bring it back late?"
 * reads as a payment problem, a return or a product question, and "can I exchange the bike if it
 * breaks?" as an exchange request. Costs one search, only on the turns where it can matter.
 */
export async function knowledgeAnswers(query: string, deps: Pick<StageDeps, 'kb' | 'options'>): Promise<boolean> {
  const passages = await deps.kb.search(query, deps.options.topK);
  return passages.some((p) => p.trust !== 'untrusted' && isConfidentPassage(p, deps.options.minPassageConfidence));
}

/**
 * Whether the dialogue manager's reply (a clarification menu, or a flow it just started, which
 * asks for an order number) should give way to the knowledge base: a fresh message, outside any
 * flow and any pending clarification, that neither names nor points at one of the customer's
 * orders nor asks for something to be done, and that a confident passage answers (a menu gives
 * way to any such question: its readings are a retail shop's tasks, not this shop's topics).
 */
export async function yieldsToKnowledge(turn: Turn, deps: StageDeps, chosen: Decision): Promise<boolean> {
  if (chosen.kind !== 'reply') return false;
  const before = turn.decision.state;
  if (before.flow !== null || before.clarify !== undefined) return false;
  const menu = chosen.state.clarify !== undefined;
  const started = chosen.event === 'started' && chosen.state.flow !== null;
  if (!menu && !started) return false;
  const ctx = turn.understanding.context;
  const text = turn.text.understood;
  if (mentionsOrder(ctx) || asksToAct(text)) return false;
  // A menu of retail tasks is no answer to a question ("can I pay with a health card?"): the
  // knowledge base answers it, or says it cannot and offers a person.
  if (menu && isQuestion(text)) return true;
  return knowledgeAnswers(turn.decision.askedQuery, deps);
}

/** Readings answered by a built-in line that a real question ("are you open on Mondays?") can get by mistake. */
const SMALL_TALK: ReadonlySet<string> = new Set(['chitchat', 'human_agent']);

/** What a shop's passage on its hours is called, searched when the question's own words miss it ("几点开门" against "营业"). */
const HOURS_TOPIC = { zh: '营业时间', en: 'opening hours' } as const;

/**
 * Whether a built-in reply (the configured hours, small talk) should give way to the shop's
 * passage: "what time do you open?" is the shop's opening hours, which its knowledge base states;
 * when the agents work ("客服几点上班") stays the configured hours, which the handoff obeys. When
 * only the hours topic finds the passage, the knowledge base is searched for that topic.
 */
export async function preferPassage(turn: Pick<Turn, 'decision'>, deps: Pick<StageDeps, 'kb' | 'options'>): Promise<boolean> {
  const { decision } = turn;
  if (asksAboutAgentHours(decision.asked)) return false;
  const hours = asksAboutHours(decision.asked);
  if (!hours && !SMALL_TALK.has(decision.nlu.intent)) return false;
  if (await knowledgeAnswers(decision.askedQuery, deps)) return true;
  const topic = HOURS_TOPIC[decision.nlu.lang];
  if (!hours || !(await knowledgeAnswers(topic, deps))) return false;
  decision.askedQuery = topic;
  return true;
}
