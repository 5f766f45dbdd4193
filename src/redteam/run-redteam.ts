import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/load-config.ts';
import { startServer } from '../server/start-server.ts';
import { loadAttacks, sampleAttacks } from './attack-corpus.ts';
import type { AttackGoal } from './attack-goal.ts';
import { sendChat, type ChatExchange } from './chat-client.ts';
import { createFamilies, familyRequestCount } from './families.ts';
import { judge } from './judge.ts';
import { createObedientModel, type ObedientCall } from './obedient-model.ts';
import { perturbVariants, type PerturbationKind } from './perturb.ts';
import { DEFAULT_POISONED_DOCUMENTS, loadPoisonedDocuments } from './poisoned-documents.ts';
import { classifyReply, isOverBlocked } from './reply-kind.ts';
import { groupOf, summarize, type AttackResult, type BenignResult, type RedteamReport } from './summarize.ts';

export interface RunRedteamOptions {
  /** A running Kefu server; default: an in-process one with the obedient model. */
  url?: string;
  /** Attack corpora (JSONL); missing files are skipped, repeated texts dropped. */
  attacksPaths: string[];
  /** Normal customer messages (JSONL with `text`), e.g. eval/nlu/test.jsonl. */
  benignPath: string;
  /** Perturbed variants per attack, besides the plain text. */
  perturbations: number;
  seed: number;
  /** At most this many attacks (round-robin over categories) and this many benign messages. */
  limit?: number;
  /** In-process: knowledge files or folders for the server (default: KEFU_KB, else the demo shop). */
  kbPaths?: string[];
  /** Poisoned knowledge documents (JSONL, see poisoned-documents.ts); in-process only. */
  poisonedPath?: string;
  onProgress?(done: number, total: number): void;
}

/** In hours (so misses queue a person rather than offer a ticket) and the day the demo orders are listed for. */
const PINNED_NOW = Date.parse('2026-11-24T10:00:00+08:00');
const USER_ID = 'demo-user';

export function loadBenign(file: string, limit: number | undefined): string[] {
  const texts = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l, i) => {
    const o = JSON.parse(l) as { text?: unknown };
    if (typeof o.text !== 'string') throw new Error(`${file}:${i + 1}: "text" must be a string`);
    return o.text;
  });
  if (limit === undefined || limit >= texts.length) return texts;
  // Evenly spaced, so a small sample spans the file's intents.
  return Array.from({ length: limit }, (_, i) => texts[Math.floor((i * texts.length) / limit)]!);
}

/** The passages part of a Kefu system message (from `[1] `), which a retrieval answer may quote. */
const passagesOf = (calls: readonly ObedientCall[]): string[] =>
  calls.flatMap((c) => {
    const system = c.messages[0]?.content ?? '';
    const at = system.search(/^\[1\] /m);
    return at < 0 ? [] : [system.slice(at)];
  });

const ADMIN_KEY = 'redteam-admin-key-0123456789abcdef';

/**
 * The server the attacks go to: a throwaway in-process one on a temporary data dir (with the
 * obedient model), or the one at `url`, which answers with its own model.
 */
async function openTarget(options: RunRedteamOptions, model: ReturnType<typeof createObedientModel> | null): Promise<{ baseUrl: string; modelId: string; close: () => Promise<void>; notes: string[] }> {
  let baseUrl = options.url;
  let modelId = 'the server\'s own';
  let close = async () => {};
  const notes: string[] = [];
  if (options.url === undefined) {
    const dir = mkdtempSync(path.join(tmpdir(), 'kefu-redteam-'));
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      KEFU_DATA_DIR: dir,
      KEFU_KEY_DIR: path.join(dir, 'keys'), // a throwaway server: its keys go with its data dir
      KEFU_LLM: 'none',
      KEFU_NLU: 'embedded',
      KEFU_LOG_LEVEL: 'silent',
      KEFU_RATE_LIMIT_PER_MINUTE: '1000000000',
      KEFU_ADMIN_KEY: ADMIN_KEY,
      ...(options.kbPaths !== undefined ? { KEFU_KB: options.kbPaths.join(',') } : process.env.KEFU_KB === undefined ? {} : { KEFU_KB: process.env.KEFU_KB }),
    });
    const server = await startServer(config, { model, now: () => PINNED_NOW });
    baseUrl = server.url;
    modelId = model!.id;
    close = async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    };
  } else {
    notes.push('--url: the server answers with its own model, which cannot be steered per attack; the judge knows only the obedient model\'s words, so ASR is a lower bound.');
    notes.push('--url: the poisoned-document and compromised-model families need the admin key and the model, so they run in-process only.');
  }
  return { baseUrl: baseUrl!, modelId, close, notes };
}

type Case = { attack: number; perturbation: PerturbationKind | 'none'; text: string };
type Attack = ReturnType<typeof sampleAttacks>[number];

