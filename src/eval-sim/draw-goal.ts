import type { Rng } from './seeded-random.ts';
import type { GoalKind, SimLang } from './sim-types.ts';
import { COMPANIES, EN_ADDRESS_PARTS, EN_RECIPIENTS, KB_QUESTIONS, REASON_CLASSES, ZH_ADDRESS_PARTS, ZH_RECIPIENTS, type KbQuestion, type ReasonClass } from './sim-vocabulary.ts';

/**
 * What each simulated customer wants and how they talk, drawn from the seed before the
 * conversation starts.
 */
/** What this customer wants, fixed before the conversation starts. */
export interface SimGoal {
  kind: GoalKind;
  lang: SimLang;
  /** Return goals. */
  type?: 'refund' | 'exchange';
  reason?: ReasonClass;
  /** The reason after a correction at the confirm step. */
  correctedReason?: ReasonClass;
  /** Address change: what to send, and the part of it that must reach the order system. */
  address?: { text: string; key: string };
  invoice?: { kind: 'personal' | 'company'; title?: string; taxId?: string };
  /** Product question (or the digression asked mid-flow). */
  question?: KbQuestion;
}

/** How this customer talks: the variations the simulator measures Kefu on. */
export interface Persona {
  /** How they point at an order when asked. */
  refStyle: 'id' | 'lower' | 'spaced' | 'tail' | 'product' | 'ordinal';
  /** Names the order in the first message. */
  orderUpfront: boolean;
  /** Gives the details (type, reason, address, invoice kind) in the first message. */
  slotsUpfront: boolean;
  /** Answers "refund or exchange?" with the reason as well. */
  slotsEarly: boolean;
  /** Asks a knowledge-base question in the middle of the flow. */
  digress: boolean;
  /** Asks a question at the confirm step before saying yes. */
  confirmQuestion: boolean;
  /** Changes the reason ("原因改成…") or the address ("不是这个地址,是…") at the confirm step. */
  correction: boolean;
  /** Opens with a run-up story before the request. */
  rambling: boolean;
  /** Says only hello first, and the request after the bot answers. */
  greetFirst: boolean;
}

/** Goals that end in a write (or a ticket) the customer must confirm. */
export const WRITE_GOALS: ReadonlySet<GoalKind> = new Set(['return', 'exchange', 'address_change', 'cancel', 'invoice']);
export function drawGoal(kind: GoalKind, rng: Rng): SimGoal {
  const r = rng.next();
  const lang: SimLang = r < 0.45 ? 'zh-Hans' : r < 0.6 ? 'zh-Hant' : 'en';
  const zh = lang !== 'en';
  const reasons = Object.keys(REASON_CLASSES) as ReasonClass[];
  const goal: SimGoal = { kind, lang };
  if (kind === 'return' || kind === 'exchange') {
    goal.type = kind === 'return' ? 'refund' : 'exchange';
    goal.reason = rng.pick(kind === 'exchange' ? reasons.filter((c) => c !== 'changed_mind') : reasons);
  }
  if (kind === 'address_change') goal.address = drawAddress(zh, rng);
  if (kind === 'invoice') {
    const company = rng.chance(0.35);
    const taxChars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    goal.invoice = company
      ? { kind: 'company', title: rng.pick(zh ? COMPANIES.zh : COMPANIES.en), taxId: `9131${Array.from({ length: 14 }, () => rng.pick([...taxChars])).join('')}` }
      : { kind: 'personal' };
  }
  if (kind === 'product_question') goal.question = rng.pick(zh ? KB_QUESTIONS.zh : KB_QUESTIONS.en);
  return goal;
}

export function drawAddress(zh: boolean, rng: Rng): { text: string; key: string } {
  if (zh) {
    const road = rng.pick(ZH_ADDRESS_PARTS.road);
    const no = `${rng.int(1, 999)} 号`;
    const who = rng.chance(0.4) ? ` ${rng.pick(ZH_RECIPIENTS)} 1${rng.pick(['3', '5', '8'])}${String(rng.int(100000000, 999999999))}` : '';
    return { text: `${rng.pick(ZH_ADDRESS_PARTS.city)}${road} ${no} ${rng.pick(ZH_ADDRESS_PARTS.building)}`.trim() + who, key: `${road}${no}` };
  }
  const street = `${rng.int(2, 480)} ${rng.pick(EN_ADDRESS_PARTS.street)}`;
  const who = rng.chance(0.4) ? `${rng.pick(EN_RECIPIENTS)}, ` : '';
  return { text: `${who}${rng.pick(EN_ADDRESS_PARTS.unit)}${street}, ${rng.pick(EN_ADDRESS_PARTS.city)}`, key: street };
}

export function drawPersona(goal: SimGoal, rng: Rng): Persona {
  const correctable = goal.kind === 'return' || goal.kind === 'exchange' || goal.kind === 'address_change';
  return {
    refStyle: rng.pick(['id', 'id', 'lower', 'spaced', 'tail', 'product', 'product', 'ordinal', 'ordinal'] as const),
    orderUpfront: rng.chance(0.35),
    slotsUpfront: rng.chance(0.3),
    slotsEarly: rng.chance(0.4),
    digress: WRITE_GOALS.has(goal.kind) && rng.chance(0.2),
    confirmQuestion: WRITE_GOALS.has(goal.kind) && goal.kind !== 'invoice' && rng.chance(0.2),
    correction: correctable && rng.chance(0.2),
    rambling: rng.chance(0.15),
    greetFirst: rng.chance(0.12),
  };
}
