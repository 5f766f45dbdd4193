import { pickNonOverlapping } from '../../dialogue/entities/pick-non-overlapping.ts';
import { KefuError } from '../../errors.ts';
import { partialMask } from './partial-mask.ts';
import { PSEUDONYM_LABELS, type MaskMode, type PiiCandidate, type PiiEntity, type PiiRecognizer, type PiiType } from './pii-types.ts';
import { normalizeForScan, originalSpan } from './normalize-for-scan.ts';
import type { PiiVault } from '../../contracts/pii-vault.ts';
import { addressRecognizer } from './recognizers/address.ts';
import { bankCardRecognizer } from './recognizers/bank-card.ts';
import { emailRecognizer } from './recognizers/email.ts';
import { idCardRecognizer } from './recognizers/id-card.ts';
import { ipRecognizer } from './recognizers/ip.ts';
import { landlineRecognizer } from './recognizers/landline.ts';
import { licensePlateRecognizer } from './recognizers/license-plate.ts';
import { personNameRecognizer } from './recognizers/person-name.ts';
import { phoneRecognizer } from './recognizers/phone.ts';
import { passportRecognizer, permitRecognizer } from './recognizers/travel-documents.ts';
import { usccRecognizer } from './recognizers/uscc.ts';

export interface PiiEngine {
  /** Entities sorted by start, never overlapping; those scoring under `minScore` (default 0.5) are dropped. */
  analyze(text: string, options?: { types?: readonly PiiType[]; minScore?: number }): PiiEntity[];
  /** Replaces each entity by its placeholder, a partial mask, or a per-session pseudonym (needs `vault`). */
  mask(text: string, options?: { mode?: MaskMode; vault?: PiiVault; types?: readonly PiiType[] }): { text: string; entities: PiiEntity[] };
}

/** Placeholders; the first four are the ones the NLU already recognises (src/dialogue/entities). */
export const PLACEHOLDERS: Record<PiiType, string> = {
  phone: '[手机号]',
  id_card: '[身份证号]',
  bank_card: '[银行卡号]',
  email: '[邮箱]',
  landline: '[座机]',
  uscc: '[信用代码]',
  ip: '[IP]',
  passport: '[护照号]',
  hk_macau_permit: '[通行证号]',
  license_plate: '[车牌号]',
  person_name: '[姓名]',
  address: '[地址]',
};

// In this order under the scan budget: numbers with checksums first, names and addresses last.
const RECOGNIZERS: readonly PiiRecognizer[] = [
  idCardRecognizer, phoneRecognizer, landlineRecognizer, bankCardRecognizer, usccRecognizer, emailRecognizer, ipRecognizer,
  passportRecognizer, permitRecognizer, licensePlateRecognizer, personNameRecognizer, addressRecognizer,
];

/**
 * Highest score first, then the longer span; a candidate overlapping one already kept is dropped.
 * By binary search over the kept spans, so thousands of candidates in one long message stay cheap.
 */
function resolveOverlaps(candidates: PiiCandidate[]): PiiCandidate[] {
  return pickNonOverlapping(candidates.filter((c) => c.end > c.start), (a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start);
}

/** The default scan budget per text: far above what the linear recognizers need (BENCHMARKS.md, `scan`). */
export const DEFAULT_SCAN_BUDGET_MS = 200;

export interface PiiEngineOptions {
  minScore?: number;
  /**
   * Wall-clock budget for one `analyze` (or `mask`) call. Recognizers run cheapest and most
   * sensitive first (ID, phone, card numbers … names, addresses); once the budget is spent the
   * rest are skipped and what was found so far is masked: a message never holds a core, and the
   * numbers are always looked for. Wall clock rather than CPU time because the process also runs
   * model threads; the default is generous so that a loaded machine does not trip it.
   */
  budgetMs?: number;
  /** Told when a text ran out of budget (the server logs it); the text itself is not passed. */
  onBudgetExceeded?: (info: { chars: number; elapsedMs: number; skipped: readonly PiiType[] }) => void;
  /** For tests. */
  clock?: () => number;
}

export function createPiiEngine(options: PiiEngineOptions = {}): PiiEngine {
  const defaultMinScore = options.minScore ?? 0.5;
  const budgetMs = options.budgetMs ?? DEFAULT_SCAN_BUDGET_MS;
  const clock = options.clock ?? (() => performance.now());

  const analyze: PiiEngine['analyze'] = (text, opts = {}) => {
    const minScore = opts.minScore ?? defaultMinScore;
    const wanted = opts.types === undefined ? null : new Set(opts.types);
    // Recognizers read the normalised text (invisible characters dropped, numerals as digits); spans map back.
    const scan = normalizeForScan(text);
    const candidates: PiiCandidate[] = [];
    const started = clock();
    for (const [i, recognizer] of RECOGNIZERS.entries()) {
      if (wanted !== null && !recognizer.types.some((t) => wanted.has(t))) continue;
      const elapsedMs = clock() - started;
      if (elapsedMs > budgetMs) {
        options.onBudgetExceeded?.({ chars: text.length, elapsedMs, skipped: RECOGNIZERS.slice(i).flatMap((r) => r.types) });
        break;
      }
      for (const c of recognizer.find(scan.text)) {
        if (c.score >= minScore && (wanted === null || wanted.has(c.type))) candidates.push(c);
      }
    }
    return resolveOverlaps(candidates).map((c) => {
      const { start, end } = originalSpan(scan, c.start, c.end);
      return Object.assign({}, c, { start, end, score: Math.round(c.score * 100) / 100, text: text.slice(start, end) });
    });
  };

  const mask: PiiEngine['mask'] = (text, opts = {}) => {
    const mode = opts.mode ?? 'placeholder';
    const vault = opts.vault;
    if (mode === 'pseudonym' && vault === undefined) {
      throw new KefuError('pii_vault_required', 'Pseudonym masking needs a per-session vault (PiiVault)');
    }
    const entities = analyze(text, opts.types === undefined ? {} : { types: opts.types });
    let out = '';
    let at = 0;
    for (const e of entities) {
      const replacement = mode === 'placeholder' ? PLACEHOLDERS[e.type] : mode === 'partial' ? partialMask(e.type, e.text) : vault!.pseudonym(e.type, e.text);
      out += text.slice(at, e.start) + replacement;
      at = e.end;
    }
    return { text: out + text.slice(at), entities };
  };

  return { analyze, mask };
}

const escape = (s: string): string => s.replace(/[[\]]/g, '\\$&');
const MASK_SOURCE = [
  ...Object.values(PLACEHOLDERS).map(escape),
  `\\[(?:${Object.values(PSEUDONYM_LABELS).join('|')})_\\d+\\]`,
].join('|');
const MASK_RE = new RegExp(MASK_SOURCE, 'g');
const HAS_MASK = new RegExp(MASK_SOURCE);

/**
 * What language detection and retrieval should see of a masked message, as `withoutPlaceholders`
 * in basic-pii-masker does for its four placeholders: clauses that carry a placeholder or a
 * pseudonym ("我的手机号是[手机号]", "ship to [ADDRESS_1]") are dropped when anything else is
 * left, since they say who is asking, not what; otherwise just the placeholders go.
 */
export function stripPlaceholders(text: string): string {
  const clauses = text.split(/(?<=[,，。.!?！？;；\n])/);
  const kept = clauses.filter((c) => !HAS_MASK.test(c));
  const rest = kept.some((c) => /[\p{L}\p{N}]/u.test(c)) ? kept.join('') : text;
  return rest.replace(MASK_RE, ' ').replace(/\s{2,}/g, ' ').trim();
}
