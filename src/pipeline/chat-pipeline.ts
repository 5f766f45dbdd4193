import { randomUUID } from 'node:crypto';
import type { KnowledgeBase, Passage } from '../contracts/knowledge-base.ts';
import type { LanguageModel } from '../contracts/language-model.ts';
import type { ChatReply, Emotion, ReplyPart, SourceRef } from '../contracts/reply-part.ts';
import type { Nlu, NluResult } from '../contracts/nlu.ts';
import type { StoredMessage } from '../contracts/conversation-store.ts';
import type { OrderConnector } from '../contracts/order-connector.ts';
import { isAbort } from '../dialogue/confirmation.ts';
import { asksAboutHours, asksForPerson } from '../dialogue/asks-for-person.ts';
import { toSimplified, toTraditional } from '../dialogue/chinese-script.ts';
import { personLabel } from '../dialogue/clarify.ts';
import { type Locale, langOf, nextLocale, readLocale, scriptOf } from '../dialogue/conversation-locale.ts';
import { readDialogueState } from '../dialogue/dialogue-state.ts';
import { orderMemoryFields, orderMemoryFrom } from '../dialogue/order-reference/order-memory.ts';
import { quickReplies } from '../dialogue/quick-replies.ts';
import type { Decision, DialogueManager, DialogueState, HandoffReason } from '../dialogue/dialogue-manager.ts';
import type { FlowContext, TicketRequest } from '../dialogue/flow-types.ts';
import type { BusinessHours } from '../handoff/business-hours.ts';
import type { HandoffQueue } from '../contracts/handoff-queue.ts';
import type { OutcomeTracker } from '../contracts/outcome-tracker.ts';
import { isConfidentPassage } from '../knowledge/confidence.ts';
import { isKefuError } from '../errors.ts';
import type { Logger } from '../logging/create-logger.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import type { PiiEngine } from '../safety/pii/create-pii-engine.ts';
import { stripPlaceholders } from '../safety/pii/create-pii-engine.ts';
import { maskPii } from '../safety/pii/mask-pii.ts';
import type { PiiVault, PiiVaultStore } from '../contracts/pii-vault.ts';
import { maskWithVault } from '../safety/pii/mask-with-vault.ts';
import type { RecordMessageParams, SessionManager } from '../sessions/session-manager.ts';
import type { SessionAccess } from '../sessions/session-token.ts';
import { POLICY, PROMPT_VERSION, buildPrompt } from './prompt-builder.ts';
import type { OutputGuard } from '../safety/output-guard/output-guard.ts';
import { safeTemplate, type InputVerdict } from '../safety/input-guard/input-guard.ts';
import type { AuditLog } from '../contracts/audit-log.ts';
import { docIdOf } from '../cache/answer-cache.ts';
import type { AnswerCache } from '../contracts/answer-cache.ts';
import { isCacheable } from '../cache/cacheable.ts';
import { disputeOf } from '../cache/disputed-answer.ts';
import type { CacheLang } from '../contracts/answer-cache.ts';
import { strictGroundingFailures } from './grounding-check.ts';
import { CHANNELS_NEEDING_AI_LABEL, aiLabelLine } from '../audit/ai-label.ts';
import { noAnswerReply, retrievalAnswer, templateReply } from './retrieval-responder.ts';
import { createGroundedGenerator, type Generation } from './grounded-generation.ts';
import { gateModelReply, isRetract, type RetractPart } from './grounding-gate.ts';
import { complaintNotice, handoffCancelled, handoffLead, hoursNotice, queuedNotice, ticketFiledNotice, waitingNotice } from './handoff-responder.ts';
import { attachmentsMeta } from '../multimodal/attachments-meta.ts';
import type { TurnAttachment } from '../multimodal/read-attachments.ts';
import type { RetainedFiles } from '../contracts/retained-files.ts';

