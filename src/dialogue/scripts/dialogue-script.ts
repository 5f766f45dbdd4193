import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { KefuError } from '../../errors.ts';

/**
 * Scripted conversations as data (`*.yaml`): user turns and what each reply must show. Used by
 * `npm test` for the shipped flows and by `kefu eval dialogues` for users' own scripts.
 *
 * A text expectation is a substring, or a regular expression written `/like this/i`.
 */
const Text = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const Expect = z
  .object({
    intent: z.string().optional(),
    flow: z.string().nullable().optional(),
    step: z.string().optional(),
    reply: Text.optional(),
    not_reply: Text.optional(),
    handoff: z.boolean().optional(),
    emotion: z.string().optional(),
    sources: z.boolean().optional(),
    /** Buttons that must be offered (each listed one present). */
    quick_replies: z.array(z.string().min(1)).optional(),
  })
  .strict();

const Turn = z.object({ user: z.string().min(1), expect: Expect.optional() }).strict();

const Script = z
  .object({
    name: z.string().min(1),
    user_id: z.string().optional(),
    channel: z.enum(['web', 'app', 'api', 'wecom', 'cli']).optional(),
    tags: z.array(z.string()).optional(),
    /**
     * The order data the script expects: `demo` (the default, the demo order system's seed) or
     * `external` (the test suite's independent shop system, test/support/external-order-system.ts).
     */
    orders: z.enum(['demo', 'external']).optional(),
    turns: z.array(Turn).min(1),
  })
  .strict();

export type DialogueScript = z.infer<typeof Script> & { file: string };
export type TurnExpectation = z.infer<typeof Expect>;

export function parseDialogueScripts(text: string, file: string): DialogueScript[] {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new KefuError('invalid_dialogue_script', `${file}: not valid YAML: ${(e as Error).message}`, { status: 400 });
  }
  // A file holds one script, or a list of them.
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((item, i) => {
    const parsed = Script.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new KefuError('invalid_dialogue_script', `${file}${list.length > 1 ? ` (script ${i + 1})` : ''}: ${issue.path.join('.') || 'script'}: ${issue.message}`, { status: 400 });
    }
    return Object.assign({}, parsed.data, { file });
  });
}

/** Files, or folders searched for `*.yaml` / `*.yml`. */
export function loadDialogueScripts(paths: readonly string[]): DialogueScript[] {
  const files: string[] = [];
  for (const p of paths) {
    let stat;
    try {
      stat = statSync(p);
    } catch {
      throw new KefuError('invalid_dialogue_script', `${p}: no such file or folder`, { status: 400 });
    }
    if (stat.isDirectory()) files.push(...readdirSync(p).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(p, f)));
    else files.push(p);
  }
  if (files.length === 0) throw new KefuError('invalid_dialogue_script', `no .yaml dialogue scripts in ${paths.join(', ')}`, { status: 400 });
  return files.flatMap((f) => parseDialogueScripts(readFileSync(f, 'utf8'), f));
}
