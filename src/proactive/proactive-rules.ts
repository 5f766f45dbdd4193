import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { PROJECT_ROOT } from '../config/load-config.ts';
import { KefuError } from '../errors.ts';

/**
 * Proactive service rules: when a visitor's page events match `when`, the widget opens itself
 * with `message`. Rules live in YAML (policies/proactive.yaml by default, KEFU_PROACTIVE_RULES to
 * replace it) so a merchant changes thresholds and wording without a release.
 */
export const PAGE_EVENT_TYPES = ['page_view', 'dwell', 'cart', 'checkout', 'payment'] as const;
export type PageEventType = (typeof PAGE_EVENT_TYPES)[number];

export const DEFAULT_PROACTIVE_RULES = path.join(PROJECT_ROOT, 'policies', 'proactive.yaml');

/** What the widget reports. `page` is normalised to a path; `dwellMs` is time on the current step. */
export interface PageEvent {
  visitorId: string;
  sessionId?: string;
  type: PageEventType;
  page: string;
  dwellMs?: number;
}

export interface ProactiveRule {
  id: string;
  enabled: boolean;
  when: { types: PageEventType[]; minDwellMs: number; page: string | null };
  message: { zh: string; en: string };
  maxPerVisitorPerDay: number;
}

const Type = z.enum(PAGE_EVENT_TYPES);

const Rule = z
  .object({
    id: z.string().regex(/^[a-z0-9_]+$/, 'ids are lower_snake_case'),
    enabled: z.boolean().optional(),
    when: z
      .object({
        type: z.union([Type, z.array(Type).min(1)]),
        min_dwell_ms: z.number().int().min(0).optional(),
        page: z.string().min(1).startsWith('/', 'page is a path pattern like /checkout*').optional(),
      })
      .strict(),
    message: z.object({ zh: z.string().trim().min(1).max(500), en: z.string().trim().min(1).max(500) }).strict(),
    max_per_visitor_per_day: z.number().int().min(1).max(100).optional(),
  })
  .strict();

const RulesFile = z
  .object({ version: z.literal(1), rules: z.array(Rule) })
  .strict()
  .refine((f) => new Set(f.rules.map((r) => r.id)).size === f.rules.length, 'rule ids must be unique');

export function parseProactiveRules(text: string, file: string): ProactiveRule[] {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new KefuError('invalid_proactive_rules', `${file}: not valid YAML: ${(e as Error).message}`);
  }
  const parsed = RulesFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new KefuError('invalid_proactive_rules', `${file}: ${issue.path.join('.') || 'rules'}: ${issue.message}`);
  }
  return parsed.data.rules.map((r) => ({
    id: r.id,
    enabled: r.enabled ?? true,
    when: { types: typeof r.when.type === 'string' ? [r.when.type] : r.when.type, minDwellMs: r.when.min_dwell_ms ?? 0, page: r.when.page ?? null },
    message: { zh: r.message.zh, en: r.message.en },
    maxPerVisitorPerDay: r.max_per_visitor_per_day ?? 1,
  }));
}

/** Reads a rules file (the shipped policies/proactive.yaml when no path is given). */
export function loadProactiveRules(file: string = DEFAULT_PROACTIVE_RULES): ProactiveRule[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KefuError('invalid_proactive_rules', `Cannot read the proactive rules ${file} (KEFU_PROACTIVE_RULES): ${(e as Error).message}`);
  }
  return parseProactiveRules(text, file);
}

/**
 * The path part of what the widget sent (`location.pathname`, or a full URL from other clients).
 * Query strings and fragments are dropped: they can carry tokens or personal data, and rules
 * match on paths anyway.
 */
export function normalisePage(page: string): string {
  let p = page.trim();
  if (/^https?:\/\//i.test(p)) {
    try {
      p = new URL(p).pathname;
    } catch {
      // Not a URL after all: treated as a path below.
    }
  }
  p = p.replace(/[?#].*$/s, '');
  if (!p.startsWith('/')) p = `/${p}`;
  return p.slice(0, 512);
}

/** `*` matches any run of characters (slashes included); everything else is literal. */
export function pageMatches(pattern: string, page: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(page);
}

export function ruleMatches(rule: ProactiveRule, event: PageEvent): boolean {
  if (!rule.enabled || !rule.when.types.includes(event.type)) return false;
  if ((event.dwellMs ?? 0) < rule.when.minDwellMs) return false;
  return rule.when.page === null || pageMatches(rule.when.page, event.page);
}