export interface ChatRequest {
  message: string;
  sessionId?: string;
  userId?: string;
  /** From the channel key; the public web channel is `default`. */
  tenant?: string;
  channel: string;
  /** The page's language, for a first message that does not show its own (see `nextLocale`). */
  locale?: Locale;
  /** Idempotency for resends: a message with an id already answered gets the stored answer back. */
  clientMessageId?: string;
  /** Pictures and recordings read for this turn; `message` already carries their turn text. */
  attachments?: TurnAttachment[];
  /** The client names the session (OpenAI `user`): create it under that id if it is new. */
  createSession?: boolean;
  /** What lets this request continue `sessionId`: its token, or a key (see `SessionAccess`). */
  access?: SessionAccess;
  signal?: AbortSignal;
  /** Called once the session is open: what fails after it is no longer the request's fault. */
  onOpened?: () => void;
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
  nlu: Nlu;
  dialogue: DialogueManager;
  orders: OrderConnector;
  handoffs: HandoffQueue;
  outcomes: OutcomeTracker;
  /** Files a ticket through the job queue; resolves once it is queued, not once it is handled. */
  tickets: { request(t: TicketRequest & { sessionId: string; userId: string | null }): Promise<void> };
  businessHours: BusinessHours;
  /** The last word on every reply (constitution rules). */
  outputGuard: OutputGuard;
  /** The PII engine and the per-session vault of pseudonymised originals. */
  pii: { engine: PiiEngine; vault: Pick<PiiVaultStore, 'open'> };
  /** Prompt injection, manipulation, other customers' data, insults: caught before anything acts. */
  inputGuard: { inspect(text: string, context?: { history?: readonly string[] }): InputVerdict };
  /** Answers to frequent questions (null: off). */
  cache: AnswerCache | null;
  /** The current content hash of a KB document: a cached answer citing a changed one is dropped. */
  currentDocHash: (docId: string) => string | null;
  /** Every reply and bot action, masked, hash-chained. */
  audit: Pick<AuditLog, 'append'>;
  /** Where attached pictures are kept, encrypted, with their session (KEFU_IMAGE_RETENTION=on); absent: never kept. */
  retainedFiles?: Pick<RetainedFiles, 'put'> | null;
  /** The shop's zone: time expressions and business hours are read in it. */
  timeZone: string;
  /** Epoch ms; tests pin it. */
  now?: () => number;
}

export interface ChatPipeline {
  stream(req: ChatRequest): AsyncGenerator<ReplyPart>;
  run(req: ChatRequest): Promise<ChatReply>;
}

type SourcesPart = Extract<ReplyPart, { type: 'sources' }>;


/** An untrusted passage is listed without its title or link: both are its writer's, not the shop's. */
const UNVERIFIED_SOURCE = '未核实资料 / unverified';

const toSource = (p: Passage): SourceRef => ({
  id: p.id,
  title: p.trust === 'untrusted' ? UNVERIFIED_SOURCE : p.title,
  score: Math.round(p.score * 1000) / 1000,
  ...(p.url === undefined || p.trust === 'untrusted' ? {} : { url: p.url }),
});

const SYSTEM_PROMPTS = [POLICY.zh, POLICY.en];

/** Said instead of a text the output guard stopped, so the customer never meets silence. */
const safeReply = (lang: 'zh' | 'en'): string =>
  lang === 'zh' ? '抱歉,这个问题我需要请同事确认后再答复您。需要的话,点「转人工客服」我为您转接。' : 'Sorry, I need a colleague to confirm this before I answer. Tap "Talk to a person" if you would like me to connect you.';

/**
 * Replies are composed in Simplified Chinese (flows, templates, knowledge base, model) and shown
 * in the conversation's script: this is the one place a zh-Hant conversation gets Traditional
 * characters, streamed deltas and quick replies alike.
 */
const rendererFor = (locale: Locale | undefined): ((text: string) => string) => (locale === 'zh-Hant' ? toTraditional : (text) => text);

/** Kefu reads Simplified: a Traditional conversation's turns are converted before anything reads them. */
function inLocale(nlu: NluResult, locale: Locale): NluResult {
  const result: NluResult = { ...nlu, lang: langOf(locale) };
  const script = scriptOf(locale);
  if (script === undefined) delete result.script;
  else result.script = script;
  return result;
}

/** Below this, a greeting, thanks or small-talk reading is a guess and gets no canned reply. */
const SMALL_TALK_MIN_CONFIDENCE = 0.35;

/** Questions about facts the shop must get right: a miss on one goes to a person. */
const FACTUAL = new Set(['product_question', 'price_coupon', 'payment_problem', 'logistics', 'invoice', 'refund', 'return', 'exchange']);

