import type { AnswerCache } from '../contracts/answer-cache.ts';
import type { AuditLog } from '../contracts/audit-log.ts';
import type { HandoffQueue } from '../contracts/handoff-queue.ts';
import type { KnowledgeBase } from '../contracts/knowledge-base.ts';
import type { LanguageModel } from '../contracts/language-model.ts';
import type { Nlu } from '../contracts/nlu.ts';
import type { OrderConnector } from '../contracts/order-connector.ts';
import type { OutcomeTracker } from '../contracts/outcome-tracker.ts';
import type { PiiVaultStore } from '../contracts/pii-vault.ts';
import type { ChatReply, ReplyPart } from '../contracts/reply-part.ts';
import type { Locale } from '../dialogue/conversation-locale.ts';
import type { DialogueManager } from '../dialogue/dialogue-manager.ts';
import type { TicketRequest } from '../dialogue/flow-types.ts';
import type { BusinessHours } from '../handoff/business-hours.ts';
import type { Logger } from '../logging/create-logger.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import type { TurnAttachment } from '../multimodal/read-attachments.ts';
import type { RetainedFiles } from '../contracts/retained-files.ts';
import type { InputVerdict } from '../safety/input-guard/input-guard.ts';
import type { OutputGuard } from '../safety/output-guard/output-guard.ts';
import type { PiiEngine } from '../safety/pii/create-pii-engine.ts';
import type { SessionManager } from '../sessions/session-manager.ts';
import type { SessionAccess } from '../sessions/session-token.ts';
import type { ShopIdentity } from './shop-identity.ts';

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
  /** The shop the assistant speaks for: its prompt and its own texts name it (`KEFU_SHOP_NAME`). */
  shop: ShopIdentity;
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
