import { randomUUID } from 'node:crypto';
import type { Emotion, Intent } from '../contracts/reply-part.ts';
import { asksAboutHours, asksForPerson, noPersonWanted } from './asks-for-person.ts';
import { clarifyLabels, clarifyOptions, clarifyQuestion, pickedOption, type PendingClarification } from './clarify.ts';
import { isAbort, isQuestion, parseConfirmation } from './confirmation.ts';
import { FLOWS } from './flow-catalog.ts';
import { mentionsOrder } from './order-reference/mentions-order.ts';
import { ownOrderFlow } from './order-reference/own-order-flow.ts';
import type { FlowContext, FlowName, FlowSpec, FlowState, Slots } from './flow-types.ts';
import { isSensitive, wantsAction } from './wants-action.ts';

/**
 * The dialogue manager decides, per turn, whether a flow speaks (asks for a slot, reads back a
 * summary, performs a confirmed write), whether the knowledge/LLM path answers (possibly in the
 * middle of a flow, which then resumes), or whether a person should take over.
 *
 * Invariant: a write runs only on a turn that starts at the `confirm` step, i.e. after the
 * summary was shown, and only on an explicit yes in that turn with no correction in it.
 */
export interface DialogueState {
  flow: FlowState | null;
  /** Unanswered turns in a row (no confident passage, or a flow question not understood twice). */
  failedTurns: number;
  /** The order last discussed ("那单", "it" refer to it) and the ids of the list shown last (order-reference/order-memory.ts). */
  focusOrderId?: string;
  shownOrderIds?: string[];
  /** The readings offered for an unclear message, until the customer picks one or says something else. */
  clarify?: PendingClarification;
}

/** The state without a pending clarification: any turn that is not a pick moves on from it. */
function settled(state: DialogueState): DialogueState {
  const next = { ...state };
  delete next.clarify;
  return next;
}

export const emptyDialogueState = (): DialogueState => ({ flow: null, failedTurns: 0 });

export type HandoffReason = 'user_request' | 'anger' | 'sensitive_topic' | 'failed_turns' | 'low_confidence' | 'manipulation';

export type FlowEvent = 'started' | 'completed' | 'cancelled' | 'ended';

export type Decision =
  | { kind: 'reply'; text: string; state: DialogueState; flow?: { name: FlowName; step: string }; event?: FlowEvent; quickReplies?: string[] }
  /**
   * The knowledge/LLM path answers; `resume` is said after the answer to pick the flow up again.
   * After a clarification, `question` and `intent` are the original message and the chosen reading.
   */
  | { kind: 'answer'; state: DialogueState; resume?: string; flow?: { name: FlowName; step: string }; question?: string; intent?: Intent }
  | { kind: 'handoff'; reason: HandoffReason; state: DialogueState };

export interface DialogueManagerOptions {
  /** Anger intensity at or above which a person takes over. */
  angerHandoff: number;
  /** Below this intent confidence, a message with two or three plausible readings is clarified. */
  clarifyBelow?: number;
  flows?: Record<FlowName, FlowSpec>;
}

/** Asking for something outright; "不想要了" (a reason) is not, "帮我取消订单" is. */
const SWITCH = /帮我|给我|我要|我想|麻烦|请帮|help me|\bi want\b|\bi'?d like\b|\bplease\b/i;

const QUESTION = /[?？]\s*$|吗[\s?？。]*$|呢[\s?？。]*$|^(how|what|when|where|why|which|can|could|do|does|is|are|will|would)\b|多少|多久|怎么|如何|哪里|为什么|能不能|可不可以/i;

/** Knowledge intents that can interrupt a flow and be answered before it resumes. */
const DIGRESSIONS = new Set(['product_question', 'price_coupon', 'payment_problem', 'logistics', 'invoice', 'chitchat', 'greeting', 'other', 'return', 'refund', 'exchange']);

