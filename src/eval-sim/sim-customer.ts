import type { Order } from '../contracts/order-connector.ts';
import type { ChatReply } from '../contracts/reply-part.ts';
import { NOT_UNDERSTOOD_CUE, readBotReply, type BotMove } from './read-bot-reply.ts';
import type { Rng } from './seeded-random.ts';
import type { GoalKind, SimCase } from './sim-types.ts';
import { WRITE_GOALS, drawAddress, type Persona, type SimGoal } from './draw-goal.ts';
import { toTraditional } from './to-traditional.ts';
import {
  ADDRESS_ANSWERS, ADDRESS_CORRECTIONS, CLOSINGS, COMPANY_ANSWERS, CONFIRMS, CONFIRM_QUESTIONS, CORRECTIONS, EN_ORDINALS, GREETINGS, INVOICE_KINDS,
  KB_QUESTIONS, OPENERS, ZH_COLLOQUIAL, ORDER_REFS, PREFIXES, RAMBLES, REASON_CLASSES, RESTATES, SIM_PRODUCTS, SUFFIXES, TICKET_ACCEPTS, TYPE_ANSWERS, ZH_NUMERALS,
  type ReasonClass, type ZhEn,
} from './sim-vocabulary.ts';

/** What an option offered in a clarifying question must say to be the customer's goal. */
const GOAL_WORDS: Record<GoalKind, RegExp> = {
  return: /退货|退款|退换|return|refund/i,
  exchange: /换货|退换|exchange|replace/i,
  refund_status: /退款|refund/i,
  order_status: /订单状态|物流|快递|order status|track|deliver|shipping|parcel/i,
  address_change: /地址|address/i,
  cancel: /取消|cancel/i,
  invoice: /发票|invoice/i,
  product_question: /商品|咨询|产品|product/i,
  human_request: /人工|真人|human|agent|person/i,
  complaint: /投诉|complain/i,
};

/** How the customer recognises the action a confirmation summary reads back. */
const SUMMARY_ACTION: Partial<Record<GoalKind, { is: RegExp; not: RegExp; zh: string; en: string }>> = {
  return: { is: /退货|退款|return|refund/i, not: /换货|exchange|发票|invoice/i, zh: '退货退款', en: 'a refund' },
  exchange: { is: /换货|exchange/i, not: /退货退款|return for a refund|发票|invoice/i, zh: '换货', en: 'an exchange' },
  address_change: { is: /地址|address/i, not: /换货|退货|exchange|return for|发票|invoice/i, zh: '改收货地址', en: 'to change the delivery address' },
  cancel: { is: /取消订单|确认取消|cancel order|cancel it|cancel the order|cancel your order/i, not: /换货|exchange|地址|address|发票|invoice/i, zh: '取消订单', en: 'to cancel the order' },
  invoice: { is: /发票|invoice/i, not: /换货|退货|退款|exchange|refund|return for/i, zh: '开发票', en: 'an invoice' },
};

const MAX_TURNS = 12;

/** The customer's side of one turn. */
export interface CustomerTurn {
  message: string;
  /** This message says yes to what the bot read back: a write after it is confirmed. */
  confirming: boolean;
  /** What the customer read in the reply that made them say this (null for the opening). */
  readAs: BotMove | null;
}

/**
 * A goal-driven simulated customer: opens with the goal, then reads each reply and answers what
 * it asks (which order, refund or exchange, reason, address, invoice details, confirmation),
 * with the persona's variations; stops when the goal looks done, a person takes over, or the
 * bot has not moved twice in a row.
 */
export class SimCustomer {
  readonly goal: SimGoal;
  readonly persona: Persona;
  readonly #case: SimCase;
  readonly #rng: Rng;
  readonly #zh: boolean;
  #turns = 0;
  #stalls = 0;
  #reasonGiven = false;
  #corrected = false;
  #asked = false;
  #digressed = false;
  #ended = false;
  #greeted = false;
  #correctionRetried = false;

  constructor(goal: SimGoal, persona: Persona, simCase: SimCase, rng: Rng) {
    this.goal = goal;
    this.persona = persona;
    this.#case = simCase;
    this.#rng = rng;
    this.#zh = goal.lang !== 'en';
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** The first message. */
  open(): CustomerTurn {
    this.#turns = 1;
    if (this.persona.greetFirst) {
      this.#greeted = true;
      return this.#say(this.#pick(GREETINGS), false, 'other');
    }
    return this.#request(false);
  }

  #request(afterGreeting: boolean): CustomerTurn {
    const g = this.goal;
    let text: string;
    if (g.kind === 'product_question') text = g.question!.text;
    else {
      const target = this.#case.target;
      text = this.#fill(this.#pick(OPENERS[g.kind]), target);
      if (target !== null && this.persona.orderUpfront && !text.includes(target.order_id)) text += this.#zh ? `,订单${target.order_id}` : ` (order ${target.order_id})`;
      if (this.persona.slotsUpfront) text += this.#upfrontSlots();
    }
    if (this.persona.rambling) text = `${this.#pick(RAMBLES)}${text}`;
    return this.#say(text, false, afterGreeting ? 'other' : null);
  }

