import type { ChatReply } from '../contracts/reply-part.ts';
import { diffWrites, judgeConversation, type ConversationVerdict, type SimTurn } from './judge-conversation.ts';
import { createRng } from './seeded-random.ts';
import { SimCustomer } from './sim-customer.ts';
import { drawGoal, drawPersona, type Persona, type SimGoal } from './draw-goal.ts';
import { GOAL_KINDS, HANDOFF_GOALS, type GoalKind, type SimBot, type SimCase, type SimLang, type SimTicket, type SimWorld } from './sim-types.ts';

export interface SimConversation {
  index: number;
  goal: SimGoal;
  persona: Persona;
  userId: string;
  targetOrder: string | null;
  turns: { user: string; bot: string; handoff: boolean; confirming: boolean; writes: SimTurn['writes'] }[];
  verdict: ConversationVerdict;
  /** The bot failed this conversation with an error (the run went on). */
  error?: string;
}

export interface GoalRow {
  goal: GoalKind;
  n: number;
  resolved: number;
  transferred: number;
  wrongWrites: number;
  meanTurns: number;
  /** Unresolved conversations by failure, most frequent first. */
  failures: { failure: string; n: number }[];
}

export interface SimReport {
  world: string;
  seed: number;
  conversations: number;
  /** Goals no customer of the world could pursue (external systems without fitting orders). */
  skipped: { goal: GoalKind; n: number }[];
  resolutionRate: number;
  /** Handoffs in conversations whose goal did not need a person, over those conversations. */
  transferRate: number;
  /** Handoffs over all conversations, human requests and complaints included. */
  anyHandoffRate: number;
  meanTurns: number;
  wrongWrites: number;
  wrongWritesByKind: Record<string, number>;
  byGoal: GoalRow[];
  byLang: { lang: SimLang; n: number; resolved: number }[];
  /** Resolution among conversations with each variation (a persona flag, or how orders were named). */
  byVariation: { variation: string; n: number; resolved: number }[];
  elapsedMs: number;
  /** Every conversation, for --json. */
  details: SimConversation[];
}

export interface RunSimulationOptions {
  bot: SimBot;
  world: SimWorld;
  conversations: number;
  seed: number;
  /** Only these goals (default: all ten). */
  goals?: readonly GoalKind[];
  onProgress?: (done: number, total: number, resolved: number) => void;
}

/** The goal of each conversation: every goal equally often, in a seeded order. */
export function goalSchedule(conversations: number, seed: number, goals: readonly GoalKind[] = GOAL_KINDS): GoalKind[] {
  const list = Array.from({ length: conversations }, (_, i) => goals[i % goals.length]!);
  return createRng(seed).shuffle(list);
}

async function waitForTickets(bot: SimBot, expected: number): Promise<SimTicket[]> {
  // Tickets go through Kefu's job queue; give the worker a moment to store the last ones.
  let tickets = await bot.tickets();
  for (let i = 0; i < 40 && tickets.length < expected; i++) {
    await new Promise((r) => setTimeout(r, 100));
    tickets = await bot.tickets();
  }
  return tickets;
}

export async function runSimulation(options: RunSimulationOptions): Promise<SimReport> {
  const { bot, world, seed } = options;
  const started = performance.now();
  const schedule = goalSchedule(options.conversations, seed, options.goals);
  const played: { index: number; goal: SimGoal; persona: Persona; simCase: SimCase; turns: SimTurn[]; error?: string }[] = [];
  const skipped = new Map<GoalKind, number>();
  let resolvedSoFar = 0;

  for (const [index, kind] of schedule.entries()) {
    const rng = createRng(seed * 1_000_003 + index);
    const simCase = await world.prepare(kind, rng.fork('world'), index);
    if (simCase === null) {
      skipped.set(kind, (skipped.get(kind) ?? 0) + 1);
      options.onProgress?.(index + 1, schedule.length, resolvedSoFar);
      continue;
    }
    const goal = drawGoal(kind, rng.fork('goal'));
    const persona = drawPersona(goal, rng.fork('persona'));
    const customer = new SimCustomer(goal, persona, simCase, rng.fork('talk'));
    const turns: SimTurn[] = [];
    let sessionId: string | undefined;
    let before = await world.snapshot(simCase);
    let said = customer.open();
    let error: string | undefined;
    for (;;) {
      let reply: ChatReply;
      try {
        reply = await bot.turn({ message: said.message, userId: simCase.userId, ...(sessionId === undefined ? {} : { sessionId }) });
      } catch (err) {
        // One failing conversation is a result, not the end of the run.
        error = err instanceof Error ? err.message : String(err);
        turns.push({ message: said.message, confirming: said.confirming, reply: errorReply(sessionId ?? '', error), writes: diffWrites(before, await world.snapshot(simCase)) });
        break;
      }
      sessionId = reply.session_id;
      const after = await world.snapshot(simCase);
      turns.push({ message: said.message, confirming: said.confirming, reply, writes: diffWrites(before, after) });
      before = after;
      const next = customer.respond(reply);
      if (next === null) break;
      said = next;
    }
    played.push({ index, goal, persona, simCase, turns, ...(error === undefined ? {} : { error }) });
    // A provisional count for the progress bar (tickets are judged at the end).
    if (judgeConversation(goal, simCase, turns, []).resolved) resolvedSoFar++;
    options.onProgress?.(index + 1, schedule.length, resolvedSoFar);
  }

  const ticketGoals = played.filter((p) => p.goal.kind === 'invoice' || p.goal.kind === 'complaint').length;
  const tickets = await waitForTickets(bot, ticketGoals);
  const details: SimConversation[] = played.map((p) => ({
    index: p.index,
    goal: p.goal,
    persona: p.persona,
    userId: p.simCase.userId,
    targetOrder: p.simCase.target?.order_id ?? null,
    turns: p.turns.map((t) => ({ user: t.message, bot: t.reply.reply, handoff: t.reply.handoff, confirming: t.confirming, writes: t.writes })),
    verdict: withError(judgeConversation(p.goal, p.simCase, p.turns, tickets), p.error),
    ...(p.error === undefined ? {} : { error: p.error }),
  }));
  return summarise(details, { world: world.name, seed, skipped, elapsedMs: performance.now() - started });
}

