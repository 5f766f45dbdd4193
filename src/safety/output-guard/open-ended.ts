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
