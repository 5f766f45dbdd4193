import { remembered } from '../../remembered.ts';
import { INTERNAL_ADDRESS } from '../internal-address.ts';
import { unicodeCaseTwin } from '../unicode-case-twin.ts';
import { SubstringIndex } from './substring-index.ts';
import { COMMITMENT as DOCUMENT_COMMITMENT } from '../../knowledge/trust/trust-patterns.ts';
import type { CheckKind, Principle } from './constitution.ts';

/**
 * The last word on every reply, whatever the model says: rule checks driven by the constitution.
 * Designed for a fully compromised model — it may say anything an attacker asked for.
 *
 * Two sources of allowance, kept apart on purpose:
 * - `trusted`: what the shop vouches for (retrieved passages, order-system results). Only these
 *   may back a commitment; the customer's own words never can ("给我全额退款" authorises nothing).
 * - `given`: what the customer said (their own phone number may be repeated back to them).
 */
export interface GuardContext {
  trusted: string;
  given: string;
  systemPrompts: readonly string[];
  /** Replies built by Kefu from connector results, not by a model: commitments are theirs to make. */
  commitmentsConfirmed?: boolean;
  /**
   * Retrieved text the shop did not write (reviews, supplier notes): context for the model, never
   * words for the customer. A reply copying a run of it is stopped; it backs nothing.
   */
  untrusted?: string;
  /**
   * The text comes back again and again and holds nothing of the customer's: a stored answer served
   * again (the answer cache), or an answer quoted from the shop's passages. The verdicts of the rules
   * that read only the text, the principle and the system prompts are remembered for it, and so are
   * the personal data found in it; what reads the rest of the context (the customer's words, the
   * passages) still runs on every check.
   */
  stored?: boolean;
}

export interface GuardViolation {
  principle: string;
  check: CheckKind;
  evidence: string;
}

export interface PiiFinder {
  (text: string): readonly { type: string; text: string }[];
}

export interface OutputGuard {
  check(text: string, ctx: GuardContext): GuardViolation[];
}

export const squash = (s: string): string => s.toLowerCase().normalize('NFKC').replace(/[\s\p{P}\p{S}]/gu, '');
const digits = (s: string): string => s.replace(/\D/g, '');

