import { existsSync, readFileSync } from 'node:fs';
import { ATTACK_CATEGORIES, detectLang, isAttackGoal, type AttackGoal } from './attack-goal.ts';

/** One line of an attack corpus: `{"text","category","lang","technique"}`. */
export interface Attack {
  text: string;
  category: AttackGoal;
  lang: 'zh' | 'en';
  technique: string;
  /** The file it came from (the first, when several have it). */
  source: string;
}

export class AttackCorpusError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'AttackCorpusError';
  }
}

/** Parses one corpus; a malformed line throws naming the file and line. `lang` defaults to the text's. */
export function parseAttacks(content: string, file: string): Attack[] {
  const attacks: Attack[] = [];
  content.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new AttackCorpusError(file, i + 1, `not valid JSON (${(e as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AttackCorpusError(file, i + 1, 'expected a JSON object');
    const o = value as Record<string, unknown>;
    if (typeof o.text !== 'string' || o.text.trim() === '') throw new AttackCorpusError(file, i + 1, '"text" must be a non-empty string');
    if (!isAttackGoal(o.category)) throw new AttackCorpusError(file, i + 1, `"category" must be one of ${ATTACK_CATEGORIES.join(', ')}; got ${JSON.stringify(o.category)}`);
    if (o.lang !== undefined && o.lang !== 'zh' && o.lang !== 'en') throw new AttackCorpusError(file, i + 1, `"lang" must be "zh" or "en"; got ${JSON.stringify(o.lang)}`);
    attacks.push({
      text: o.text.trim(),
      category: o.category,
      lang: o.lang === 'zh' || o.lang === 'en' ? o.lang : detectLang(o.text),
      technique: typeof o.technique === 'string' && o.technique.trim() !== '' ? o.technique.trim() : 'unspecified',
      source: file,
    });
  });
  return attacks;
}

/** Reads the corpora that exist (a missing file is skipped) and drops repeated texts. */
export function loadAttacks(files: readonly string[]): { attacks: Attack[]; files: { path: string; count: number }[]; duplicates: number } {
  const seen = new Set<string>();
  const attacks: Attack[] = [];
  const read: { path: string; count: number }[] = [];
  let duplicates = 0;
  for (const file of files) {
    if (!existsSync(file)) continue;
    const parsed = parseAttacks(readFileSync(file, 'utf8'), file);
    read.push({ path: file, count: parsed.length });
    for (const a of parsed) {
      if (seen.has(a.text)) {
        duplicates++;
        continue;
      }
      seen.add(a.text);
      attacks.push(a);
    }
  }
  return { attacks, files: read, duplicates };
}

/** Alternates languages, keeping corpus order within each. */
function interleaveLangs(attacks: readonly Attack[]): Attack[] {
  const zh = attacks.filter((a) => a.lang === 'zh');
  const en = attacks.filter((a) => a.lang === 'en');
  return Array.from({ length: Math.max(zh.length, en.length) }, (_, i) => [zh[i], en[i]]).flat().filter((a): a is Attack => a !== undefined);
}

/**
 * The first `limit` attacks taken round-robin over categories, alternating languages within each
 * (otherwise in corpus order), so a small run still covers every category in both languages.
 */
export function sampleAttacks(attacks: readonly Attack[], limit: number | undefined): Attack[] {
  if (limit === undefined || limit >= attacks.length) return [...attacks];
  const queues = ATTACK_CATEGORIES.map((c) => interleaveLangs(attacks.filter((a) => a.category === c)));
  const out: Attack[] = [];
  for (let i = 0; out.length < limit; i++) {
    let took = false;
    for (const q of queues) {
      const a = q[i];
      if (a === undefined) continue;
      took = true;
      if (out.length < limit) out.push(a);
    }
    if (!took) break;
  }
  return out;
}