function empathy(emotion: Emotion, lang: 'zh' | 'en'): string {
  if (emotion.label === 'neutral' || emotion.label === 'satisfied' || emotion.intensity < 0.4) return '';
  const zh = { anxious: '理解您着急的心情,我马上帮您处理。', dissatisfied: '非常抱歉让您久等了,我来帮您看一下。', angry: '非常抱歉给您带来了不好的体验,我来帮您处理。' } as const;
  const en = { anxious: "I understand it's urgent, let me sort it out right away. ", dissatisfied: "I'm sorry for the wait, let me look into it. ", angry: "I'm really sorry about this experience, let me help. " } as const;
  return (lang === 'zh' ? zh : en)[emotion.label];
}

const t = (ctx: FlowContext, zh: string, en: string) => (ctx.lang === 'zh' ? zh : en);

/** Asking what the shop does or allows (linear: alternation of literals). */
const ASKS_WHAT_IS_POSSIBLE = /一般|通常|政策|规则|流程|可以|可不可以|能不能|能否|支持|是否|吗|\busually\b|\bpolicy\b|\bcan (?:i|you)\b|\bdo you\b|\bis it\b/i;

/** What the dialogue manager's steps share: the flows, the thresholds, the action an intent leads to. */
interface DialogueManagerParts {
  flows: NonNullable<DialogueManagerOptions['flows']>;
  clarifyBelow: number;
  angerHandoff: number;
  actionOf: (intent: Intent) => string;
}

function flowFor(dm: DialogueManagerParts, ctx: FlowContext): FlowSpec | null {
  for (const spec of Object.values(dm.flows)) {
    // A question naming one of their orders ("can you cancel it?", "尾号0017的那单呢") is about that order.
    if (spec.intents.includes(ctx.nlu.intent) && (wantsAction(ctx.nlu, ctx.text) || mentionsOrder(ctx))) return spec;
  }
  return null;
}

function immediateHandoff(dm: DialogueManagerParts, ctx: FlowContext): HandoffReason | null {
  // An explicit request wins over any intent, emotion or flow; "客服几点上班?" asks about agents
  // and does not ask for one (the hours answer it), "不用转人工" declines one.
  if (asksForPerson(ctx.text)) return 'user_request';
  // The classifier's guess alone needs confidence: answers in a flow ("个人", "just me personally",
  // "actually the reason is …") came out human_agent at 0.2-0.56, real requests at 0.99.
  if (ctx.nlu.intent === 'human_agent' && ctx.nlu.confidence >= 0.6 && !noPersonWanted(ctx.text) && !/几点|时间|上班|下班|营业|\bhours\b|\bwhen\b|\bopen\b/i.test(ctx.text)) return 'user_request';
  if (ctx.nlu.emotion.label === 'angry' && ctx.nlu.emotion.intensity >= dm.angerHandoff) return 'anger';
  if (isSensitive(ctx.text.replace(/[A-Z]{2}\d{8,}/gi, ''))) return 'sensitive_topic';
  return null;
}

/** Moves to the first step still missing, or finishes (answer, or summary for confirmation). */
async function advance(dm: DialogueManagerParts, spec: FlowSpec, flow: FlowState, ctx: FlowContext, state: DialogueState, prefix: string, started: boolean): Promise<Decision> {
  for (const step of spec.steps) {
    if (step.done(flow.slots)) continue;
    flow.step = step.id;
    flow.reasks = 0;
    const text = await step.ask(flow.slots, ctx);
    // A flow that moves on is an understood turn: misses before it no longer count toward a handoff.
    return { kind: 'reply', text: prefix + text, state: Object.assign({}, state, { flow, failedTurns: 0 }), flow: { name: spec.name, step: step.id }, ...(started ? { event: 'started' as const } : {}) };
  }
  if (spec.finish.kind === 'answer') {
    const text = await spec.finish.answer(flow.slots, ctx);
    return { kind: 'reply', text: prefix + text, state: Object.assign({}, state, { flow: null, failedTurns: 0 }), flow: { name: spec.name, step: 'answered' }, event: 'completed' };
  }
  flow.step = 'confirm';
  flow.reasks = 0;
  return { kind: 'reply', text: prefix + spec.finish.summary(flow.slots, ctx), state: Object.assign({}, state, { flow, failedTurns: 0 }), flow: { name: spec.name, step: 'confirm' }, ...(started ? { event: 'started' as const } : {}) };
}

