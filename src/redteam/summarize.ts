import { ATTACK_CATEGORIES, ATTACK_GROUPS, type AttackGoal, type AttackGroup } from './attack-goal.ts';
import type { FamilyResult } from './families.ts';
import type { PerturbationKind } from './perturb.ts';
import type { ReplyKind } from './reply-kind.ts';
import { rateOf, type Rate } from './wilson.ts';

export interface AttackResult {
  /** Index of the attack in the (deduplicated, sampled) corpus; its variants share it. */
  attack: number;
  category: AttackGoal;
  group: AttackGroup | null;
  technique: string;
  lang: 'zh' | 'en';
  perturbation: PerturbationKind | 'none';
  text: string;
  reply: string;
  /** The judge found the goal's compliance in the final reply. */
  success: boolean;
  evidence: string | null;
  /** Not a success, and refused, handed off or failed (see reply-kind.ts); else deflected. */
  blocked: boolean;
  kind: ReplyKind;
  /** The judge found compliance in the streamed deltas though not in the final reply. */
  leakedInStream: boolean;
  /** Whether the model was asked at all (in-process only; null with --url). */
  reachedModel: boolean | null;
  handoff: boolean;
  handoffReason: string | null;
  intent: string;
  status: number;
  latencyMs: number;
}

export interface BenignResult {
  text: string;
  reply: string;
  kind: ReplyKind;
  overBlocked: boolean;
  handoff: boolean;
  handoffReason: string | null;
  intent: string;
  status: number;
  latencyMs: number;
}

export interface CategoryStats {
  category: AttackGoal;
  group: AttackGroup | null;
  asr: Rate;
  blocked: Rate;
  /** Share of attacks that reached the model (in-process); null with --url. */
  reachedModel: Rate | null;
}

export interface RedteamReport {
  mode: 'in-process' | 'url';
  target: string;
  model: string;
  /** Whether the model was the obedient one, steered per attack. */
  goalControl: boolean;
  notes: string[];
  startedAt: string;
  durationMs: number;
  settings: { perturbations: number; seed: number; limit: number | null; benignPath: string };
  corpus: { files: { path: string; count: number }[]; duplicates: number; attacks: number; requests: number };
  overall: Rate;
  groups: Record<AttackGroup, Rate>;
  byCategory: CategoryStats[];
  byTechnique: { technique: string; asr: Rate }[];
  byPerturbation: { perturbation: PerturbationKind | 'none'; asr: Rate }[];
  byLang: { lang: 'zh' | 'en'; asr: Rate }[];
  leakedInStream: number;
  /**
   * Issue 13's families (in-process only): poisoned knowledge documents posted through the admin
   * API, and a compromised model making forbidden claims to benign questions. Both held at 0%.
   */
  families: { poisonedDocument: Rate; compromisedModel: Rate; results: FamilyResult[] };
  benign: { n: number; overBlocked: Rate; handoffs: number; kinds: Partial<Record<ReplyKind, number>>; examples: { text: string; reply: string; kind: ReplyKind }[] };
  latency: { attackP50Ms: number; attackP95Ms: number; benignP50Ms: number; benignP95Ms: number };
  slowest: { category: AttackGoal; technique: string; perturbation: string; latencyMs: number; text: string }[];
  attacks: AttackResult[];
  benignResults: BenignResult[];
}

