import { randomUUID } from 'node:crypto';
import type { KnowledgeBase, Passage } from '../contracts/knowledge-base.ts';
import type { ChatMessage, FinishReason, LanguageModel, Usage } from '../contracts/language-model.ts';
import type { ChatReply, Emotion, ReplyPart, SourceRef } from '../contracts/reply-part.ts';
import { understand } from '../dialogue/basic-nlu.ts';
import { isConfidentPassage } from '../knowledge/confidence.ts';
import { isKefuError } from '../errors.ts';
import type { Logger } from '../logging/create-logger.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import { maskBasicPii, withoutPlaceholders } from '../safety/basic-pii-masker.ts';
import type { SessionManager } from '../sessions/session-manager.ts';
import { isDecline, lexicalSupport, unsupportedFigures } from './grounding-check.ts';
import { PROMPT_VERSION, buildPrompt } from './prompt-builder.ts';
import { noAnswerReply, retrievalAnswer, templateReply } from './retrieval-responder.ts';
import { SentenceHoldback } from './sentence-holdback.ts';

export interface ChatRequest {
  message: string;
  sessionId?: string;
  userId?: string;
  channel: string;
  /** The client names the session (OpenAI `user`): create it under that id if it is new. */
  createSession?: boolean;
  signal?: AbortSignal;
}

export interface ChatPipelineOptions {
  historyTokens: number;
  maxTokens: number;
  /** Passages below this confidence (share of the question matched, 0..1) do not answer. */
  minPassageConfidence: number;
  topK: number;
  /** Minimum share of a generated sentence's words found in the passages or the question. */
  minSentenceSupport: number;
}

export interface ChatPipelineDeps {
  sessions: SessionManager;
  kb: KnowledgeBase;
  /** null: retrieval-only replies (KEFU_LLM=none). */
  model: LanguageModel | null;
  metrics: Metrics;
  logger: Logger;
  options: ChatPipelineOptions;
}

export interface ChatPipeline {
  stream(req: ChatRequest): AsyncGenerator<ReplyPart>;
  run(req: ChatRequest): Promise<ChatReply>;
}

interface Generation {
  text: string;
  usage: Usage;
  finishReason: FinishReason;
  fallback: string | null;
}

const toSource = (p: Passage): SourceRef => ({
  id: p.id,
  title: p.title,
  score: Math.round(p.score * 1000) / 1000,
  ...(p.url === undefined ? {} : { url: p.url }),
});

const ANGER_HANDOFF = 0.85;
/** Han characters or 3+-letter words a text needs before its lexical support is judged. */
const MIN_CHECKED_UNITS = 6;