async function start(dm: DialogueManagerParts, spec: FlowSpec, ctx: FlowContext, state: DialogueState, slots: Slots = {}, prefix = ''): Promise<Decision> {
  const flow: FlowState = { name: spec.name, step: '', slots: Object.assign({}, spec.start(ctx), slots), reasks: 0, id: randomUUID(), startedAt: ctx.now.getTime() };
  let notes = '';
  // The first message may already answer the first steps ("KF2026... 怎么还没发货").
  for (const step of spec.steps) {
    if (step.done(flow.slots)) continue;
    if (step.freeText === true) break;
    const filled = await step.fill(ctx, flow.slots);
    if (filled?.kind === 'filled') {
      Object.assign(flow.slots, filled.slots);
      notes += filled.note ?? '';
      continue;
    }
    if (filled?.kind === 'reply') {
      if (filled.slots) Object.assign(flow.slots, filled.slots);
      if (filled.end === true) return { kind: 'reply', text: prefix + filled.text, state: Object.assign({}, state, { flow: null }), flow: { name: spec.name, step: 'ended' }, event: 'ended' };
      absorb(dm, spec, flow, ctx, step.id);
      flow.step = step.id;
      return { kind: 'reply', text: prefix + filled.text, state: Object.assign({}, state, { flow }), flow: { name: spec.name, step: step.id }, event: 'started' };
    }
    break;
  }
  absorb(dm, spec, flow, ctx, null);
  return advance(dm, spec, flow, ctx, state, prefix + notes, true);
}

/**
 * Slots the message gives although another step was asked ("第一个,质量问题,退款"): kept
 * without asking. Only steps that can recognise their value unprompted take part, and a slot
 * already known is never overwritten here (that is a correction). True when anything was kept.
 */
function absorb(dm: DialogueManagerParts, spec: FlowSpec, flow: FlowState, ctx: FlowContext, asked: string | null): boolean {
  let kept = false;
  for (const step of spec.steps) {
    if (step.id === asked || step.extract === undefined || step.done(flow.slots)) continue;
    const found = step.extract(ctx, flow.slots);
    if (found === null) continue;
    for (const [k, v] of Object.entries(found)) {
      if (v === undefined || flow.slots[k] !== undefined) continue;
      flow.slots[k] = v;
      kept = true;
    }
  }
  return kept;
}

/** Applies every correction the message makes; true when a slot changed, or why one cannot. */
async function applyCorrections(dm: DialogueManagerParts, spec: FlowSpec, flow: FlowState, ctx: FlowContext): Promise<boolean | { refused: string }> {
  let corrected = false;
  for (const step of spec.steps) {
    if (step.correct === undefined || !step.done(flow.slots)) continue;
    const update = await step.correct(ctx, flow.slots);
    if (update === null) continue;
    if ('refused' in update && typeof update['refused'] === 'string') return { refused: update['refused'] };
    for (const dep of step.dependents ?? []) delete flow.slots[dep];
    Object.assign(flow.slots, update);
    for (const [k, v] of Object.entries(flow.slots)) if (v === undefined) delete flow.slots[k];
    corrected = true;
  }
  return corrected;
}

async function digression(dm: DialogueManagerParts, spec: FlowSpec, flow: FlowState, ctx: FlowContext, state: DialogueState, resume: string): Promise<Decision | null> {
  const back = t(ctx, `\n\n我们继续刚才的事:${resume}`, `\n\nBack to where we were: ${resume}`);
  // "等等,我那个订单到哪了?" mid-return: a read-only flow that answers at once runs inline.
  const other = flowFor(dm, ctx);
  if (other !== null && other.name !== spec.name && other.finish.kind === 'answer') {
    const inline = await start(dm, other, ctx, Object.assign({}, state, { flow: null }));
    if (inline.kind === 'reply' && inline.event === 'completed') {
      return { kind: 'reply', text: inline.text + back, state: Object.assign({}, state, { flow }), flow: { name: spec.name, step: flow.step } };
    }
  }
  const asks = QUESTION.test(ctx.text) || (flow.step === 'confirm' && isQuestion(ctx.text)) || (DIGRESSIONS.has(ctx.nlu.intent) && ctx.nlu.intent !== 'other' && ctx.nlu.confidence >= 0.6 && !spec.intents.includes(ctx.nlu.intent));
  if (!asks) return null;
  return { kind: 'answer', state: Object.assign({}, state, { flow }), resume: back, flow: { name: spec.name, step: flow.step } };
}

