import type { GuardViolation } from '../../safety/output-guard/output-guard.ts';
import { personLabel } from '../../dialogue/clarify.ts';
import type { StageDeps, Turn } from '../turn.ts';

/** Said instead of a text the output guard stopped, so the customer never meets silence. */
export const safeReply = (lang: 'zh' | 'en'): string =>
  lang === 'zh' ? '抱歉,这个问题我需要请同事确认后再答复您。需要的话,点「转人工客服」我为您转接。' : 'Sorry, I need a colleague to confirm this before I answer. Tap "Talk to a person" if you would like me to connect you.';

/** A text the output guard stopped: its violations are kept, and the safe reply (with a person on offer) is said instead. */
export function replaceStopped(turn: Pick<Turn, 'decision' | 'reply'>, deps: StageDeps, violations: readonly GuardViolation[]): string {
  turn.reply.guardDecisions.push(...violations.map((x) => ({ principle: x.principle, evidence: x.evidence, action: 'replaced' })));
  deps.metrics.fallbacks.inc({ reason: `guard:${violations[0]!.principle}` });
  turn.decision.offered = [personLabel(turn.decision.nlu.lang)];
  return safeReply(turn.decision.nlu.lang);
}
