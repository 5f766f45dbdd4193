/**
 * The input guard: inspects each customer message before anything reaches the model and decides
 * whether to let it through, answer with a fixed safe template, or hand off to a human.
 *
 * Design assumption: the model obeys whatever reaches it. A message that tries to change its
 * instructions, turn it into another persona, read out its prompt, borrow staff authority, get
 * other customers' data, set a price or script a promise, get help with fraud, or abuse staff is
 * therefore stopped here, and the customer gets a reply that does not depend on the model.
 * Retrieved passages and reviews are a second way in; `fenceContext` quotes them as data.
 *
 * Detection, per message:
 * 1. `deobfuscate`: tag characters, zero-width and bidi controls, NFKC (full-width), encoded
 *    segments (base64 / hex / URL, ≥ 16 chars, decoded and appended), homoglyphs, leetspeak,
 *    letter spacing, near-homophones, pinyin and misspellings of key words.
 * 2. Each category's weighted zh/en patterns (`rules/`) scored as a noisy-OR in [0, 1].
 * 3. With `history` (earlier customer turns, oldest first): an attack split across the previous
 *    turn and this one, a trigger or appeal to an earlier setup turn (`follow-up.ts`), and
 *    repeated insults.
 *
 * Decision policy: every category scoring ≥ threshold (0.5 by default) is acted on, by the
 * table below; the strongest action over all of them wins (handoff > template > allow).
 *
 * | category                  | action   | becomes handoff when                                      |
 * |---------------------------|----------|-----------------------------------------------------------|
 * | insult                    | template | an earlier turn in `history` was an insult too            |
 * | impersonation             | template | combined with a request that needs authority (a price,     |
 * |                           |          | refund, access or data request, or another finding)       |
 * | price_manipulation        | template |                                                           |
 * | fraud                     | template |                                                           |
 * | other_customer_data       | template |                                                           |
 * | system_prompt_extraction  | template |                                                           |
 * | prompt_injection          | template |                                                           |
 * | jailbreak                 | template |                                                           |
 */
import { deobfuscate, type InspectedText } from './deobfuscate.ts';
import { carriedOver, type EarlierTurn } from './follow-up.ts';
import { AUTHORITY_REQUEST } from './rules/authority-request.ts';
import { RULES } from './rules/index.ts';
import { scoreAcross, scoreRules, type Scored } from './score.ts';
import { ATTACK_CATEGORIES, type AttackCategory, type GuardFinding, type InputVerdict } from './types.ts';

export type { AttackCategory, GuardFinding, InputVerdict } from './types.ts';
export { ATTACK_CATEGORIES } from './types.ts';
export { safeTemplate } from './safe-template.ts';

type Action = InputVerdict['action'];

export interface PolicyRow {
  action: Exclude<Action, 'allow'>;
  /** When the action becomes a handoff instead. */
  handoffWhen?: 'repeated_in_history' | 'needs_authority';
}

/** The decision table; change the policy here. */
export const DECISION_POLICY: Readonly<Record<AttackCategory, PolicyRow>> = {
  insult: { action: 'template', handoffWhen: 'repeated_in_history' },
  impersonation: { action: 'template', handoffWhen: 'needs_authority' },
  price_manipulation: { action: 'template' },
  fraud: { action: 'template' },
  other_customer_data: { action: 'template' },
  system_prompt_extraction: { action: 'template' },
  prompt_injection: { action: 'template' },
  jailbreak: { action: 'template' },
};

/** Findings are reported from this score (or the threshold, if lower). */
const FINDING_FLOOR = 0.5;
/** Earlier turns looked at. */
const MAX_HISTORY = 6;
const RANK: Record<Action, number> = { allow: 0, template: 1, handoff: 2 };

interface Analysis {
  view: InspectedText;
  scores: Record<AttackCategory, Scored>;
  needsAuthority: boolean;
}

function analyse(text: string): Analysis {
  const view = deobfuscate(text);
  const scores = {} as Record<AttackCategory, Scored>;
  for (const c of ATTACK_CATEGORIES) scores[c] = scoreRules(RULES[c], view);
  return { view, scores, needsAuthority: scoreRules(AUTHORITY_REQUEST, view).score > 0 };
}

function orCombine(a: Scored, b: Scored): Scored {
  if (b.score <= 0) return a;
  const score = Math.round((1 - (1 - a.score) * (1 - b.score)) * 1000) / 1000;
  return { score, evidence: b.score > a.score ? b.evidence : a.evidence };
}

export function createInputGuard(options: { threshold?: number } = {}): {
  inspect(text: string, context?: { history?: readonly string[] }): InputVerdict;
} {
  const threshold = options.threshold ?? 0.5;
  const floor = Math.min(FINDING_FLOOR, threshold);
  // History turns come back on every call; analysing each once keeps a turn under a millisecond.
  // The message itself goes through the same cache: it is the next turn's history, and a
  // common question arrives word for word from many customers. Analyses are read-only.
  const cache = new Map<string, Analysis>();
  const cached = (text: string): Analysis => {
    let a = cache.get(text);
    if (!a) {
      a = analyse(text);
      if (cache.size >= 512) cache.delete(cache.keys().next().value!);
      cache.set(text, a);
    }
    return a;
  };

  return {
    inspect(text, context = {}) {
      const current = cached(text);
      const scores = { ...current.scores };
      const history = (context.history ?? []).slice(-MAX_HISTORY);
      const earlier = history.map((raw) => ({ raw, ...cached(raw) }));

      const previous = earlier.at(-1);
      if (previous) {
        const joined = { text: `${previous.view.text}\n${current.view.text}`, compact: previous.view.compact + current.view.compact };
        const offsets = { text: previous.view.text.length + 1, compact: previous.view.compact.length };
        for (const c of ATTACK_CATEGORIES) scores[c] = orCombine(scores[c], scoreAcross(RULES[c], joined, offsets));
      }
      const turns: EarlierTurn[] = earlier;
      for (const [c, s] of carriedOver(turns, { text: current.view.text, needsAuthority: current.needsAuthority }, threshold)) {
        scores[c] = orCombine(scores[c], s);
      }

      const findings: GuardFinding[] = ATTACK_CATEGORIES
        .filter((c) => scores[c].score >= floor)
        .map((c) => ({ category: c, score: Math.min(1, scores[c].score), evidence: scores[c].evidence }))
        .sort((a, b) => b.score - a.score);

      const acted = findings.filter((f) => f.score >= threshold);
      const insultedBefore = earlier.some((t) => t.scores.insult.score >= threshold);
      const needsAuthority = current.needsAuthority || acted.some((f) => f.category !== 'impersonation' && f.category !== 'insult');
      let action: Action = 'allow';
      for (const f of acted) {
        const row = DECISION_POLICY[f.category];
        const escalate = (row.handoffWhen === 'repeated_in_history' && insultedBefore) || (row.handoffWhen === 'needs_authority' && needsAuthority);
        const a: Action = escalate ? 'handoff' : row.action;
        if (RANK[a] > RANK[action]) action = a;
      }
      return { action, findings, normalized: current.view.text };
    },
  };
}