export function createChatPipeline(deps: ChatPipelineDeps): ChatPipeline {
  const { sessions, kb, model, metrics, logger, options } = deps;
  const modelId = model?.id ?? 'none';
  const { dialogue } = deps;
  const clock = deps.now ?? Date.now;

  const generate = model === null ? null : createGroundedGenerator({ model, metrics, logger, maxTokens: options.maxTokens, minSentenceSupport: options.minSentenceSupport });

  /**
   * Drops the cached answer the last reply came from or went into when this turn, the next the
   * customer sent after it, disputes it (see `disputeOf`). The eviction reaches every node.
   */
  async function evictDisputed(cache: AnswerCache, sessionId: string, text: string, nlu: NluResult): Promise<void> {
    const recent = await sessions.recent(sessionId, 6);
    const last = recent.findLast((m) => m.role === 'assistant' || m.role === 'user');
    const key = last?.role === 'assistant' ? (last.meta['cacheKey'] as { question?: unknown; lang?: unknown } | undefined) : undefined;
    if (key === undefined || typeof key.question !== 'string' || (key.lang !== 'zh' && key.lang !== 'en')) return;
    const question = recent.find((m) => m.id === last!.meta['replyTo'])?.content;
    if (question === undefined) return;
    const dispute = disputeOf(question, { text, intent: nlu.intent, emotion: nlu.emotion });
    if (dispute === null) return;
    if (cache.evict(key.question, key.lang)) metrics.answerCache.inc({ result: 'evicted' });
    logger.info({ sessionId, dispute }, 'answer cache: evicted a disputed answer');
  }

  /**
   * The customer's message of a turn still to be written: it is stored with the reply, in one
   * transaction, at the end of the turn; a turn that fails or is dropped before that writes it
   * alone (see `turn` below), so the transcript keeps it as it did when it was written first.
   */
  interface PendingUser {
    params: Omit<RecordMessageParams, 'state'> | null;
  }

  async function* stream(req: ChatRequest, pending: PendingUser): AsyncGenerator<ReplyPart> {
    const started = performance.now();
    const arrivedAt = clock();
    const conversation = await sessions.open({
      ...(req.sessionId === undefined ? {} : { sessionId: req.sessionId }),
      ...(req.userId === undefined ? {} : { userId: req.userId }),
      ...(req.tenant === undefined ? {} : { tenant: req.tenant }),
      channel: req.channel,
      ...(req.createSession === true ? { createIfMissing: true } : {}),
      ...(req.access === undefined ? {} : { access: req.access }),
    });
    req.onOpened?.();
    const sessionId = conversation.id;
    // A resend (the connection broke, a node died): answer it from the transcript if it was
    // answered, else finish the turn without storing the customer's message a second time.
    let retryOf: StoredMessage | null = null;
    if (req.clientMessageId !== undefined) {
      const recent = await sessions.recent(sessionId, 40);
      const user = recent.find((m) => m.role === 'user' && m.meta['clientMessageId'] === req.clientMessageId) ?? null;
      const answered = user === null ? undefined : recent.find((m) => m.role === 'assistant' && m.meta['replyTo'] === user.id);
      if (answered !== undefined) {
        const text = (await deps.pii.vault.open(sessionId)).revealAll(answered.content);
        yield { type: 'text-delta', text };
        const m = answered.meta;
        yield {
          type: 'done',
          reply: {
            session_id: sessionId,
            message_id: answered.id,
            reply: text,
            intent: (m['intent'] as ChatReply['intent'] | undefined) ?? 'other',
            emotion: (user!.meta['emotion'] as Emotion | undefined) ?? { label: 'neutral', intensity: 0 },
            handoff: false,
            sources: (m['sources'] as SourceRef[] | undefined) ?? [],
            cached: false,
            ...(m['flow'] === undefined ? {} : { flow: m['flow'] as { name: string; step: string } }),
            model: String(m['model'] ?? 'retrieval'),
            replayed: true,
          },
        };
        return;
      }
      retryOf = user;
    }
    // Personal data becomes per-session pseudonyms ([PHONE_1]) before anything else sees the
    // message; the originals stay in the encrypted vault for the customer's own replies and for
    // flows that must pass them to the order system.
    // The vault may be shared with other nodes: what this turn pseudonymises (its attachments' text
    // too) is committed before any of it is stored, and masked again if another node took a pseudonym.
    const vault = await deps.pii.vault.open(sessionId);
    const maskText = (text: string, v: PiiVault = vault) => deps.pii.engine.mask(text, { mode: 'pseudonym', vault: v }).text;
    const masked = await maskWithVault(vault, (v) => {
      for (const a of req.attachments ?? []) maskText(a.text, v);
      return maskText(req.message, v);
    });
    const previousEmotion = conversation.state['lastEmotion'] as Emotion | undefined;
    // The conversation's language follows the customer; a turn with no prose of its own keeps it.
    const locale = nextLocale(masked, readLocale(conversation.state['locale']), req.locale);
    const hant = locale === 'zh-Hant';
    const understood = hant ? toSimplified(masked) : masked;
    const render = rendererFor(locale);
    const query = stripPlaceholders(understood);
    const now = new Date(clock());
    const stored = await sessions.history(sessionId, 20);
    // A resent turn's message is already the last one stored: it is the question, not history.
    const turns = retryOf !== null && stored.at(-1)?.role === 'user' ? stored.slice(0, -1) : stored;
    const history = hant ? turns.map((h) => ({ ...h, content: toSimplified(h.content) })) : turns;
    const understoodNlu = await deps.nlu.understand({
      text: understood,
      now,
      timeZone: deps.timeZone,
      history: history.map((h) => ({ role: h.role === 'user' ? 'user' : 'assistant', content: h.content })),
      ...(previousEmotion === undefined ? {} : { previousEmotion }),
      ...(req.signal === undefined ? {} : { signal: req.signal }),
    });
    let nlu = inLocale(understoodNlu, locale);
    metrics.intents.inc({ intent: nlu.intent, source: nlu.source });
    const userMessageId = retryOf?.id ?? randomUUID();
    // This turn may say the answer before it did not do (the same question again, a complaint,
    // dissatisfaction): that answer leaves the cache, so the next customer does not get it.
    if (deps.cache !== null && retryOf === null && turns.length > 0) await evictDisputed(deps.cache, sessionId, understood, nlu);
    // What a picture or recording said is the customer's text too: masked by the same vault.
    const attachments = retryOf !== null || req.attachments === undefined ? undefined : attachmentsMeta(req.attachments, sessionId, (text) => maskText(text), deps.retainedFiles ?? null);
    if (retryOf === null) {
      pending.params = {
        sessionId,
        id: userMessageId,
        role: 'user',
        content: masked,
        at: arrivedAt,
        meta: {
          intent: nlu.intent,
          emotion: nlu.emotion,
          entities: nlu.entities.map((e) => ({ type: e.type, value: e.type === 'phone' || e.type === 'id_card' ? e.text : e.value })),
          ...(req.clientMessageId === undefined ? {} : { clientMessageId: req.clientMessageId }),
          ...(attachments === undefined ? {} : { attachments }),
        },
      };
    }

    let firstTextAt: number | null = null;
    const gen: Generation = { text: '', usage: {}, finishReason: 'stop', fallback: null };
    let sources: SourceRef[] = [];
    let dialogueState = readDialogueState(conversation.state);
    let handoff = false;
    let handoffReason: string | null = null;
    let flow: { name: string; step: string } | undefined;
    let answered = true;
    let resolved = false;
    let transferred = false;
    let unanswered = false;
    let answeredBy: string | null = null;
    let inModel = false;
    let cachedHit = false;
    /** The cached question a hit was stored under. */
    let servedFrom: string | null = null;
    /** What a knowledge reply may draw on (the question, the confident passages): its strict check reads it. */
    let groundedOn: string | null = null;
    const guardDecisions: { principle: string; evidence: string; action: string }[] = [];
    // Text for the customer, and the sources part once retrieval has run.
    let parts: AsyncIterable<string | SourcesPart | RetractPart>;
    /** Buttons this turn offers beyond the flow step's own (the readings of an unclear message, a person). */
    let offered: string[] = [];
    /** What the knowledge path answers: the message, or the unclear one a clarification resolved. */
    let asked = understood;
    let askedQuery = query;
    const fixed = (text: string) => (async function* () { yield text; })();

    const ctx: FlowContext = {
      lang: nlu.lang,
      text: understood,
      nlu,
      sessionId,
      // The session's customer, fixed when it was created (a different user_id was refused).
      userId: conversation.userId,
      now,
      timeZone: deps.timeZone,
      orders: deps.orders,
      requestTicket: (t) => deps.tickets.request({ ...t, sessionId, userId: conversation.userId }),
      reveal: (text) => vault.revealAll(text),
      orderMemory: orderMemoryFrom(dialogueState),
      ...(req.signal === undefined ? {} : { signal: req.signal }),
    };

    /** Kinds of after-hours ticket this conversation has filed: asked again, it hears so. */
    const ticketsFiled = Array.isArray(conversation.state['ticketsFiled']) ? (conversation.state['ticketsFiled'] as string[]) : [];
    let ticketFiledNow: string | null = null;

    /** In hours a person is queued; outside them a ticket is offered instead. */
    const handOff = async (reason: HandoffReason, state: DialogueState, prefix = ''): Promise<string> => {
      if (deps.businessHours.isOpen(now)) {
        const queued = await deps.handoffs.request({ sessionId, tenant: conversation.tenant, reason, summary: `[${nlu.intent}] ${masked}` });
        metrics.handoffs.inc({ reason, result: 'queued' });
        handoff = true;
        handoffReason = reason;
        transferred = true;
        dialogueState = { ...state, flow: null };
        flow = { name: 'handoff', step: 'queued' };
        return prefix + queuedNotice(reason, nlu.lang, queued.position, queued.waitMinutes);
      }
      const ticketKind = reason === 'sensitive_topic' ? 'complaint' : 'handoff_after_hours';
      if (ticketsFiled.includes(ticketKind)) {
        metrics.handoffs.inc({ reason, result: 'ticket_filed_before' });
        dialogueState = { ...state, flow: null };
        answered = false;
        return prefix + handoffLead(reason, nlu.lang) + ticketFiledNotice(deps.businessHours.text, nlu.lang);
      }
      metrics.handoffs.inc({ reason, result: 'ticket_offered' });
      const offer = await dialogue.offerTicket(ctx, state, { hours: deps.businessHours.text, summary: `[${reason}] ${masked}`, ticketKind }, prefix + handoffLead(reason, nlu.lang));
      if (offer.kind !== 'reply') throw new Error('ticket offer did not reply');
      dialogueState = offer.state;
      flow = offer.flow;
      answered = false;
      return offer.text;
    };

    const verdict = deps.inputGuard.inspect(understood, { history: history.filter((h) => h.role === 'user').map((h) => h.content) });
    // A swear word next to "get me a real person" is a request for a person, and a request wins.
    const insultingRequest = verdict.action !== 'allow' && verdict.findings.every((f) => f.category === 'insult') && asksForPerson(understood);
    let inputGuard: { action: string; findings: { category: string; score: number }[] } | null = null;
    const open = await deps.handoffs.openFor(sessionId);
    let decision: Decision | null = null;
    if (open !== null && !(open.status === 'queued' && isAbort(understood))) {
      // A person owns the conversation: the bot only gives status notices, and none once assigned.
      handoff = true;
      transferred = true;
      flow = { name: 'handoff', step: open.status };
      const pos = await deps.handoffs.position(open);
      parts = fixed(open.status === 'queued' ? waitingNotice(nlu.lang, pos.position, pos.waitMinutes) : '');
    } else if (open !== null) {
      await deps.handoffs.close(open.id, 'cancelled');
      flow = { name: 'handoff', step: 'cancelled' };
      parts = fixed(handoffCancelled(nlu.lang));
    } else if (verdict.action !== 'allow' && !insultingRequest) {
      // An attack never reaches a flow or the model: a safe answer, or a person when it needs one.
      const top = verdict.findings[0]!;
      inputGuard = { action: verdict.action, findings: verdict.findings.map((f) => ({ category: f.category, score: Math.round(f.score * 100) / 100 })) };
      metrics.inputGuard.inc({ category: top.category, action: verdict.action });
      answeredBy = 'guard';
      const safe = safeTemplate(top.category, nlu.lang);
      parts = fixed(verdict.action === 'handoff' ? await handOff('manipulation', dialogueState, `${safe}\n`) : safe);
    } else {
      decision = await dialogue.handle(ctx, dialogueState);
      if (decision.kind === 'handoff') {
        parts = fixed(await handOff(decision.reason, decision.state));
      } else if (decision.kind === 'reply') {
        dialogueState = decision.state;
        flow = decision.flow;
        if (decision.event !== undefined && decision.flow !== undefined) metrics.flowEvents.inc({ flow: decision.flow.name, event: decision.event });
        resolved = decision.event === 'completed' || decision.event === 'ended';
        answered = decision.state.flow === null && decision.state.clarify === undefined;
        if (decision.flow?.name === 'ticket_offer' && decision.flow.step === 'done') ticketFiledNow = String(readDialogueState(conversation.state).flow?.slots['ticketKind'] ?? 'handoff_after_hours');
        offered = decision.quickReplies ?? [];
        parts = fixed(decision.text);
      } else {
        dialogueState = decision.state;
        flow = decision.flow;
        if (decision.question !== undefined) {
          asked = decision.question;
          askedQuery = stripPlaceholders(decision.question);
        }
        if (decision.intent !== undefined) nlu = { ...nlu, intent: decision.intent, confidence: 1 };
        parts = answerFromKnowledge();
      }
    }

    // The knowledge / LLM path: templates for small talk, retrieval, generation behind the guard.
    async function* answerFromKnowledge(): AsyncGenerator<string | SourcesPart | RetractPart> {
      const hours = asksAboutHours(asked);
      // A thin guess at small talk ("quantum chromodynamics…" read as a goodbye at 0.17) is no
      // reason to say "you're welcome": the knowledge base gets the message instead.
      const template = hours || (nlu.confidence < SMALL_TALK_MIN_CONFIDENCE && nlu.intent !== 'human_agent') ? null : templateReply(nlu.intent, nlu.lang);
      // Frequent questions come from the answer cache; never personal ones (the cache refuses
      // them on the pseudonymised text), never mid-flow, never complaints.
      const hit =
        template === null && deps.cache !== null && decision?.kind === 'answer' && decision.resume === undefined && nlu.intent !== 'complaint'
          ? await deps.cache.lookupAsync(asked, { lang: nlu.lang, intent: nlu.intent })
          : null;
      metrics.answerCache.inc({ result: hit === null ? 'miss' : 'hit' });
      if (hours) {
        // When people are there is the shop's configuration, not a passage: answered from it.
        answeredBy = 'template';
        resolved = true;
        dialogueState = dialogue.afterAnswer(dialogueState, { confident: true, factual: false }).state;
        if (deps.businessHours.isOpen(now)) offered = [personLabel(nlu.lang)];
        yield hoursNotice(deps.businessHours.text, deps.businessHours.isOpen(now), nlu.lang);
      } else if (template !== null) {
        // A human_agent message that is no request ("你是真人吗?", "不用转人工") may still want one later.
        if (nlu.intent === 'human_agent') offered = [personLabel(nlu.lang)];
        answeredBy = 'template';
        resolved = nlu.intent === 'goodbye';
        yield template;
      } else if (hit !== null) {
        answeredBy = 'cache';
        cachedHit = true;
        servedFrom = hit.question;
        resolved = true;
        sources = hit.sources;
        dialogueState = dialogue.afterAnswer(dialogueState, { confident: true, factual: false }).state;
        yield { type: 'sources', sources };
        yield hit.answer;
      } else {
        const passages = await kb.search(askedQuery, options.topK);
        const confident = passages.filter((p) => isConfidentPassage(p, options.minPassageConfidence));
        metrics.kbRetrievals.inc({ result: confident.length > 0 ? 'hit' : 'miss' });
        sources = confident.map(toSource);
        yield { type: 'sources', sources };
        const inFlow = decision?.kind === 'answer' && decision.resume !== undefined;
        const fromOrders = confident.length === 0 && decision?.kind === 'answer' && !inFlow ? await dialogue.startWhenUnanswered({ ...ctx, nlu }, dialogueState) : null;
        if (fromOrders?.kind === 'reply') {
          dialogueState = fromOrders.state;
          flow = fromOrders.flow;
          if (fromOrders.event !== undefined && fromOrders.flow !== undefined) metrics.flowEvents.inc({ flow: fromOrders.flow.name, event: fromOrders.event });
          resolved = fromOrders.event === 'completed' || fromOrders.event === 'ended';
          answered = fromOrders.state.flow === null;
          offered = fromOrders.quickReplies ?? [];
          yield fromOrders.text;
        } else if (confident.length === 0) {
          unanswered = true;
          const after = dialogue.afterAnswer(dialogueState, { confident: false, factual: FACTUAL.has(nlu.intent) && !inFlow });
          dialogueState = after.state;
          if (after.handoff !== null) {
            yield await handOff(after.handoff, after.state);
            return;
          }
          answered = false;
          offered = [personLabel(nlu.lang)];
          yield noAnswerReply(nlu.lang);
        } else {
          dialogueState = dialogue.afterAnswer(dialogueState, { confident: true, factual: false }).state;
          resolved = true;
          // Only passages the shop vouches for back a commitment; untrusted ones back nothing and may not be copied.
          const trusted = confident.filter((p) => p.trust !== 'untrusted').map((p) => `${p.title} ${p.text}`).join('\n');
          const untrusted = confident.filter((p) => p.trust === 'untrusted').map((p) => `${p.title} ${p.text}`).join('\n');
          // The retrieval answer meets the same guard as model text: quoting a passage is no exemption.
          groundedOn = [asked, ...confident.map((p) => `${p.title} ${p.text}`)].join('\n');
          const kbAnswer = (): string => {
            const text = retrievalAnswer(confident, nlu.lang, asked);
            const v = deps.outputGuard.check(text, { trusted, given: asked, systemPrompts: SYSTEM_PROMPTS, untrusted });
            if (v.length === 0) return text;
            guardDecisions.push(...v.map((x) => ({ principle: x.principle, evidence: x.evidence, action: 'replaced' })));
            metrics.fallbacks.inc({ reason: `guard:${v[0]!.principle}` });
            offered = [personLabel(nlu.lang)];
            return safeReply(nlu.lang);
          };
          if (generate === null) {
            yield kbAnswer();
          } else {
            const prompts = [
              () => buildPrompt({ userMessage: asked, passages: confident, history, lang: nlu.lang, historyTokenBudget: options.historyTokens }),
              () => buildPrompt({ userMessage: asked, passages: confident.slice(0, 2), history, lang: nlu.lang, historyTokenBudget: Math.min(128, options.historyTokens), passageChars: 200 }),
              () => buildPrompt({ userMessage: asked, passages: confident.slice(0, 1), history: [], lang: nlu.lang, passageChars: 200 }),
            ];
            const allowed = [asked, ...confident.map((p) => `${p.title} ${p.text}`), ...history.map((h) => h.content)].join('\n');
            answeredBy = modelId;
            const given = [asked, ...history.filter((h) => h.role === 'user').map((h) => h.content)].join('\n');
            inModel = true;
            const streamed = generate(prompts, allowed, kbAnswer, req.signal, gen, (text) => {
              const v = deps.outputGuard.check(text, { trusted, given, systemPrompts: SYSTEM_PROMPTS, untrusted });
              if (v.length === 0) return null;
              guardDecisions.push(...v.map((x) => ({ principle: x.principle, evidence: x.evidence, action: 'replaced' })));
              return v[0]!.principle;
            }, { untrusted });
            // The grounding gate (docs/grounding.md): a garbled, cut or off-topic reply is withdrawn for the extractive answer.
            const noAnswer = (): string => {
              offered = [personLabel(nlu.lang)];
              return noAnswerReply(nlu.lang);
            };
            yield* gateModelReply(streamed, { question: asked, passages: confident, gen, replacement: kbAnswer, noAnswer, onReplaced: (reason) => metrics.fallbacks.inc({ reason }) });
            inModel = false;
          }
        }
      }
      if (nlu.intent === 'complaint') {
        await ctx.requestTicket({ kind: 'complaint', summary: asked, idempotencyKey: `${sessionId}:complaint` });
        yield `\n${complaintNotice(nlu.lang)}`;
      }
      if (decision?.kind === 'answer' && decision.resume !== undefined) {
        yield decision.resume;
        answered = false;
      }
    }

    // Every part the customer sees is the reply, whichever path produced it. Model text was
    // guarded sentence by sentence inside `generate`; Kefu's own texts (templates, flows, cited
    // passages) get the same checks here as a backstop, with their commitments taken as confirmed.
    let replyText = '';
    /** As shown, still pseudonymised: the transcript and the audit keep what the customer saw. */
    let renderedText = '';
    let displayText = '';
    /** Set when the text so far was withdrawn (`RetractPart`): the replacement goes out on a new line. */
    let retracted = false;
    for await (const text of parts) {
      if (isRetract(text)) {
        retracted = displayText.length > 0;
        replyText = '';
        renderedText = '';
        displayText = '';
        continue;
      }
      if (typeof text !== 'string') {
        yield text;
        continue;
      }
      if (req.signal?.aborted) break;
      if (text.length === 0) continue;
      let out = text;
      if (!inModel) {
        const v = deps.outputGuard.check(text, { trusted: sources.length > 0 ? text : '', given: asked, systemPrompts: SYSTEM_PROMPTS, commitmentsConfirmed: true });
        if (v.length > 0) {
          guardDecisions.push(...v.map((x) => ({ principle: x.principle, evidence: x.evidence, action: 'replaced' })));
          metrics.fallbacks.inc({ reason: `guard:${v[0]!.principle}` });
          out = safeReply(nlu.lang);
          offered = [personLabel(nlu.lang)];
        }
      }
      if (firstTextAt === null) {
        firstTextAt = performance.now();
        metrics.timeToFirstToken.observe((firstTextAt - started) / 1000);
      }
      replyText += out;
      // The conversation's script is applied before the customer's own data is put back, so a
      // name or an address is shown as they wrote it; transcripts and the audit keep the pseudonyms.
      const rendered = render(out);
      renderedText += rendered;
      const shown = vault.revealAll(rendered);
      displayText += shown;
      yield { type: 'text-delta', text: retracted ? `\n${shown}` : shown };
      retracted = false;
    }
    if (req.signal?.aborted) gen.finishReason = 'abort';
    // Sound: nothing replaced or fallen back, and a knowledge reply passes the strict check. Only a
    // sound reply is cached, exported for training or counts as resolving the conversation.
    const replaced = guardDecisions.length > 0 || gen.fallback !== null;
    const strict = groundedOn === null || replyText.length === 0 ? [] : strictGroundingFailures(replyText, groundedOn, sources.length);
    const sound = !replaced && strict.length === 0;
    if (!sound) {
      resolved = false;
      answered = false;
    }
    // Plain-text channels (WeCom) carry the AI-generated label in the text itself.
    if (replyText.length > 0 && CHANNELS_NEEDING_AI_LABEL.has(req.channel)) {
      const label = `\n${aiLabelLine(nlu.lang)}`;
      replyText += label;
      renderedText += render(label);
      displayText += render(label);
      yield { type: 'text-delta', text: render(label) };
    }
    if (handoff && handoffReason !== null) yield { type: 'handoff', reason: handoffReason };

    const messageId = randomUUID();
    const quick = (offered.length > 0 ? offered : quickReplies(flow, dialogueState, nlu.lang)).map(render);
    const reply: ChatReply = {
      session_id: sessionId,
      // Given once, with the reply that created the session: the client keeps it to go on.
      ...(conversation.issuedToken === undefined ? {} : { session_token: conversation.issuedToken }),
      message_id: messageId,
      reply: displayText,
      intent: nlu.intent,
      emotion: nlu.emotion,
      handoff,
      sources,
      cached: cachedHit,
      ...(flow === undefined ? {} : { flow }),
      ...(quick.length === 0 ? {} : { quick_replies: quick }),
      ...(attachments === undefined ? {} : { attachments: attachments.map((a) => ({ type: a.type, text: vault.revealAll(a.text) })) }),
      model: gen.fallback !== null ? 'retrieval' : answeredBy === modelId && model !== null ? modelId : answeredBy ?? (flow !== undefined ? 'dialogue' : 'retrieval'),
      usage: gen.usage,
      finish_reason: gen.finishReason,
    };
    const nextState = { ...conversation.state, lastEmotion: nlu.emotion, dialogue: { ...dialogueState, ...orderMemoryFields(ctx.orderMemory!) }, locale, ...(ticketFiledNow === null ? {} : { ticketsFiled: [...ticketsFiled, ticketFiledNow] }) };
    // Masked once for the transcript and the audit: a scan of a long reply costs about as much as the NLU.
    const maskedReply = renderedText.length > 0 ? maskPii(renderedText) : '';
    // The customer's message (unless a resend found it stored), the reply and the dialogue state
    // it led to are written together: a node dying here leaves none or all, so a resent message
    // meets a consistent flow, and the turn costs one commit.
    const user = pending.params === null ? [] : [pending.params];
    // A first question answered soundly from the knowledge base is kept for the next customer
    // who asks it; later turns may lean on the conversation, so they are not.
    const keep = deps.cache !== null && !cachedHit && sound && history.length === 0 && replyText.length > 0 && isCacheable(understood, { intent: nlu.intent, flow, handoff, unanswered, guardReplaced: replaced, inputGuard, sources });
    /** The cache entry this reply came from or went into: evicted if what follows disputes it. */
    const cacheKey: { question: string; lang: CacheLang } | null = cachedHit && servedFrom !== null ? { question: servedFrom, lang: nlu.lang } : keep ? { question: understood, lang: nlu.lang } : null;
    if (replyText.length > 0) {
      await sessions.recordAll([
        ...user,
        {
          sessionId,
          id: messageId,
          role: 'assistant',
          content: maskedReply,
          meta: { replyTo: userMessageId, intent: nlu.intent, sources, model: reply.model, promptVersion: PROMPT_VERSION, fallback: gen.fallback, finishReason: gen.finishReason, unanswered, guard: guardDecisions, inputGuard, cached: cachedHit, sound, ...(strict.length === 0 ? {} : { strict }), ...(cacheKey === null ? {} : { cacheKey }), latencyMs: Math.round(performance.now() - started), ...(flow === undefined ? {} : { flow }) },
        },
      ], nextState);
    } else if (user.length > 0) {
      await sessions.recordAll(user, nextState);
    } else {
      await sessions.saveState(sessionId, nextState);
    }
    pending.params = null;

    if (keep && deps.cache !== null) {
      const docHashes: Record<string, string> = {};
      for (const src of sources) {
        const h = deps.currentDocHash(docIdOf(src.id));
        if (h !== null) docHashes[docIdOf(src.id)] = h;
      }
      if (deps.cache.store({ question: understood, lang: nlu.lang, intent: nlu.intent, answer: replyText, sources, docHashes, model: reply.model })) metrics.answerCache.inc({ result: 'stored' });
    } else if (deps.cache !== null && !cachedHit && !sound && groundedOn !== null) {
      metrics.answerCache.inc({ result: 'not_stored_unsound' });
    }
    if (replyText.length > 0 || handoff) {
      await deps.audit.append({
        kind: inputGuard !== null ? 'guard_block' : handoffReason !== null ? 'handoff' : flow !== undefined && flow.step === 'done' ? 'action' : 'reply',
        sessionId,
        channel: req.channel,
        content: maskedReply,
        model: reply.model,
        promptVersion: answeredBy === modelId ? PROMPT_VERSION : null,
        sources: sources.map((s) => s.id),
        guard: { input: inputGuard, output: guardDecisions },
        latencyMs: Math.round(performance.now() - started),
        meta: { messageId, intent: nlu.intent, ...(flow === undefined ? {} : { flow }), handoff, fallback: gen.fallback, finishReason: gen.finishReason, aiGenerated: true },
      });
    }
    await deps.outcomes.recordTurn({ sessionId, channel: req.channel, intent: nlu.intent, answered, resolved, transferred });

    if (gen.usage.outputTokens !== undefined) metrics.generatedTokens.inc({ model: modelId }, gen.usage.outputTokens);
    metrics.requests.inc({ channel: req.channel, outcome: gen.finishReason === 'abort' ? 'aborted' : 'ok' });
    metrics.latency.observe({ channel: req.channel }, (performance.now() - started) / 1000);
    yield { type: 'done', reply };
  }

  /** A turn; its customer message is written alone if the turn ends before writing it with the reply. */
  async function* turn(req: ChatRequest): AsyncGenerator<ReplyPart> {
    const pending: PendingUser = { params: null };
    try {
      yield* stream(req, pending);
    } finally {
      if (pending.params !== null) {
        try {
          await sessions.record(pending.params);
        } catch (err) {
          logger.warn({ err }, 'could not store the customer message of an unfinished turn');
        }
      }
    }
  }

  async function run(req: ChatRequest): Promise<ChatReply> {
    for await (const part of turn(req)) {
      if (part.type === 'done') return part.reply;
      if (part.type === 'error') throw new Error(part.message);
    }
    throw new Error('pipeline ended without a reply');
  }

  return {
    stream: async function* (req) {
      try {
        yield* turn(req);
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