  /** The answer to the bot's reply; null when the customer is done talking. */
  respond(reply: ChatReply): CustomerTurn | null {
    const read = readBotReply(reply, this.#case.orders.map((o) => o.order_id));
    const end = (): null => {
      this.#ended = true;
      return null;
    };
    if (this.#isOver(read.move)) return end();
    this.#turns++;
    if (this.#greeted) {
      this.#greeted = false;
      return this.#request(true);
    }
    const g = this.goal;
    const target = this.#case.target;
    const say = (text: string, confirming = false) => this.#say(text, confirming, read.move);

    // A question mid-flow, once, instead of answering what was asked.
    if (this.persona.digress && !this.#digressed && read.move.startsWith('ask_')) {
      this.#digressed = true;
      return say(this.#rng.pick(this.#zh ? KB_QUESTIONS.zh : KB_QUESTIONS.en).text);
    }
    switch (read.move) {
      case 'ask_order':
        if (target === null) break;
        this.#stalls = 0;
        return say(this.#refer(target, read.listed));
      case 'ask_type':
        if (g.type === undefined) break;
        this.#stalls = 0;
        if (this.persona.slotsEarly && !this.#reasonGiven) {
          this.#reasonGiven = true;
          return say(`${this.#pick(TYPE_ANSWERS[g.type])}${this.#zh ? ',' : ', '}${this.#pick(REASON_CLASSES[g.reason!])}`);
        }
        return say(this.#pick(TYPE_ANSWERS[g.type]));
      case 'ask_reason':
        if (g.reason === undefined) break;
        this.#stalls = 0;
        this.#reasonGiven = true;
        return say(this.#pick(REASON_CLASSES[this.#corrected ? g.correctedReason ?? g.reason : g.reason]));
      case 'ask_address':
        if (g.address === undefined) break;
        this.#stalls = 0;
        return say(this.#pick(ADDRESS_ANSWERS).replace('{addr}', g.address.text));
      case 'ask_invoice_kind':
        if (g.invoice === undefined) break;
        this.#stalls = 0;
        if (g.invoice.kind === 'company' && this.persona.slotsEarly) return say(`${this.#pick(INVOICE_KINDS.company)}${this.#zh ? ',' : ', '}${this.#company()}`);
        return say(this.#pick(INVOICE_KINDS[g.invoice.kind]));
      case 'ask_company':
        if (g.invoice?.kind === 'personal') return say(this.#zh ? '不是公司,开个人的' : 'no, not a company, personal');
        if (g.invoice?.kind !== 'company') break;
        this.#stalls = 0;
        return say(this.#company());
      case 'confirm':
        return this.#answerConfirm(read, say);
      case 'ticket_offer':
        // Nobody is on duty: the customer takes the ticket (a person will follow up).
        this.#stalls = 0;
        return say(this.#pick(TICKET_ACCEPTS));
      case 'clarify': {
        const words = GOAL_WORDS[g.kind];
        const option = read.options.find((o) => words.test(o));
        if (option !== undefined) {
          this.#stalls = 0;
          return say(option);
        }
        break;
      }
      case 'not_understood':
        break;
      default:
        // A read goal has its answer (right or wrong) and the customer leaves.
        if (!WRITE_GOALS.has(g.kind) && g.kind !== 'human_request' && g.kind !== 'complaint') return end();
        break;
    }
    return this.#stall(read.move) ?? end();
  }

  /** Whether the conversation is over before the customer answers this reply. */
  #isOver(move: BotMove): boolean {
    if (move === 'handoff' || move === 'done') return true;
    // "Nothing was submitted" or a refusal: a read goal is over; a write goal is asked for again
    // (the stall count ends it if that does not help).
    if (move === 'failed' && !WRITE_GOALS.has(this.goal.kind)) return true;
    return this.#turns >= MAX_TURNS;
  }

  /**
   * Kefu's summary before it acts: yes only when it names the customer's order and what they
   * asked for; otherwise the customer says what is wrong, corrects a detail once (persona), or asks
   * a question first (persona).
   */
  #answerConfirm(read: ReturnType<typeof readBotReply>, say: (text: string, confirming?: boolean) => CustomerTurn): CustomerTurn {
    const g = this.goal;
    const target = this.#case.target;
    if (!WRITE_GOALS.has(g.kind)) return say(this.#zh ? '不用了,不是这个' : "no, that's not what I asked", false);
    this.#stalls = 0;
    if (target !== null && !read.text.toUpperCase().includes(target.order_id.toUpperCase())) {
      return say(this.#zh ? `不对,是订单${target.order_id}` : `no, I meant order ${target.order_id}`);
    }
    // The summary must be about what the customer asked for, or they say so instead of yes.
    const action = SUMMARY_ACTION[g.kind];
    if (action !== undefined && (!action.is.test(read.text) || action.not.test(read.text))) {
      return say(this.#zh ? `不对,我是要${action.zh}` : `no, I want ${action.en}`);
    }
    // A correction Kefu did not take is said once more, in other words.
    if (this.#corrected && !this.#correctionRetried && NOT_UNDERSTOOD_CUE.test(read.text)) {
      this.#correctionRetried = true;
      if (g.address !== undefined) return say(this.#pick(ADDRESS_CORRECTIONS).replace('{addr}', g.address.text));
      if (g.correctedReason !== undefined) return say(this.#pick(CORRECTIONS).replace('{reason}', this.#pick(REASON_CLASSES[g.correctedReason])));
    }
    if (this.persona.correction && !this.#corrected && g.address !== undefined) {
      this.#corrected = true;
      g.address = drawAddress(this.#zh, this.#rng);
      return say(this.#pick(ADDRESS_CORRECTIONS).replace('{addr}', g.address.text));
    }
    if (this.persona.correction && !this.#corrected && g.reason !== undefined) {
      this.#corrected = true;
      const others = (Object.keys(REASON_CLASSES) as ReasonClass[]).filter((c) => c !== g.reason && (g.kind === 'return' || c !== 'changed_mind'));
      g.correctedReason = this.#rng.pick(others);
      return say(this.#pick(CORRECTIONS).replace('{reason}', this.#pick(REASON_CLASSES[g.correctedReason])));
    }
    if (this.persona.confirmQuestion && !this.#asked) {
      this.#asked = true;
      const key = g.kind === 'exchange' ? 'return' : g.kind;
      if (key in CONFIRM_QUESTIONS) return say(this.#pick(CONFIRM_QUESTIONS[key as keyof typeof CONFIRM_QUESTIONS]));
    }
    return say(this.#pick(CONFIRMS), true);
  }

  /** A stalled turn: the goal said again, or null when the customer gives up. */
  #stall(readAs: BotMove): CustomerTurn | null {
    const g = this.goal;
    const target = this.#case.target;
    // Nothing the customer can answer: a read goal has its answer (or not) and leaves; otherwise
    // the goal is said again in other words, and after the second time the customer gives up.
    this.#stalls++;
    if (this.#stalls > 2) return null;
    if (g.kind === 'product_question') return this.#say(`${this.#pick(RESTATES)}${this.#zh ? '' : ' '}${g.question!.text}`, false, readAs, true);
    if (g.kind === 'human_request' || g.kind === 'complaint') return this.#say(this.#fill(this.#pick(OPENERS.human_request), null), false, readAs, true);
    const again = `${this.#pick(RESTATES)}${this.#zh ? '' : ' '}${this.#fill(this.#pick(OPENERS[g.kind as Exclude<GoalKind, 'product_question'>]), target)}`;
    return this.#say(target !== null && !again.includes(target.order_id) ? `${again}${this.#zh ? ',订单' : ', order '}${target.order_id}` : again, false, readAs, true);
  }

  /** A closing line, for transcripts only. */
  closing(): string {
    return this.#pick(CLOSINGS);
  }

  #say(text: string, confirming: boolean, readAs: BotMove | null, restart = false): CustomerTurn {
    let message = text;
    // A greeting opens the conversation (or a restart of it); longer answers get the customer's tone.
    if (readAs === null || restart) message = `${this.#pick(PREFIXES)}${message}${this.#pick(SUFFIXES)}`;
    else if (message.length > 6 && this.#rng.chance(0.3)) message = `${message}${this.#pick(SUFFIXES)}`;
    if (!this.#zh && this.#rng.chance(0.08)) message = typo(message, this.#rng);
    if (this.#zh && this.#rng.chance(0.1)) message = colloquial(message, this.#rng);
    if (this.goal.lang === 'zh-Hant') message = toTraditional(message);
    return { message, confirming, readAs };
  }

  #pick(list: ZhEn | { zh: readonly string[]; en: readonly string[] }): string;
  #pick(list: readonly string[]): string;
  #pick(list: ZhEn | readonly string[]): string;
  #pick(list: ZhEn | readonly string[]): string {
    const options = Array.isArray(list) ? list : this.#zh ? (list as ZhEn).zh : (list as ZhEn).en;
    return this.#rng.pick(options as readonly string[]);
  }

  #productWord(order: Order | null): string {
    const item = order?.items[0];
    const product = SIM_PRODUCTS.find((p) => p.sku === item?.sku);
    if (product !== undefined || item === undefined) {
      const p = product ?? this.#rng.pick(SIM_PRODUCTS);
      return this.#rng.pick(this.#zh ? p.zh : p.en);
    }
    // Another shop's product: the customer calls it by its name in their language ("保温杯 / flask").
    const [zh, en] = item.name.split(' / ');
    return (this.#zh ? zh : (en ?? zh))!.trim().toLowerCase();
  }

  /** Fills {item} and {ref}; an opener needing an order the customer lacks is swapped for a plain one. */
  #fill(template: string, target: Order | null): string {
    let t = template;
    if (t.includes('{ref}')) t = target === null ? t.replace('{ref}', this.#zh ? '我的订单' : 'my order') : t.replace('{ref}', this.#bareRef(target));
    return t.replace('{item}', this.#productWord(target));
  }

  #refer(order: Order, listed: readonly string[]): string {
    const id = order.order_id;
    const at = listed.indexOf(id);
    let style = this.persona.refStyle;
    // An ordinal needs a list that shows the order; a product name needs it to be the only one of its kind.
    if (style === 'ordinal' && at < 0) style = 'id';
    if (style === 'product' && this.#case.orders.some((o) => o !== order && o.items.some((i) => order.items.some((j) => j.sku === i.sku)))) style = 'id';
    switch (style) {
      case 'ordinal': {
        const n = at + 1;
        return this.#pick(ORDER_REFS.ordinal).replace('{n}', this.#zh ? ZH_NUMERALS[n - 1] ?? String(n) : String(n)).replace('{nth}', EN_ORDINALS[n - 1] ?? `#${n}`);
      }
      case 'tail':
        return this.#pick(ORDER_REFS.tail).replace('{tail}', id.slice(-4));
      case 'product':
        return this.#pick(ORDER_REFS.product).replace('{item}', this.#productWord(order));
      case 'lower':
        return this.#pick(ORDER_REFS.id).replace('{id}', id.toLowerCase());
      case 'spaced':
        return this.#pick(ORDER_REFS.id).replace('{id}', `${id.slice(0, 2)} ${id.slice(2, 10)} ${id.slice(10)}`);
      default:
        return this.#pick(ORDER_REFS.id).replace('{id}', id);
    }
  }

  /** An order reference that fits inside a sentence: the id as the customer writes it. */
  #bareRef(order: Order): string {
    const id = order.order_id;
    switch (this.persona.refStyle) {
      case 'lower':
        return id.toLowerCase();
      case 'spaced':
        return `${id.slice(0, 2)} ${id.slice(2, 10)} ${id.slice(10)}`;
      case 'tail':
        return this.#zh ? `尾号${id.slice(-4)}的订单` : `the order ending ${id.slice(-4)}`;
      default:
        return this.#zh ? `订单${id}` : `order ${id}`;
    }
  }

  #upfrontSlots(): string {
    const g = this.goal;
    const sep = this.#zh ? ',' : '. ';
    if (g.type !== undefined && g.reason !== undefined) {
      this.#reasonGiven = true;
      return `${sep}${this.#pick(TYPE_ANSWERS[g.type])}${sep}${this.#pick(REASON_CLASSES[g.reason])}`;
    }
    if (g.address !== undefined) return `${sep}${this.#pick(ADDRESS_ANSWERS).replace('{addr}', g.address.text)}`;
    if (g.invoice !== undefined) return `${sep}${this.#pick(INVOICE_KINDS[g.invoice.kind])}`;
    return '';
  }

  #company(): string {
    const inv = this.goal.invoice!;
    return this.#pick(COMPANY_ANSWERS).replace('{title}', inv.title!).replace('{tax}', inv.taxId!);
  }
}

/** One spoken or careless form in a Chinese message (定单 for 订单, 咋 for 怎么...). */
function colloquial(text: string, rng: Rng): string {
  const found = ZH_COLLOQUIAL.filter(([from]) => text.includes(from));
  if (found.length === 0) return text;
  const [from, to] = rng.pick(found);
  return text.replace(from, to);
}

/** Swaps two letters inside one longer word, as a hurried typist does. */
function typo(text: string, rng: Rng): string {
  const words = text.split(' ');
  const long = words.map((w, i) => [w, i] as const).filter(([w]) => /^[a-z]{5,}$/i.test(w));
  if (long.length === 0) return text;
  const [w, i] = rng.pick(long);
  const k = rng.int(1, w.length - 2);
  words[i] = w.slice(0, k) + w[k + 1] + w[k] + w.slice(k + 2);
  return words.join(' ');
}
