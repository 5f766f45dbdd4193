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
    // A figure at the end may still become "8折", "20% off", "200元" with what follows.
    '\\d[\\s.%]*$',
    // English: the first word of a rule (a cut inside a clause keeps the last words back).
    "\\b(?:i'?ve|i have|we'?ve|we have|has|have|will|shall|is being|price|changed|reduced|lowered|set|for|discount|half|free|at no|refund|money|compensat|reimburs|voucher|coupon|store credit|goodwill|all done|done as|guarantee|definitely|certainly|surely|arrive|be delivered|reach you|promise|password|pass ?code|verification|otp|api|secret|access|token|sk-|akia|idiot|stupid|moron|dumb|shut|f+u+c|loser|pathetic|retard)",
  ].join('|'),
  'iu',
);

/** Whether text cut inside a clause could still turn into a violation with the words after it. */
export function mayRunOnInClause(text: string): boolean {
  return OPEN_ENDED.test(text) || RULE_OPENINGS.test(text);
}