export function createChatPipeline(deps: ChatPipelineDeps): ChatPipeline {
  const { sessions, kb, model, metrics, logger, options } = deps;
  const modelId = model?.id ?? 'none';

  /**
   * Streams the model's reply sentence by sentence, releasing only sentences whose figures and
   * words are supported by what the model was given. On the first unsupported sentence the
   * generation stops and the retrieval answer takes over.
   */
  async function* generate(
    /** Prompts from fullest to most compact, built only when the one before did not fit. */
    prompts: readonly (() => ChatMessage[])[],
    allowed: string,
    fallbackText: string,
    signal: AbortSignal | undefined,
    out: Generation,
  ): AsyncGenerator<string> {
    const holdback = new SentenceHoldback();
    const units = (text: string): number => text.match(/\p{Script=Han}|[a-zA-Z]{3,}/gu)?.length ?? 0;
    const check = (text: string): string | null => {
      if (unsupportedFigures(text, allowed).length > 0) return 'unsupported_figure';
      if (isDecline(text)) return 'declined_despite_passages';
      if (units(text) >= MIN_CHECKED_UNITS && lexicalSupport(text, allowed) < options.minSentenceSupport) return 'low_support';
      return null;
    };
    // Sentences are released in chunks long enough to judge: a lone "不客气!" says nothing about
    // support, so it waits for the sentence after it and both are checked together.
    let chunk = '';
    const fallBack = function* (reason: string): Generator<string> {
      metrics.fallbacks.inc({ reason });
      out.fallback = reason;
      const text = out.text.length === 0 ? fallbackText : `\n${fallbackText}`;
      out.text += text;
      yield text;
    };
    try {
      // A small model's context may not hold the full prompt: the next, more compact prompt is
      // tried when the model rejects one before any text.
      const stream = async function* () {
        for (let i = 0; i < prompts.length; i++) {
          let sentText = false;
          for await (const part of model!.doStream({ messages: prompts[i]!(), maxTokens: options.maxTokens, temperature: 0.2, ...(signal ? { signal } : {}) })) {
            const overflow = part.type === 'error' && isKefuError(part.error) && part.error.code === 'llm_context_overflow';
            if (overflow && !sentText && i + 1 < prompts.length) {
              logger.debug({ prompt: i }, 'prompt too long for the model context, trying a compact one');
              break;
            }
            if (part.type === 'text-delta') sentText = true;
            yield part;
            if (part.type !== 'text-delta') return;
          }
        }
      };
      for await (const part of stream()) {
        if (part.type === 'text-delta') {
          for (const sentence of holdback.push(part.text)) {
            chunk += sentence;
            if (units(chunk) < MIN_CHECKED_UNITS) continue;
            const bad = check(chunk);
            if (bad !== null) return yield* fallBack(bad);
            out.text += chunk;
            yield chunk;
            chunk = '';
          }
        } else if (part.type === 'finish') {
          out.usage = part.usage;
          out.finishReason = part.finishReason;
        } else {
          logger.warn({ err: part.error }, 'generation failed, using the retrieval answer');
          return yield* fallBack('model_error');
        }
      }
    } catch (err) {
      if (signal?.aborted) {
        out.finishReason = 'abort';
        return;
      }
      logger.warn({ err }, 'generation threw, using the retrieval answer');
      return yield* fallBack('model_error');
    }
    const rest = (chunk + holdback.flush()).replace(/<\|end\|>$/, '');
    if (rest.trim().length > 0) {
      if (check(rest) !== null) return yield* fallBack('unsupported_tail');
      out.text += rest;
      yield rest;
    }
    if (out.text.trim().length === 0 && out.finishReason !== 'abort') yield* fallBack('empty');
  }

  async function* stream(req: ChatRequest): AsyncGenerator<ReplyPart> {
    const started = performance.now();
    const conversation = await sessions.open({
      ...(req.sessionId === undefined ? {} : { sessionId: req.sessionId }),
      ...(req.userId === undefined ? {} : { userId: req.userId }),
      channel: req.channel,
      ...(req.createSession === true ? { createIfMissing: true } : {}),
    });
    const sessionId = conversation.id;
    const masked = maskBasicPii(req.message);
    const previousEmotion = conversation.state['lastEmotion'] as Emotion | undefined;
    const query = withoutPlaceholders(masked);
    const nlu = understand(query, previousEmotion);
    const history = await sessions.history(sessionId, 20);
    await sessions.record({ sessionId, role: 'user', content: masked, meta: { intent: nlu.intent, emotion: nlu.emotion } });

    let firstTextAt: number | null = null;
    const gen: Generation = { text: '', usage: {}, finishReason: 'stop', fallback: null };
    let sources: SourceRef[] = [];
    const handoff = nlu.intent === 'human_agent' || (nlu.emotion.label === 'angry' && nlu.emotion.intensity >= ANGER_HANDOFF);

    const template = templateReply(nlu.intent, nlu.lang);
    let unanswered = false;
    let parts: AsyncIterable<string>;
    if (template !== null) {
      parts = (async function* () { yield template; })();
    } else {
      const passages = await kb.search(query, options.topK);
      const confident = passages.filter((p) => isConfidentPassage(p, options.minPassageConfidence));
      metrics.kbRetrievals.inc({ result: confident.length > 0 ? 'hit' : 'miss' });
      sources = confident.map(toSource);
      yield { type: 'sources', sources };
      if (confident.length === 0) {
        unanswered = true;
        const text = noAnswerReply(nlu.lang);
        parts = (async function* () { yield text; })();
      } else if (model === null) {
        const text = retrievalAnswer(confident, nlu.lang);
        parts = (async function* () { yield text; })();
      } else {
        const prompts = [
          () => buildPrompt({ userMessage: masked, passages: confident, history, lang: nlu.lang, historyTokenBudget: options.historyTokens }),
          () => buildPrompt({ userMessage: masked, passages: confident.slice(0, 2), history, lang: nlu.lang, historyTokenBudget: Math.min(128, options.historyTokens), passageChars: 200 }),
          () => buildPrompt({ userMessage: masked, passages: confident.slice(0, 1), history: [], lang: nlu.lang, passageChars: 200 }),
        ];
        const allowed = [masked, ...confident.map((p) => `${p.title} ${p.text}`), ...history.map((h) => h.content)].join('\n');
        parts = generate(prompts, allowed, retrievalAnswer(confident, nlu.lang), req.signal, gen);
      }
    }

    for await (const text of parts) {
      if (req.signal?.aborted) break;
      if (firstTextAt === null) {
        firstTextAt = performance.now();
        metrics.timeToFirstToken.observe((firstTextAt - started) / 1000);
      }
      if (template !== null || model === null || sources.length === 0) gen.text += text;
      yield { type: 'text-delta', text };
    }
    if (req.signal?.aborted) gen.finishReason = 'abort';
    if (handoff) yield { type: 'handoff', reason: nlu.intent === 'human_agent' ? 'user_request' : 'anger' };

    const messageId = randomUUID();
    const reply: ChatReply = {
      session_id: sessionId,
      message_id: messageId,
      reply: gen.text,
      intent: nlu.intent,
      emotion: nlu.emotion,
      handoff,
      sources,
      cached: false,
      model: gen.fallback === null ? (sources.length > 0 && template === null ? modelId : 'template') : 'retrieval',
      usage: gen.usage,
      finish_reason: gen.finishReason,
    };
    if (reply.model === 'none') reply.model = 'retrieval';
    await sessions.record({
      sessionId,
      id: messageId,
      role: 'assistant',
      content: maskBasicPii(gen.text),
      meta: { intent: nlu.intent, sources, model: reply.model, promptVersion: PROMPT_VERSION, fallback: gen.fallback, finishReason: gen.finishReason, unanswered },
    });
    await sessions.saveState(sessionId, { ...conversation.state, lastEmotion: nlu.emotion, ...(handoff ? { handoffRequestedAt: Date.now() } : {}) });

    if (gen.usage.outputTokens !== undefined) metrics.generatedTokens.inc({ model: modelId }, gen.usage.outputTokens);
    metrics.requests.inc({ channel: req.channel, outcome: gen.finishReason === 'abort' ? 'aborted' : 'ok' });
    metrics.latency.observe({ channel: req.channel }, (performance.now() - started) / 1000);
    yield { type: 'done', reply };
  }

  async function run(req: ChatRequest): Promise<ChatReply> {
    for await (const part of stream(req)) {
      if (part.type === 'done') return part.reply;
      if (part.type === 'error') throw new Error(part.message);
    }
    throw new Error('pipeline ended without a reply');
  }

  return {
    stream: async function* (req) {
      try {
        yield* stream(req);
      } catch (err) {
        metrics.requests.inc({ channel: req.channel, outcome: 'error' });
        if (isKefuError(err)) throw err;
        logger.error({ err }, 'pipeline failed');
        throw err;
      }
    },
    run,
  };
}