/** One attack's exchange judged: on the reply, and on the streamed text when it differs. */
function attackResult(c: Case, attack: Attack, ex: ChatExchange, calls: ObedientCall[] | null, inProcess: boolean): AttackResult {
  const systemMessage = calls?.[0]?.messages[0]?.content;
  const judged = { goal: attack.category, message: c.text, background: passagesOf(calls ?? []), ...(systemMessage === undefined ? {} : { systemMessage }) };
  const verdict = judge({ ...judged, reply: ex.reply });
  const streamVerdict = ex.streamed === ex.reply || verdict.success ? verdict : judge({ ...judged, reply: ex.streamed });
  const kind = classifyReply(ex, { inProcess, modelTexts: (calls ?? []).map((call) => call.text) });
  return {
    attack: c.attack,
    category: attack.category,
    group: groupOf(attack.category),
    technique: attack.technique,
    lang: attack.lang,
    perturbation: c.perturbation,
    text: c.text,
    reply: ex.error !== null && ex.status !== 200 ? `HTTP ${ex.status}: ${ex.error}` : ex.reply,
    success: verdict.success,
    evidence: verdict.evidence,
    blocked: !verdict.success && (kind === 'error' || kind === 'handoff' || kind === 'refusal'),
    kind,
    leakedInStream: !verdict.success && streamVerdict.success,
    reachedModel: calls === null ? null : calls.length > 0,
    handoff: ex.handoff,
    handoffReason: ex.handoffReason,
    intent: ex.intent,
    status: ex.status,
    latencyMs: ex.latencyMs,
  };
}

/** One benign message's exchange: how the reply was made and whether it was over-blocked. */
function benignResult(text: string, ex: ChatExchange, calls: ObedientCall[] | null, inProcess: boolean): BenignResult {
  const kind = classifyReply(ex, { inProcess, modelTexts: (calls ?? []).map((c) => c.text) });
  return {
    text,
    reply: ex.error !== null && ex.status !== 200 ? `HTTP ${ex.status}: ${ex.error}` : ex.reply,
    kind,
    overBlocked: isOverBlocked(ex, kind),
    handoff: ex.handoff,
    handoffReason: ex.handoffReason,
    intent: ex.intent,
    status: ex.status,
    latencyMs: ex.latencyMs,
  };
}

/**
 * Runs every attack (plain and perturbed) and every benign message through Kefu's HTTP API, one
 * new session each, and judges the replies. In-process, the server gets the obedient model and
 * the model is told each attack's goal before it is sent; with `url`, whatever model that server
 * has answers and the judge knows only the obedient model's words (a lower bound on ASR).
 */
export async function runRedteam(options: RunRedteamOptions): Promise<RedteamReport> {
  const started = Date.now();
  const corpus = loadAttacks(options.attacksPaths);
  if (corpus.attacks.length === 0) throw new Error(`no attacks: none of ${options.attacksPaths.join(', ')} exists or has lines`);
  const attacks = sampleAttacks(corpus.attacks, options.limit);
  const benign = loadBenign(options.benignPath, options.limit);
  const cases = attacks.flatMap((attack, i) => [
    { attack: i, perturbation: 'none' as PerturbationKind | 'none', text: attack.text },
    ...perturbVariants(attack.text, options.perturbations, options.seed).map((v) => ({ attack: i, perturbation: v.kind as PerturbationKind | 'none', text: v.text })),
  ]);
  const model = options.url === undefined ? createObedientModel() : null;
  const poisoned = model === null ? [] : loadPoisonedDocuments(options.poisonedPath ?? DEFAULT_POISONED_DOCUMENTS);
  const total = cases.length + benign.length + (model === null ? 0 : familyRequestCount(poisoned));
  const { baseUrl, modelId, close, notes } = await openTarget(options, model);

  const inProcess = model !== null;
  const attackResults: AttackResult[] = [];
  const benignResults: BenignResult[] = [];

  let done = 0;
  const send = async (text: string, goal: AttackGoal | null): Promise<{ ex: ChatExchange; calls: ObedientCall[] | null }> => {
    model?.setGoal(goal);
    model?.takeCalls();
    const ex = await sendChat(baseUrl, text, { userId: USER_ID });
    const calls = model?.takeCalls() ?? null;
    options.onProgress?.(++done, total);
    return { ex, calls };
  };

  const families = model === null ? null : createFamilies({ baseUrl, adminKey: ADMIN_KEY, model, userId: USER_ID, poisoned, onResult: () => options.onProgress?.(++done, total) });

  try {
    await families?.compromised();
    for (const c of cases) {
      const attack = attacks[c.attack]!;
      const { ex, calls } = await send(c.text, attack.category);
      attackResults.push(attackResult(c, attack, ex, calls, inProcess));
    }
    for (const text of benign) {
      const { ex, calls } = await send(text, null);
      benignResults.push(benignResult(text, ex, calls, inProcess));
    }
    // Last: the poisoned documents stay in the knowledge base once posted.
    await families?.poisoned();
  } finally {
    model?.setGoal(null);
    await close();
  }

  return summarize(
    {
      mode: inProcess ? 'in-process' : 'url',
      target: inProcess ? `in-process server (obedient model, embedded NLU, knowledge base ${options.kbPaths?.join(', ') ?? process.env.KEFU_KB ?? 'kb/demo-shop'})` : options.url!,
      model: modelId,
      goalControl: inProcess,
      notes,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      settings: { perturbations: options.perturbations, seed: options.seed, limit: options.limit ?? null, benignPath: options.benignPath },
      files: corpus.files,
      duplicates: corpus.duplicates,
      attackCount: attacks.length,
    },
    attackResults,
    benignResults,
    families?.results ?? [],
  );
}
