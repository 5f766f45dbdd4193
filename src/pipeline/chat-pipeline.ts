import type { ChatReply, ReplyPart } from '../contracts/reply-part.ts';
import { isKefuError } from '../errors.ts';
import type { ChatPipeline, ChatPipelineDeps, ChatRequest } from './chat-pipeline-types.ts';
import { createGroundedGenerator } from './grounded-generation.ts';
import { type StageDeps, type Turn, emptyReply, openOutcome } from './turn.ts';
import { answer } from './stages/answer.ts';
import { audit } from './stages/audit.ts';
import { cacheAnswer } from './stages/cache-answer.ts';
import { conclude } from './stages/conclude.ts';
import { guardInput } from './stages/guard-input.ts';
import { guardOutput } from './stages/guard-output.ts';
import { mask } from './stages/mask.ts';
import { measure } from './stages/measure.ts';
import { openSession } from './stages/open-session.ts';
import { record } from './stages/record.ts';
import { resumeResent } from './stages/resume-resent.ts';
import { reveal } from './stages/reveal.ts';
import { route, undecided } from './stages/route.ts';
import { understand } from './stages/understand.ts';

export type { ChatPipeline, ChatPipelineDeps, ChatPipelineOptions, ChatRequest } from './chat-pipeline-types.ts';

/**
 * One chat turn, streaming or not (`run` reads the same stream), as named stages over one turn
 * record (./turn.ts); each stage reads the parts of the turn before it and writes its own.
 * docs/pipeline.md lists them.
 */
export function createChatPipeline(chatDeps: ChatPipelineDeps): ChatPipeline {
  const { model, metrics, logger, options, sessions } = chatDeps;
  const generate = model === null ? null : createGroundedGenerator({ model, metrics, logger, maxTokens: options.maxTokens, minSentenceSupport: options.minSentenceSupport });
  const deps: StageDeps = Object.assign({}, chatDeps, { clock: chatDeps.now ?? Date.now, modelId: model?.id ?? 'none', generate });

  async function* stages(req: ChatRequest, pending: Turn['pending'], delivery: Turn['delivery']): AsyncGenerator<ReplyPart> {
    // One record that each stage adds its part to, not a copy per stage: in this V8 a property
    // after a leading spread costs about 1 µs, and a turn made six copies (issue 16).
    const arrived = { req, started: performance.now(), arrivedAt: deps.clock(), pending, delivery };
    const opened = Object.assign(arrived, { session: await openSession(arrived, deps) });
    const replay = await resumeResent(opened, deps);
    if (replay !== null) {
      yield* replay;
      return;
    }
    const masked = Object.assign(opened, { text: await mask(opened, deps) });
    const understood = Object.assign(masked, { understanding: await understand(masked, deps) });
    const checked = Object.assign(understood, { input: guardInput(understood, deps) });
    const turn: Turn = Object.assign(checked, { decision: undecided(checked), reply: emptyReply(), outcome: openOutcome() });
    await route(turn, deps);
    const parts = turn.decision.route === 'knowledge' ? answer(turn, deps) : [turn.decision.text];
    yield* reveal(turn, deps, guardOutput(turn, deps, parts));
    const concluded = Object.assign(turn, { result: yield* conclude(turn, deps) });
    const outcomeRecorded = await record(concluded, deps);
    cacheAnswer(concluded, deps);
    await audit(concluded, deps);
    await measure(concluded, deps, outcomeRecorded);
    yield { type: 'done', reply: concluded.result.reply };
  }

  /** Writes the customer's message alone when the turn ended before writing it with the reply. */
  async function settle(pending: Turn['pending']): Promise<void> {
    if (pending.user === null) return;
    try {
      await sessions.record(pending.user);
    } catch (err) {
      logger.warn({ err }, 'could not store the customer message of an unfinished turn');
    }
  }

  /** A turn; its customer message is written alone if the turn ends before writing it with the reply. */
  async function* turn(req: ChatRequest): AsyncGenerator<ReplyPart> {
    const pending: Turn['pending'] = { user: null };
    try {
      yield* stages(req, pending, 'stream');
    } finally {
      await settle(pending);
    }
  }

  // `turn` without its generator: each part of a reply read here would pass through one more
  // async generator (a promise and microtask hops per part) on its way to being dropped.
  async function run(req: ChatRequest): Promise<ChatReply> {
    const pending: Turn['pending'] = { user: null };
    try {
      for await (const part of stages(req, pending, 'whole')) {
        if (part.type === 'done') return part.reply;
        if (part.type === 'error') throw new Error(part.message);
      }
    } finally {
      await settle(pending);
    }
    throw new Error('pipeline ended without a reply');
  }

  async function* stream(req: ChatRequest): AsyncGenerator<ReplyPart> {
    try {
      yield* turn(req);
    } catch (err) {
      metrics.requests.inc({ channel: req.channel, outcome: 'error' });
      if (isKefuError(err)) throw err;
      logger.error({ err }, 'pipeline failed');
      throw err;
    }
  }

  return { stream, run };
}
