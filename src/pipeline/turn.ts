import type { StoredMessage } from '../contracts/conversation-store.ts';
import type { ChatMessage } from '../contracts/language-model.ts';
import type { NluResult } from '../contracts/nlu.ts';
import type { SessionVault } from '../contracts/pii-vault.ts';
import type { ChatReply, ReplyPart, SourceRef } from '../contracts/reply-part.ts';
import type { CacheLang } from '../contracts/answer-cache.ts';
import type { Locale } from '../dialogue/conversation-locale.ts';
import type { Decision, DialogueState } from '../dialogue/dialogue-manager.ts';
import type { FlowContext } from '../dialogue/flow-types.ts';
import type { AttachmentReading } from '../multimodal/attachment.ts';
import type { InputVerdict } from '../safety/input-guard/input-guard.ts';
import type { OpenedSession, RecordMessageParams } from '../sessions/session-manager.ts';
import type { ChatPipelineDeps, ChatRequest } from './chat-pipeline-types.ts';
import type { Generation, createGroundedGenerator } from './grounded-generation.ts';
import type { StrictFailure } from './grounding-check.ts';
import type { RetractPart } from './grounding-gate.ts';

/**
 * One turn, as the stages of `createChatPipeline` fill it in, in order: each stage reads the
 * parts before it and writes its own, and nothing else; the turn is the only thing they share.
 */
export interface Turn {
  req: ChatRequest;
  /** performance.now() when the turn began: latencies. */
  started: number;
  /** Epoch ms the message arrived: its transcript time. */
  arrivedAt: number;
  /** The customer's message still to be written; the pipeline writes it alone if the turn ends first. */
  pending: { user: Omit<RecordMessageParams, 'state'> | null };
  /**
   * How the reply leaves: 'stream' shows text as it is judged safe, 'whole' (`run`: JSON replies,
   * WeCom) only as the finished reply, so nothing is released early inside a sentence.
   */
  delivery: 'stream' | 'whole';
  session: TurnSession;
  text: MaskedText;
  understanding: Understanding;
  input: InputCheck;
  decision: TurnDecision;
  reply: ReplyParts;
  outcome: TurnOutcome;
}

/** `openSession`: the conversation, and what it already holds of this message. */
export interface TurnSession {
  conversation: OpenedSession;
  id: string;
  /** The session's pseudonyms and their originals, opened once for the turn (a remote store is read here). */
  vault: SessionVault;
  /** The stored customer message a resend repeats (not yet answered); null for a new message. */
  resent: StoredMessage | null;
}

/** `mask`: the message as everything after it reads it. */
export interface MaskedText {
  /** Personal data replaced by this session's pseudonyms ([PHONE_1]); stored as such. */
  masked: string;
  locale: Locale;
  /** `masked` in Simplified Chinese: what Kefu reads. */
  understood: string;
  /** `understood` without pseudonyms: what the knowledge base is searched for. */
  query: string;
  /** Shows a reply in the conversation's script. */
  render: (text: string) => string;
  now: Date;
}

/** `understand`: the reading of the message in its conversation. */
export interface Understanding {
  nlu: NluResult;
  /** Earlier turns, in Simplified Chinese, without a resent message. */
  history: ChatMessage[];
  userMessageId: string;
  attachments: AttachmentReading[] | undefined;
  /** What flows read and act through. */
  context: FlowContext;
  /** Kinds of after-hours ticket this conversation has filed: asked again, it hears so. */
  ticketsFiled: string[];
}

/** `guardInput`: whether the message is an attack, and what kind. */
export interface InputCheck {
  verdict: InputVerdict;
  /** The guard answers instead of a flow or the model. */
  blocked: boolean;
}

export type Route = 'agent' | 'agent_cancelled' | 'guard' | 'flow' | 'knowledge';

/** `route` (and `handOff`, and the knowledge answer for what it decides): who answers, and the dialogue after. */
export interface TurnDecision {
  route: Route;
  /** The reply of every route but `knowledge`. */
  text: string;
  /** The dialogue manager's decision; null when it was not asked. */
  dialogue: Decision | null;
  /** The reading the reply answers: the understood one, or the intent a clarification settled. */
  nlu: NluResult;
  state: DialogueState;
  flow: { name: string; step: string } | undefined;
  handoff: boolean;
  handoffReason: string | null;
  inputGuard: { action: string; findings: { category: string; score: number }[] } | null;
  /** What the knowledge path answers: the message, or the unclear one a clarification resolved. */
  asked: string;
  askedQuery: string;
  /** Buttons this turn offers beyond the flow step's own (the readings of an unclear message, a person). */
  offered: string[];
  ticketFiledNow: string | null;
}

export type GuardDecision = { principle: string; evidence: string; action: string };

/** The answer stages, `guardOutput` and `reveal`: what was said and where it came from. */
export interface ReplyParts {
  sources: SourceRef[];
  gen: Generation;
  answeredBy: string | null;
  /**
   * What the answer stage yields now was guarded by it, with the passages and the customer's words
   * as context: model text sentence by sentence as it streams, a quoted answer whole. `guardOutput`
   * passes it on rather than checking it a second time with less to go on.
   */
  guarded: boolean;
  cachedHit: boolean;
  /** The cached question a hit was stored under. */
  servedFrom: string | null;
  /** What a knowledge reply may draw on (the question, the confident passages): its strict check reads it. */
  groundedOn: string | null;
  guardDecisions: GuardDecision[];
  /** As composed: Simplified, pseudonymised. */
  text: string;
  /** As shown, still pseudonymised: the transcript and the audit keep what the customer saw. */
  rendered: string;
  /** As shown, with the customer's own data. */
  shown: string;
  firstTextAt: number | null;
}

/** What the outcome tracker counts; written along the way, settled by `conclude`. */
export interface TurnOutcome {
  answered: boolean;
  resolved: boolean;
  transferred: boolean;
  unanswered: boolean;
}

/** `conclude`: the reply and what is kept of it. */
export interface Conclusion {
  reply: ChatReply;
  messageId: string;
  sound: boolean;
  replaced: boolean;
  strict: StrictFailure[];
  nextState: Record<string, unknown>;
  /** The rendered reply masked again, for the transcript and the audit. */
  maskedReply: string;
  /** Stored in the answer cache. */
  keep: boolean;
  /** The cache entry this reply came from or went into: evicted if what follows disputes it. */
  cacheKey: { question: string; lang: CacheLang } | null;
}

export type ConcludedTurn = Turn & { result: Conclusion };

export type SourcesPart = Extract<ReplyPart, { type: 'sources' }>;

/** What the answer stages stream: text, the sources once retrieval has run, a withdrawal of the text so far. */
export type AnswerPart = string | SourcesPart | RetractPart;

/** What stages get besides the turn: the pipeline's dependencies and what it builds from them once. */
export interface StageDeps extends ChatPipelineDeps {
  clock: () => number;
  modelId: string;
  generate: ReturnType<typeof createGroundedGenerator> | null;
}

/** The reply before anything is said. */
export const emptyReply = (): ReplyParts => ({
  sources: [],
  gen: { text: '', usage: {}, finishReason: 'stop', fallback: null },
  answeredBy: null,
  guarded: false,
  cachedHit: false,
  servedFrom: null,
  groundedOn: null,
  guardDecisions: [],
  text: '',
  rendered: '',
  shown: '',
  firstTextAt: null,
});

/** A turn counts as answered until a route or the answer says otherwise. */
export const openOutcome = (): TurnOutcome => ({ answered: true, resolved: false, transferred: false, unanswered: false });