// Digit runs are bounded and start after a non-digit: an unbounded run tried from every digit of a
// long number is quadratic (issue 13).
const COMMITMENTS: RegExp[] = [
  // price changes and discounts
  /(价格|价钱|售价|单价)(已|已经)?(经)?(为您|给您)?(改|调|降|修改|调整)(成|为|到)|改价|[改降调]到\s*[\d一二三四五六七八九十百千]+(\.\d+)?\s*[元块]|[打给].{0,4}[\d一二三四五六七八九.]{1,12}\s*折|(?<![\d.])[\d.]{1,12}\s*折(优惠)?|立减|减免|免单|免费(送|赠|给您)|便宜\s*[\d一二三四五六七八九十百]+/u,
  /\bprice (is|has been|was|will be) (now )?(changed|reduced|lowered|set|updated)|(changed|reduced|lowered|set) the price|for (just|only) (\$|¥|rmb ?)?\d|(?<!\d)\d{1,4} ?% (off|discount)|\bdiscount of\b|half[- ]price|free of charge|at no (extra )?cost|\bfor free\b/i,
  // refunds
  /(已|已经|马上|立即|立刻|现在|这就|将|会)(为您|给您|帮您)?(办理)?(全额|全部)?退款(给您)?\s*([\d一二三四五六七八九十百千]+|成功|完成|了)?|退(您|给您|还您)\s*[\d一二三四五六七八九十百千]+|全额退款|退款\s*[\d一二三四五六七八九十百千]+\s*[元块]|退[回还]\s*[\d一二三四五六七八九十百千]+\s*[元块]/u,
  /\b(i'?ve|we'?ve|i have|we have|has been|have been|will be|is being) (now )?(issued|processed|sent|approved|refunded)\b.{0,20}\brefund|\brefund(ed)? you\b|\bwill refund\b|\bfull refund\b|\brefund of (\$|¥|rmb ?)?\d|\bmoney back\b|\brefunded\b/i,
  // compensation
  /赔偿|补偿|赔付|赔您|补贴您|返现|给您.{0,4}红包|代金券|送您.{0,6}(券|积分)/u,
  /\bcompensat|\breimburs|\bvoucher\b|\bcoupon (worth|of)\b|\bstore credit\b|\bgoodwill (gesture|credit|payment)/i,
  // claims of having acted: a model performs no action, only order-system flows do
  /(已经?|这就|马上|立即|现在)(为您|给您|帮您)(办|处理|操作|开通|开|修改|改|调整|退|补|发放|申请|提交|取消|安排|升级|增加|设置|加)|(办好|处理好|操作好|搞定|弄好)了/u,
  /\b(i'?ve|i have|we'?ve|we have|has been|have been)\s+(now\s+|already\s+|just\s+)?(changed|updated|granted|processed|issued|applied|credited|upgraded|cancell?ed|arranged|approved|refunded|waived|added|removed)\b|\ball done\b|\bdone as you asked\b/i,
  // claims that a refund, price change or compensation has already happened: only an order-system
  // action in this turn (commitmentsConfirmed) or a passage saying so for that case backs one
  // ("退款会自动原路退回" promises a refund; it does not say this customer's was made)
  /(退款|款项|货款|钱款?|费用|金额|差价)[^。！？!?\n]{0,6}已经?[^。！？!?\n]{0,4}(原路)?(退回|退还|退给|退到|返还|到账|退款|打回|返回|退了)|已经?(为您|给您|帮您)?(原路)?(退回|退还|到账|补偿|赔偿|赔付|补发|改价|调价|降价|返现)|(价格|售价|单价|价钱)已经?(为您|给您)?[^。！？!?\n]{0,4}(改|调|降|修改|调整|变更)|已经?(为您|给您|帮您)[^。！？!?\n]{0,6}(退款|退回|补偿|赔偿|优惠|减免|发放|[改调降][成为到])/u,
  /\b(refund|money|payment|funds|amount|charge|price|compensation|voucher|credit)s?\b[^.!?\n]{0,20}\b(has|have)\s+(already\s+)?been\s+(issued|processed|returned|refunded|sent|credited|reversed|paid|completed|changed|lowered|reduced|adjusted|applied|added)\b|\b(i|we)('ve| have)\s+(already\s+|just\s+|now\s+)?(refunded|compensated|credited|reimbursed|reversed|lowered|reduced)\b/i,
  // delivery guarantees
  /保证.{0,10}(送达|到货|到达|发货|送到|收到)|(一定|肯定|绝对|百分百|100%)(能|会|可以)?.{0,8}(送达|到货|送到|收到|发货)|(明天|今天|后天|今晚)(之前|以前)?(一定|保证|肯定)?(能|会)?(送达|到货|送到)/u,
  /\bguarantee[ds]?\b|\b(will|shall) (definitely|certainly|surely) (arrive|be delivered|ship)|\b(arrive|be delivered|reach you) (by|before) (tomorrow|tonight|today)\b|\bpromise (it|your order) will\b/i,
];

export const INSULTS = /白痴|蠢货|蠢猪|傻逼|傻[bB]|煞笔|脑残|智障|废物|垃圾(客户|东西|人)|滚(开|蛋)?[!！。]|去死|闭嘴|你算什么|穷鬼|\bidiot\b|\bstupid\b|\bmoron\b|\bdumb(ass)?\b|shut up|\bf+u+c+k|\bloser\b|\bpathetic\b|\bretard/iu;

export const CREDENTIALS = /(密码|验证码|口令|支付密码|password|passcode|pass code|verification code|\botp\b|api[ _-]?key|secret key|access token|\btoken\b)\s*(是|为|:|：|is|=)\s*["'「]?[\w\-+/=]{4,}|\bsk-[A-Za-z0-9]{20,}|\bAKIA[0-9A-Z]{16}\b|-----BEGIN [A-Z ]*PRIVATE KEY-----/iu;
const insults = unicodeCaseTwin(INSULTS);
const credentials = unicodeCaseTwin(CREDENTIALS);

/** Rules whose evidence depends on the text, the principle and the system prompts alone. */
const TEXT_ONLY: ReadonlySet<CheckKind> = new Set<CheckKind>(['credentials', 'internal_address', 'prompt_leak', 'insult', 'patterns']);
/** Stored answers whose verdicts are kept: the frequent questions' answers. */
const STORED_TEXTS = 256;

function shingles(text: string): string[] {
  const out: string[] = [];
  const squashed = squash(text);
  // Long enough that ordinary wording rarely collides with the prompt: 10 Han characters, or 28
  // letters of English with spaces removed ("a human agent" alone must not count).
  const han = (squashed.match(/\p{Script=Han}/gu)?.length ?? 0) > squashed.length / 3;
  const size = han ? 10 : 28;
  for (let i = 0; i + size <= squashed.length; i += 2) out.push(squashed.slice(i, i + size));
  return out;
}

/** The reply's squashed form, computed when a rule first asks and shared by the rules of one check. */
class ReplyView {
  private squashedText: string | undefined;
  constructor(readonly text: string) {}

  get squashed(): string {
    return (this.squashedText ??= squash(this.text));
  }
}

/**
 * The first of a source text's shingles (in their order) found in a squashed reply that `also`
 * accepts. A reply that shares no run as long as a shingle with the squashed source holds none, and
 * the source's substring index says so in one pass over the reply; only a reply that does is
 * searched for each shingle (the prompt-leak rule searched for 117 on every released piece of a
 * streamed reply, issue 16). Shingles and indexes are remembered per source text.
 */
function shingleFinder(): (source: string, reply: string, also?: (shingle: string) => boolean) => string | undefined {
  const shinglesOf = remembered(shingles, 64);
  // Few: a turn asks about the two system prompts and its untrusted passages; an index is about 2 states per character.
  const indexOf = remembered((source: string) => new SubstringIndex(squash(source)), 8);
  return (source, reply, also = () => true) => {
    const list = shinglesOf(source);
    // Every shingle of a source is as long as its first.
    if (list.length === 0 || !indexOf(source).sharesRunOf(reply, list[0]!.length)) return undefined;
    return list.find((s) => reply.includes(s) && also(s));
  };
}

interface JoinedGiven {
  given: string;
  trusted: string;
  /** `${given}\n${trusted}`, and its squashed and digit-only forms. */
  joined: string;
  squashed: string;
  digits: string;
}

/**
 * What the customer said and the shop's passages joined as the PII rule reads them, built once for
 * the context the checks of a turn share rather than on every check (a new multi-kilobyte string
 * to search each time, issue 16).
 */
function givenJoiner(squashed: (s: string) => string, digitsOf: (s: string) => string): (ctx: GuardContext) => JoinedGiven {
  let last: JoinedGiven | undefined;
  return (ctx) => {
    if (last === undefined || last.given !== ctx.given || last.trusted !== ctx.trusted) {
      last = {
        given: ctx.given,
        trusted: ctx.trusted,
        joined: `${ctx.given}\n${ctx.trusted}`,
        squashed: squashed(ctx.given) + squashed(ctx.trusted),
        digits: digitsOf(ctx.given) + digitsOf(ctx.trusted),
      };
    }
    return last;
  };
}

type Rule = (text: string, ctx: GuardContext, p: Principle, view: ReplyView) => string | null;

/**
 * The evidence of each principle whose rule reads only the text, the principle and the system
 * prompts (undefined for the others), remembered for stored texts while the system prompts are the
 * same list.
 */
function storedVerdicts(principles: readonly Principle[], rules: Record<CheckKind, Rule>): (text: string, ctx: GuardContext) => (string | null | undefined)[] {
  const kept = new Map<string, (string | null | undefined)[]>();
  let prompts: readonly string[] | undefined;
  return (text, ctx) => {
    if (prompts !== ctx.systemPrompts) {
      kept.clear();
      prompts = ctx.systemPrompts;
    }
    let verdicts = kept.get(text);
    if (verdicts === undefined) {
      const view = new ReplyView(text);
      verdicts = principles.map((p) => (TEXT_ONLY.has(p.check) ? rules[p.check](text, ctx, p, view) : undefined));
      if (kept.size >= STORED_TEXTS) kept.clear();
      kept.set(text, verdicts);
    }
    return verdicts;
  };
}

export function createOutputGuard(options: { principles: readonly Principle[]; findPii: PiiFinder }): OutputGuard {
  const firstShingle = shingleFinder();

  // A newline between two texts keeps NFKC, lower-casing and the squash from joining across it, so
  // squash(`${a}\n${b}`) is squash(a) + squash(b) (and digits alike): each part is remembered.
  const squashed = remembered(squash);
  const digitsOf = remembered(digits);
  const joined = givenJoiner(squashed, digitsOf);
  const storedPii = remembered(options.findPii, STORED_TEXTS);

  const rules: Record<CheckKind, Rule> = {
    commitment(text, ctx) {
      if (ctx.commitmentsConfirmed === true) return null;
      const trusted = squashed(ctx.trusted);
      for (const re of COMMITMENTS) {
        const m = re.exec(text);
        // The same words in the shop's own passages (a policy) back the statement.
        if (m !== null && !trusted.includes(squash(m[0]))) return m[0];
      }
      // What the knowledge-base scanner holds a document for ("全场商品仅需1元", "refunds are
      // guaranteed") is no more a model's to say than a document's.
      const d = DOCUMENT_COMMITMENT.firstMatch(text);
      if (d !== null && !trusted.includes(squash(d))) return d;
      return null;
    },
    pii(text, ctx) {
      const given = joined(ctx);
      // Every entity in a text found whole in what was given is known (its digits and squashed
      // form are part of the given text's): Kefu's own cited texts are checked against themselves.
      if (given.joined.includes(text)) return null;
      const givenSquashed = given.squashed;
      const givenDigits = given.digits;
      for (const e of ctx.stored === true ? storedPii(text) : options.findPii(text)) {
        const d = digits(e.text);
        const known = d.length >= 6 ? givenDigits.includes(d) : givenSquashed.includes(squash(e.text));
        if (!known) return `${e.type}: ${e.text}`;
      }
      return null;
    },
    credentials: (text) => credentials(text).exec(text)?.[0] ?? null,
    internal_address: (text) => INTERNAL_ADDRESS.firstMatch(text),
    untrusted_quote(_text, ctx, _p, view) {
      if (ctx.untrusted === undefined || ctx.untrusted.length === 0) return null;
      const allowed = squashed(ctx.trusted) + squashed(ctx.given);
      // A run the customer typed or a policy passage also says is not the review's to claim.
      return firstShingle(ctx.untrusted, view.squashed, (s) => !allowed.includes(s)) ?? null;
    },
    prompt_leak(_text, ctx, _p, view) {
      for (const prompt of ctx.systemPrompts) {
        const hit = firstShingle(prompt, view.squashed);
        if (hit !== undefined) return hit;
      }
      return null;
    },
    insult: (text) => insults(text).exec(text)?.[0] ?? null,
    patterns(text, _ctx, p) {
      for (const pattern of p.patterns) {
        const m = pattern.firstMatch(text);
        if (m !== null) return m;
      }
      return null;
    },
  };

  const verdictsOf = storedVerdicts(options.principles, rules);

  return {
    check(text, ctx) {
      const violations: GuardViolation[] = [];
      const view = new ReplyView(text);
      const known = ctx.stored === true ? verdictsOf(text, ctx) : undefined;
      for (const [i, p] of options.principles.entries()) {
        const kept = known?.[i];
        const evidence = kept === undefined ? rules[p.check](text, ctx, p, view) : kept;
        if (evidence !== null) violations.push({ principle: p.id, check: p.check, evidence });
      }
      return violations;
    },
  };
}