function errorReply(sessionId: string, message: string): ChatReply {
  return { session_id: sessionId, message_id: '', reply: `[error] ${message}`, intent: 'other', emotion: { label: 'neutral', intensity: 0 }, handoff: false, sources: [], cached: false, model: 'none' };
}

function withError(v: ConversationVerdict, error: string | undefined): ConversationVerdict {
  return error === undefined || v.resolved ? v : { ...v, failure: 'bot_error' };
}

function summarise(details: SimConversation[], meta: { world: string; seed: number; skipped: Map<GoalKind, number>; elapsedMs: number }): SimReport {
  const share = (k: number, n: number) => (n === 0 ? 0 : k / n);
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const byGoal: GoalRow[] = GOAL_KINDS.map((goal) => {
    const rows = details.filter((d) => d.goal.kind === goal);
    const failures = new Map<string, number>();
    for (const r of rows) if (r.verdict.failure !== null) failures.set(r.verdict.failure, (failures.get(r.verdict.failure) ?? 0) + 1);
    return {
      goal,
      n: rows.length,
      resolved: rows.filter((r) => r.verdict.resolved).length,
      transferred: rows.filter((r) => r.verdict.transferred).length,
      wrongWrites: rows.reduce((s, r) => s + r.verdict.wrongWrites.length, 0),
      meanTurns: mean(rows.map((r) => r.verdict.turns)),
      failures: [...failures].map(([failure, n]) => ({ failure, n })).sort((a, b) => b.n - a.n),
    };
  });
  const ordinary = details.filter((d) => !HANDOFF_GOALS.has(d.goal.kind));
  const wrongWritesByKind: Record<string, number> = {};
  for (const d of details) for (const w of d.verdict.wrongWrites) wrongWritesByKind[w.kind] = (wrongWritesByKind[w.kind] ?? 0) + 1;
  return {
    world: meta.world,
    seed: meta.seed,
    conversations: details.length,
    skipped: [...meta.skipped].map(([goal, n]) => ({ goal, n })),
    resolutionRate: share(details.filter((d) => d.verdict.resolved).length, details.length),
    transferRate: share(ordinary.filter((d) => d.verdict.transferred).length, ordinary.length),
    anyHandoffRate: share(details.filter((d) => d.verdict.transferred).length, details.length),
    meanTurns: mean(details.map((d) => d.verdict.turns)),
    wrongWrites: details.reduce((s, d) => s + d.verdict.wrongWrites.length, 0),
    wrongWritesByKind,
    byGoal,
    byLang: (['zh-Hans', 'zh-Hant', 'en'] as const).map((lang) => {
      const rows = details.filter((d) => d.goal.lang === lang);
      return { lang, n: rows.length, resolved: rows.filter((r) => r.verdict.resolved).length };
    }),
    byVariation: variations(details),
    elapsedMs: Math.round(meta.elapsedMs),
    details,
  };
}

function variations(details: SimConversation[]): SimReport['byVariation'] {
  const groups = new Map<string, SimConversation[]>();
  const add = (k: string, d: SimConversation) => groups.set(k, [...(groups.get(k) ?? []), d]);
  for (const d of details) {
    for (const [flag, on] of Object.entries(d.persona)) if (on === true) add(flag, d);
    if (d.targetOrder !== null) add(`ref:${d.persona.refStyle}`, d);
  }
  return [...groups].map(([variation, ds]) => ({ variation, n: ds.length, resolved: ds.filter((d) => d.verdict.resolved).length })).sort((a, b) => a.variation.localeCompare(b.variation));
}
