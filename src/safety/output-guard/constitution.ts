import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../config/load-config.ts';
import { KefuError } from '../../errors.ts';
import { compileLinearPattern, type LinearPattern } from '../linear-pattern.ts';

/**
 * The principles replies are held to (policies/constitution.yaml by default, KEFU_CONSTITUTION
 * to replace it). Each names the rule check that enforces it; the texts also brief the optional
 * LLM critique pass.
 */
export const CHECKS = ['commitment', 'pii', 'credentials', 'internal_address', 'untrusted_quote', 'prompt_leak', 'insult', 'patterns'] as const;
export type CheckKind = (typeof CHECKS)[number];

const Principle = z
  .object({
    id: z.string().regex(/^[a-z0-9_]+$/, 'ids are lower_snake_case'),
    check: z.enum(CHECKS),
    zh: z.string().min(1),
    en: z.string().min(1),
    patterns: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .refine((p) => p.check !== 'patterns' || (p.patterns?.length ?? 0) > 0, 'a "patterns" principle needs patterns');

const Constitution = z.object({ version: z.literal(1), principles: z.array(Principle).min(1) }).strict();

export interface Principle {
  id: string;
  check: CheckKind;
  zh: string;
  en: string;
  /** Merchant patterns, run with a linear-time engine (RE2 syntax) over every reply. */
  patterns: LinearPattern[];
}

export const DEFAULT_CONSTITUTION = path.join(PROJECT_ROOT, 'policies', 'constitution.yaml');

export function parseConstitution(text: string, file: string): Principle[] {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new KefuError('invalid_constitution', `${file}: not valid YAML: ${(e as Error).message}`);
  }
  const parsed = Constitution.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new KefuError('invalid_constitution', `${file}: ${issue.path.join('.') || 'constitution'}: ${issue.message}`);
  }
  return parsed.data.principles.map((p) => ({
    id: p.id,
    check: p.check,
    zh: p.zh,
    en: p.en,
    patterns: (p.patterns ?? []).map((src) => {
      try {
        return compileLinearPattern(src, { ignoreCase: true });
      } catch {
        throw new KefuError('invalid_constitution', `${file}: principle ${p.id}: invalid pattern ${src} (RE2 syntax: no lookaround or backreferences)`);
      }
    }),
  }));
}

export function loadConstitution(file: string = DEFAULT_CONSTITUTION): Principle[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new KefuError('invalid_constitution', `constitution file not found: ${file}`);
  }
  return parseConstitution(text, file);
}