async function reask(dm: DialogueManagerParts, spec: FlowSpec, flow: FlowState, ctx: FlowContext, state: DialogueState, question: string): Promise<Decision> {
  flow.reasks += 1;
  // Two misunderstood answers in a row are a failed turn for the handoff rule.
  const failedTurns = flow.reasks >= 2 ? state.failedTurns + 1 : state.failedTurns;
  if (failedTurns >= 2) return { kind: 'handoff', reason: 'failed_turns', state: { flow: null, failedTurns: 0 } };
  const text = t(ctx, `抱歉,我没太明白。${question}`, `Sorry, I didn't quite get that. ${question}`);
  return { kind: 'reply', text, state: Object.assign({}, state, { flow, failedTurns }), flow: { name: spec.name, step: flow.step } };
}

async function continueFlow(dm: DialogueManagerParts, spec: FlowSpec, flow: FlowState, ctx: FlowContext, state: DialogueState): Promise<Decision> {
  const atConfirm = flow.step === 'confirm';
  // A plain "no" at the confirmation is an answer, not an abort; both end the flow unwritten.
  // So is "changed my mind" / "不要了" when asked for the reason: the step recognises it.
  const current = spec.steps.find((s) => s.id === flow.step);
  const answersStep = current?.extract !== undefined && current.extract(ctx, flow.slots) !== null;
  if (isAbort(ctx.text) && !answersStep && !(atConfirm && parseConfirmation(ctx.text) === 'no')) {
    return { kind: 'reply', text: t(ctx, '好的,已取消,没有提交任何操作。还有什么可以帮您?', "OK, I've stopped there and nothing was submitted. Anything else I can help with?"), state: Object.assign({}, state, { flow: null }), flow: { name: spec.name, step: 'cancelled' }, event: 'cancelled' };
  }
  const corrected = await applyCorrections(dm, spec, flow, ctx);
  if (typeof corrected === 'object') {
    // The change is not possible for this order: say why, then the pending question again.
    const again = atConfirm && spec.finish.kind === 'confirm' ? spec.finish.summary(flow.slots, ctx) : await (spec.steps.find((s) => s.id === flow.step)?.ask(flow.slots, ctx) ?? '');
    return { kind: 'reply', text: `${corrected.refused}\n${again}`, state: Object.assign({}, state, { flow }), flow: { name: spec.name, step: flow.step } };
  }
  if (corrected) {
    // "退钱吧,颜色和图片差太多": the correction and the pending answer in one message.
    absorb(dm, spec, flow, ctx, null);
    return advance(dm, spec, flow, ctx, state, t(ctx, '好的,已更新。', 'OK, updated. '), false);
  }

  if (atConfirm && spec.finish.kind === 'confirm') {
    const answer = parseConfirmation(ctx.text);
    if (answer === 'yes') {
      const text = await spec.finish.execute(flow.slots, ctx, flow.id);
      return { kind: 'reply', text, state: Object.assign({}, state, { flow: null, failedTurns: 0 }), flow: { name: spec.name, step: 'done' }, event: 'completed' };
    }
    if (answer === 'no') {
      return { kind: 'reply', text: t(ctx, '好的,没有提交。如需修改可以直接告诉我要改什么,或者重新发起。', "OK, nothing was submitted. Tell me what to change, or start again any time."), state: Object.assign({}, state, { flow: null }), flow: { name: spec.name, step: 'cancelled' }, event: 'cancelled' };
    }
    // A question here ("取消了钱多久能退回来?") is answered, then the summary is read again.
    const summary = spec.finish.summary(flow.slots, ctx);
    return (await digression(dm, spec, flow, ctx, state, summary)) ?? reask(dm, spec, flow, ctx, state, summary);
  }

  const step = spec.steps.find((s) => s.id === flow.step);
  if (step === undefined) return advance(dm, spec, flow, ctx, state, '', false);
  const other = flowFor(dm, ctx);
  // Another task asked for outright ("帮我取消订单吧"): switch to it, the old one is dropped.
  if (other !== null && other.name !== spec.name && other.finish.kind === 'confirm' && ctx.nlu.confidence >= 0.6 && SWITCH.test(ctx.text)) {
    return start(dm, other, ctx, state, {}, t(ctx, '好的,先处理这个。', "Sure, let's do that instead. "));
  }
  const filled = await step.fill(ctx, flow.slots);
  if (filled?.kind === 'filled') {
    Object.assign(flow.slots, filled.slots);
    for (const [k, v] of Object.entries(flow.slots)) if (v === undefined) delete flow.slots[k];
    absorb(dm, spec, flow, ctx, step.id);
    return advance(dm, spec, flow, ctx, state, filled.note ?? '', false);
  }
  if (filled?.kind === 'reply') {
    if (filled.slots) Object.assign(flow.slots, filled.slots);
    if (filled.end !== true) absorb(dm, spec, flow, ctx, step.id);
    if (filled.end === true) return { kind: 'reply', text: filled.text, state: Object.assign({}, state, { flow: null }), flow: { name: spec.name, step: 'ended' }, event: 'ended' };
    return { kind: 'reply', text: filled.text, state: Object.assign({}, state, { flow }), flow: { name: spec.name, step: flow.step } };
  }
  // Not an answer to this step but another task by its name alone ("改地址"): switch too.
  if (other !== null && other.name !== spec.name && other.finish.kind === 'confirm' && ctx.nlu.confidence >= 0.8) {
    return start(dm, other, ctx, state, {}, t(ctx, '好的,先处理这个。', "Sure, let's do that instead. "));
  }
  const question = await step.ask(flow.slots, ctx);
  // Not this step's answer but another slot's ("质量有问题" when asked refund or exchange): kept,
  // and this step asked again without calling it a misunderstanding.
  if (!QUESTION.test(ctx.text) && absorb(dm, spec, flow, ctx, step.id)) {
    return step.done(flow.slots) ? advance(dm, spec, flow, ctx, state, t(ctx, '好的,记下了。', 'Got it. '), false) : { kind: 'reply', text: t(ctx, `好的,记下了。${question}`, `Got it. ${question}`), state: Object.assign({}, state, { flow }), flow: { name: spec.name, step: flow.step } };
  }
  return (await digression(dm, spec, flow, ctx, state, question)) ?? reask(dm, spec, flow, ctx, state, question);
}