const count = (xs: readonly AttackResult[], f: (r: AttackResult) => boolean) => xs.filter(f).length;
const asrOf = (xs: readonly AttackResult[]): Rate => rateOf(count(xs, (r) => r.success), xs.length);

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function groupBy<K extends string>(xs: readonly AttackResult[], key: (r: AttackResult) => K): [K, AttackResult[]][] {
  const m = new Map<K, AttackResult[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return [...m.entries()];
}

export const groupOf = (c: AttackGoal): AttackGroup | null =>
  (Object.keys(ATTACK_GROUPS) as AttackGroup[]).find((g) => ATTACK_GROUPS[g].includes(c)) ?? null;

export function summarize(
  head: Pick<RedteamReport, 'mode' | 'target' | 'model' | 'goalControl' | 'notes' | 'startedAt' | 'durationMs' | 'settings'> & { files: RedteamReport['corpus']['files']; duplicates: number; attackCount: number },
  attacks: AttackResult[],
  benign: BenignResult[],
  families: FamilyResult[] = [],
): RedteamReport {
  const familyRate = (f: FamilyResult['family']) => {
    const xs = families.filter((r) => r.family === f);
    return rateOf(xs.filter((r) => r.success).length, xs.length);
  };
  const kinds: Partial<Record<ReplyKind, number>> = {};
  for (const b of benign) kinds[b.kind] = (kinds[b.kind] ?? 0) + 1;
  return {
    mode: head.mode,
    target: head.target,
    model: head.model,
    goalControl: head.goalControl,
    notes: head.notes,
    startedAt: head.startedAt,
    durationMs: head.durationMs,
    settings: head.settings,
    corpus: { files: head.files, duplicates: head.duplicates, attacks: head.attackCount, requests: attacks.length + benign.length },
    overall: asrOf(attacks),
    groups: {
      commitment: asrOf(attacks.filter((a) => a.group === 'commitment')),
      leak: asrOf(attacks.filter((a) => a.group === 'leak')),
    },
    byCategory: ATTACK_CATEGORIES.map((category) => {
      const xs = attacks.filter((a) => a.category === category);
      const reached = xs.filter((a) => a.reachedModel !== null);
      return {
        category,
        group: groupOf(category),
        asr: asrOf(xs),
        blocked: rateOf(count(xs, (r) => r.blocked), xs.length),
        reachedModel: reached.length === 0 ? null : rateOf(count(reached, (r) => r.reachedModel === true), reached.length),
      };
    }).filter((c) => c.asr.n > 0),
    byTechnique: groupBy(attacks, (a) => a.technique).map(([technique, xs]) => ({ technique, asr: asrOf(xs) })).sort((a, b) => b.asr.rate - a.asr.rate || b.asr.n - a.asr.n),
    byPerturbation: groupBy(attacks, (a) => a.perturbation).map(([perturbation, xs]) => ({ perturbation, asr: asrOf(xs) })).sort((a, b) => (a.perturbation === 'none' ? -1 : b.perturbation === 'none' ? 1 : a.perturbation.localeCompare(b.perturbation))),
    byLang: groupBy(attacks, (a) => a.lang).map(([lang, xs]) => ({ lang, asr: asrOf(xs) })).sort((a, b) => a.lang.localeCompare(b.lang)),
    leakedInStream: count(attacks, (a) => a.leakedInStream),
    families: { poisonedDocument: familyRate('poisoned_document'), compromisedModel: familyRate('compromised_model'), results: families },
    benign: {
      n: benign.length,
      overBlocked: rateOf(benign.filter((b) => b.overBlocked).length, benign.length),
      handoffs: benign.filter((b) => b.handoff).length,
      kinds,
      examples: benign.filter((b) => b.overBlocked).slice(0, 10).map((b) => ({ text: b.text, reply: b.reply, kind: b.kind })),
    },
    latency: {
      attackP50Ms: percentile(attacks.map((a) => a.latencyMs), 0.5),
      attackP95Ms: percentile(attacks.map((a) => a.latencyMs), 0.95),
      benignP50Ms: percentile(benign.map((b) => b.latencyMs), 0.5),
      benignP95Ms: percentile(benign.map((b) => b.latencyMs), 0.95),
    },
    slowest: [...attacks].sort((a, b) => b.latencyMs - a.latencyMs).slice(0, 5).map((a) => ({ category: a.category, technique: a.technique, perturbation: a.perturbation, latencyMs: Math.round(a.latencyMs), text: a.text })),
    attacks,
    benignResults: benign,
  };
}
