import { KefuError } from '../../errors.ts';
import { partialMask } from './partial-mask.ts';
import { PSEUDONYM_LABELS, type MaskMode, type PiiCandidate, type PiiEntity, type PiiRecognizer, type PiiType } from './pii-types.ts';
import type { PiiVault } from './pii-vault.ts';
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

const RECOGNIZERS: readonly PiiRecognizer[] = [
  idCardRecognizer, phoneRecognizer, landlineRecognizer, bankCardRecognizer, usccRecognizer, emailRecognizer, ipRecognizer,
  passportRecognizer, permitRecognizer, licensePlateRecognizer, personNameRecognizer, addressRecognizer,
];

/** Full-width ASCII (１３８, ｛, ：) to half-width, one UTF-16 unit for one, so offsets stay valid. */
function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (ch) => (ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0)));
}

/** Highest score first, then the longer span; a candidate overlapping one already kept is dropped. */
function resolveOverlaps(candidates: PiiCandidate[]): PiiCandidate[] {
  const ranked = [...candidates].sort((a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: PiiCandidate[] = [];
  for (const c of ranked) {
    if (!kept.some((k) => c.start < k.end && k.start < c.end)) kept.push(c);
  }
  return kept.sort((a, b) => a.start - b.start);
}

export function createPiiEngine(options: { minScore?: number } = {}): PiiEngine {
  const defaultMinScore = options.minScore ?? 0.5;

  const analyze: PiiEngine['analyze'] = (text, opts = {}) => {
    const minScore = opts.minScore ?? defaultMinScore;
    const wanted = opts.types === undefined ? null : new Set(opts.types);
    const normalized = toHalfWidth(text);
    const candidates: PiiCandidate[] = [];
    for (const recognizer of RECOGNIZERS) {
      if (wanted !== null && !recognizer.types.some((t) => wanted.has(t))) continue;
      for (const c of recognizer.find(normalized)) {
        if (c.score >= minScore && (wanted === null || wanted.has(c.type))) candidates.push(c);
      }
    }
    return resolveOverlaps(candidates).map((c) => ({ ...c, score: Math.round(c.score * 100) / 100, text: text.slice(c.start, c.end) }));
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
