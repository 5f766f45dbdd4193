import { unicodeCaseTwin } from '../unicode-case-twin.ts';

/**
 * Words that open an output-guard rule whose match may run on past a clause mark: the gapped
 * rules in output-guard.ts (`保证.{0,10}送达`, `[打给].{0,4}8折`, `送您.{0,6}券`, `i have issued
 * .{0,20} refund`, `密码：…`). Text that contains one is held until its sentence ends, so the
 * guard judges the whole sentence before any of it is shown, as it did before clause release.
 * Rules without a gap cannot span a clause mark (they would have to match the mark itself), and a
 * figure is whole once a clause mark that is not a separator follows it. Even without this
 * list the words completing a violation would not be shown (every check reads the whole sentence
 * so far); what it saves is a dangling opening such as "我们保证，" before the cited answer. Keep
 * it in step with COMMITMENTS and CREDENTIALS; test/pipeline/clause-release.test.ts splits each
 * gapped rule at a clause mark.
 */
const OPEN_ENDED =
  /保证|一定|肯定|绝对|百分百|100%|打|给您|给你|送您|送你|密码|验证码|口令|\b(?:i'?ve|i have|we'?ve|we have|has been|have been|will be|is being|password|pass ?code|verification code|otp|api[ _-]?key|secret key|access token|token)\b/iu;

/** Whether `text` could still complete into a commitment or credential across a clause mark. */
export function mayRunOn(text: string): boolean {
  return OPEN_ENDED.test(text);
}

/**
 * Inside a clause any rule may be cut in two ("全额" | "退款", "I have" | "refunded"), not only the
 * gapped ones: text cut there is held when it contains the first word of any commitment,
 * credential or insult rule, so the words that would complete one are judged with it.
 */
const RULE_OPENINGS = new RegExp(
  [
    // Chinese: a word that starts a rule, or a character that does when what follows it does
    // ("退款", not "退货"; "送您", not "送货"), or that ends the text so far ("退" and then who knows).
    '已经?(?:为|给|帮|办|全|退|$)|这就|马上|立[即刻减]|现在(?:为|给|帮|办|全|退|$)|[将会](?:为|给|帮|办|全|退|$)|[为给帮]您|全额|全部|退(?:款|您|给|还|回|$)',
    '赔|补(?:偿|贴|$)|返(?:现|$)|红包|代金|送(?:您|你|达|到|$)|免(?:单|费|$)|减(?:免|$)|价[格钱]|售价|单价|改价|折|[改降调](?:到|成|为|$)|便宜',
    '[办处操弄](?:好|理|$)|处理好|操作好|搞定|保证|一定|肯定|绝对|百分百|明天|今天|后天|今晚',
    '密码|验证码|口令|白痴|蠢|傻|煞笔|脑残|智障|废物|垃圾|滚|去死|闭嘴|你算|穷鬼',
    // Claims that money already moved ("费用已原路退回") and the knowledge scanner's new-price rules.
    '款项|货款|钱|费用|金额|差价|已经?(?:原路|到账|补|赔|改|调|降|返)|全场|所有商品|全部商品|全店|一律|统一|现价|仅需|只要|只需|仅售|承诺|必定|无条件',
    // A figure at the end may still become "8折", "20% off", "200元" with what follows.
    '\\d[\\s.%]*$',
    // English: the first word of a rule (a cut inside a clause keeps the last words back).
    "\\b(?:i'?ve|i have|we'?ve|we have|has|have|will|shall|is being|price|changed|reduced|lowered|set|for|discount|half|free|at no|refund|money|compensat|reimburs|voucher|coupon|store credit|goodwill|all done|done as|guarantee|definitely|certainly|surely|arrive|be delivered|reach you|promise|password|pass ?code|verification|otp|api|secret|access|token|sk-|akia|idiot|stupid|moron|dumb|shut|f+u+c|loser|pathetic|retard|localhost|https?:|prices?|all|every)",
  ].join('|'),
  'iu',
);

/** Whether text cut inside a clause could still turn into a violation with the words after it. */
export function mayRunOnInClause(text: string): boolean {
  return OPEN_ENDED.test(text) || RULE_OPENINGS.test(text);
}

/** Any rule opening (exported for the test that holds `firstOpening` to it). */
export const OPENING = new RegExp(`${OPEN_ENDED.source}|${RULE_OPENINGS.source}`, 'giu');
const openingAt = unicodeCaseTwin(OPENING);

/** Where the first rule opening at or after `from` starts in `text`, or -1. */
export function firstOpening(text: string, from: number): number {
  // Asked at every token of a streamed reply: the pattern without `u` where that means the same.
  const opening = openingAt(text);
  opening.lastIndex = from;
  for (let m = opening.exec(text); m !== null; m = opening.exec(text)) {
    if (m.index >= from) return m.index;
    // An empty match cannot happen (every alternative consumes a character); stay safe anyway.
    if (m[0] === '') opening.lastIndex++;
  }
  return -1;
}

/**
 * Words of the rules above that a text may end in the middle of ("全" before "额", "ref" before
 * "und"): the text's last characters are held while they are the start of one of these.
 */
const ZH_WORDS = '已经 这就 马上 立即 立刻 立减 现在 为您 给您 帮您 给你 全额 全部 全场 全店 退款 退您 退给 退还 退回 赔偿 补偿 补贴 返现 红包 代金券 送您 送你 送达 送到 免单 免费 减免 价格 价钱 售价 单价 改价 便宜 办好 办理 处理好 操作好 弄好 搞定 保证 一定 肯定 绝对 百分百 明天 今天 后天 今晚 密码 验证码 口令 白痴 煞笔 脑残 智障 废物 垃圾 去死 闭嘴 你算 穷鬼 款项 货款 钱款 费用 金额 差价 所有商品 全部商品 一律 统一 现价 仅需 只要 只需 仅售 承诺 必定 无条件'.split(' ');
const EN_WORDS = "off i've i have we've we have has have will shall being price prices changed reduced lowered set for discount half free no refund refunded money compensat reimburs voucher coupon store credit goodwill all done guarantee definitely certainly surely arrive delivered reach promise password pass passcode verification otp api secret access token sk- akia idiot stupid moron dumb shut fuck loser pathetic retard localhost http https every".split(' ');
const ZH_PREFIXES = new Set(ZH_WORDS.flatMap((w) => Array.from({ length: w.length - 1 }, (_, i) => w.slice(0, i + 1))));
const EN_PREFIXES = new Set(EN_WORDS.flatMap((w) => Array.from({ length: w.length }, (_, i) => w.slice(0, i + 1))));

/**
 * Where an unfinished rule word at the end of `text` starts (at or after `from`), or -1: a
 * trailing Han character or two that begin a rule word, or a trailing Latin word (letters, ' and -)
 * that begins one, whole or in part ("I" before "have", "ref" before "und").
 */
export function unfinishedOpening(text: string, from: number): number {
  for (let k = 3; k >= 1; k--) {
    const at = text.length - k;
    if (at >= from && ZH_PREFIXES.has(text.slice(at))) return at;
  }
  let i = text.length;
  while (i > from && /[A-Za-z'-]/.test(text[i - 1]!)) i--;
  if (i < text.length && !/[A-Za-z0-9]/.test(text[i - 1] ?? '') && EN_PREFIXES.has(text.slice(i).toLowerCase())) return i;
  return -1;
}
