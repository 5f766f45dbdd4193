import type { Intent } from '../../contracts/reply-part.ts';
import { SLOTS, TEMPLATES } from './templates.ts';
import { mulberry32 } from '../../random/mulberry32.ts';

/** One training sentence. */
export interface TrainingExample {
  text: string;
  intent: Intent;
}

type Part = string | string[];

/** Splits `a{b|c}<P>d` into literal and alternative parts; `<NAME>` becomes the slot's list. */
export function parseTemplate(template: string): Part[] {
  const parts: Part[] = [];
  const re = /\{([^{}]*)\}|<([A-Z]+)>/g;
  let last = 0;
  for (const m of template.matchAll(re)) {
    if (m.index > last) parts.push(template.slice(last, m.index));
    if (m[1] !== undefined) parts.push(m[1].split('|'));
    else {
      const slot = SLOTS[m[2] ?? ''];
      if (slot === undefined) throw new Error(`template slot <${m[2]}> is not defined: ${template}`);
      parts.push(slot);
    }
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  return parts;
}

// A small seeded generator (mulberry32) so the corpus, and so the model, is the same every run.
function random(seed: number): () => number {
  return mulberry32(seed);
}

/**
 * Every sentence a template can make when there are at most `cap` of them, otherwise `cap`
 * distinct ones drawn with a seed, so templates with many slots do not drown the others.
 */
export function expandTemplate(template: string, cap: number, seed: number): string[] {
  const parts = parseTemplate(template);
  const total = parts.reduce((n, p) => n * (typeof p === 'string' ? 1 : p.length), 1);
  const build = (pick: (options: string[]) => string): string =>
    parts.map((p) => (typeof p === 'string' ? p : pick(p))).join('').replace(/\s+/g, ' ').trim();
  if (total <= cap) {
    let out = [''];
    for (const p of parts) out = out.flatMap((prefix) => (typeof p === 'string' ? [prefix + p] : p.map((o) => prefix + o)));
    return [...new Set(out.map((s) => s.replace(/\s+/g, ' ').trim()))];
  }
  const next = random(seed);
  const seen = new Set<string>();
  for (let tries = 0; seen.size < cap && tries < cap * 20; tries++) {
    seen.add(build((options) => options[Math.floor(next() * options.length)] ?? ''));
  }
  return [...seen];
}

/** The whole training corpus: every intent's templates, expanded. */
export function trainingCorpus(capPerTemplate = 48): TrainingExample[] {
  const out: TrainingExample[] = [];
  let seed = 1;
  for (const [intent, templates] of Object.entries(TEMPLATES) as [Intent, string[]][]) {
    for (const template of templates) {
      for (const text of expandTemplate(template, capPerTemplate, seed++)) out.push({ text, intent });
    }
  }
  return out;
}