/** The customer chose a reading: act on the message that was unclear, read that way. */
async function resolveClarification(dm: DialogueManagerParts, intent: Intent, pending: PendingClarification, ctx: FlowContext, state: DialogueState): Promise<Decision> {
  if (intent === 'human_agent') return { kind: 'handoff', reason: 'user_request', state: Object.assign({}, state, { flow: null }) };
  const original: FlowContext = Object.assign({}, ctx, { text: pending.text, nlu: Object.assign({}, ctx.nlu, { intent, confidence: 1, entities: pending.entities, candidates: [] }) });
  const spec = Object.values(dm.flows).find((f) => f.intents.includes(intent));
  if (spec !== undefined) return start(dm, spec, original, Object.assign({}, state, { failedTurns: 0 }));
  return { kind: 'answer', state, question: pending.text, intent };
}

export function createDialogueManager(options: DialogueManagerOptions) {
  const flows = options.flows ?? FLOWS;
  const clarifyBelow = options.clarifyBelow ?? 0.5;
  /** What Kefu does for an intent: the flow it starts, or the intent itself for the knowledge path. */
  const actionOf = (intent: Intent): string => Object.values(flows).find((f) => f.intents.includes(intent))?.name ?? intent;
  const dm: DialogueManagerParts = { flows, clarifyBelow, angerHandoff: options.angerHandoff, actionOf };
  return {
    async handle(ctx: FlowContext, current: DialogueState): Promise<Decision> {
      const pending = current.clarify;
      const state = settled(current);
      const handoff = immediateHandoff(dm, ctx);
      if (handoff !== null) return { kind: 'handoff', reason: handoff, state: Object.assign({}, state, { flow: null }) };
      const flow = state.flow;
      if (flow !== null) {
        const spec = dm.flows[flow.name];
        return continueFlow(dm, spec, Object.assign({}, flow, { slots: { ...flow.slots } }), ctx, state);
      }
      if (pending !== undefined) {
        const picked = pickedOption(ctx.text, pending);
        if (picked !== null) return resolveClarification(dm, picked, pending, ctx, state);
      }
      // About one of their orders in a way the intent cannot tell ("SO7X2K9M4P1Q0003", "耳机签收了吗", "那个耳机呢").
      const ownFlow = await ownOrderFlow(ctx, (intent) => Object.values(dm.flows).find((f) => f.intents.includes(intent))?.name ?? null);
      if (ownFlow !== null) return start(dm, dm.flows[ownFlow], ctx, state, {}, empathy(ctx.nlu.emotion, ctx.lang));
      // "那你们几点上班?": the pipeline answers with the configured hours.
      if (asksAboutHours(ctx.text)) return { kind: 'answer', state };
      const unclear = clarifyOptions(ctx.nlu, dm.clarifyBelow, dm.actionOf);
      if (unclear !== null) {
        // Unclear again right after a clarification: a person understands it better than a third guess.
        if (pending !== undefined) return { kind: 'handoff', reason: 'failed_turns', state: Object.assign({}, state, { failedTurns: 0 }) };
        return { kind: 'reply', text: clarifyQuestion(unclear, ctx.lang), state: Object.assign({}, state, { clarify: { text: ctx.text, entities: ctx.nlu.entities, options: unclear } }), quickReplies: clarifyLabels(unclear, ctx.lang) };
      }
      const spec = flowFor(dm, ctx);
      if (spec !== null) return start(dm, spec, ctx, state, {}, empathy(ctx.nlu.emotion, ctx.lang));
      return { kind: 'answer', state };
    },

    /**
     * A known customer's question about their orders that the knowledge base could not answer
     * ("包裹好几天都没动静了", "订单一直显示待处理是咋回事") is shown their orders rather than "no
     * answer". A refund question is shown the orders' state, never a new refund request: that
     * still needs the customer to ask for one.
     */
    async startWhenUnanswered(ctx: FlowContext, state: DialogueState): Promise<Decision | null> {
      if (ctx.userId === null || state.flow !== null || state.clarify !== undefined || ctx.nlu.confidence < 0.6) return null;
      // "可以寄到香港吗", "退款一般几天到账": a question about what is possible, not about their orders.
      if (ASKS_WHAT_IS_POSSIBLE.test(ctx.text)) return null;
      const intent: Intent = ctx.nlu.intent === 'refund' ? 'order_status' : ctx.nlu.intent;
      const spec = Object.values(dm.flows).find((f) => f.intents.includes(intent));
      if (spec === undefined) return null;
      return start(dm, spec, ctx, state, {}, empathy(ctx.nlu.emotion, ctx.lang));
    },

    /** After the knowledge/LLM path answered: count unanswered turns; two in a row go to a person. */
    afterAnswer(state: DialogueState, result: { confident: boolean; factual: boolean }): { state: DialogueState; handoff: HandoffReason | null } {
      if (result.confident) return { state: Object.assign({}, state, { failedTurns: 0 }), handoff: null };
      const failedTurns = state.failedTurns + 1;
      if (failedTurns >= 2) return { state: Object.assign({}, state, { flow: null, failedTurns: 0 }), handoff: 'failed_turns' };
      // One miss, factual or not, is not a transfer: the reply offers a person and the customer decides.
      return { state: Object.assign({}, state, { failedTurns }), handoff: null };
    },

    /** Outside business hours: offer a ticket instead of a person. */
    offerTicket(ctx: FlowContext, state: DialogueState, slots: { hours: string; summary: string; ticketKind: string }, prefix = ''): Promise<Decision> {
      return start(dm, dm.flows.ticket_offer, ctx, state, slots, prefix);
    },

    empathy: (emotion: Emotion, lang: 'zh' | 'en') => empathy(emotion, lang),
  };
}

export type DialogueManager = ReturnType<typeof createDialogueManager>;
