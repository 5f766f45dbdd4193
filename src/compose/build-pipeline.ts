import type { AnswerCache } from '../contracts/answer-cache.ts';
import type { AuditLog } from '../contracts/audit-log.ts';
import type { HandoffQueue } from '../contracts/handoff-queue.ts';
import type { KnowledgeBase } from '../contracts/knowledge-base.ts';
import type { LanguageModel } from '../contracts/language-model.ts';
import type { Nlu } from '../contracts/nlu.ts';
import type { OrderConnector } from '../contracts/order-connector.ts';
import type { OutcomeTracker } from '../contracts/outcome-tracker.ts';
import type { PiiVaultStore } from '../contracts/pii-vault.ts';
import type { RetainedFiles } from '../contracts/retained-files.ts';
import type { TicketKind } from '../contracts/ticket-store.ts';
import { createDialogueManager } from '../dialogue/dialogue-manager.ts';
import { createEmbeddedNlu } from '../dialogue/embedded-nlu.ts';
import { extractEntities } from '../dialogue/entities/extract-entities.ts';
import { compileOrderIdPattern } from '../dialogue/entities/order-id-pattern.ts';
import { createFlowCatalog } from '../dialogue/flow-catalog.ts';
import { createLlmNlu } from '../dialogue/llm-nlu.ts';
import { loadShopPolicy } from '../dialogue/policy/shop-policy.ts';
import { parseBusinessHours } from '../handoff/business-hours.ts';
import { CONFIDENT_PASSAGE } from '../knowledge/confidence.ts';
import { createChatPipeline, type ChatPipeline } from '../pipeline/chat-pipeline.ts';
import { createInputGuard } from '../safety/input-guard/input-guard.ts';
import type { OutputGuard } from '../safety/output-guard/output-guard.ts';
import type { PiiEngine } from '../safety/pii/create-pii-engine.ts';
import type { SessionManager } from '../sessions/session-manager.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { RootContext } from './root-context.ts';
import { warmUp } from './warm-up.ts';

/** The understanding the turn starts from: the embedded NLU, or the model's with it as fallback (KEFU_NLU=llm); the embedded one apart, for warming. */
function createNlu(ctx: RootContext, model: LanguageModel | null): { nlu: Nlu; embeddedNlu: Nlu } {
  const { config, logger } = ctx;
  const orderIdPattern = config.orderIdPattern === null ? undefined : compileOrderIdPattern(config.orderIdPattern);
  const embeddedNlu = createEmbeddedNlu({ extractEntities: orderIdPattern === undefined ? extractEntities : (text, options) => extractEntities(text, { ...options, orderIdPattern }) });
  const nlu = config.nlu === 'llm' && model !== null
    ? createLlmNlu({ model, fallback: embeddedNlu, onFallback: (reason) => logger.warn({ reason }, 'LLM NLU failed, embedded NLU used') })
    : embeddedNlu;
  return { nlu, embeddedNlu };
}

export interface TurnParts {
  sessions: SessionManager;
  kb: KnowledgeBase;
  model: LanguageModel | null;
  orders: OrderConnector;
  handoffs: HandoffQueue;
  outcomes: OutcomeTracker;
  tickets: TicketService;
  cache: AnswerCache | null;
  audit: AuditLog;
  piiEngine: PiiEngine;
  vault: PiiVaultStore;
  retainedFiles: RetainedFiles | null;
  outputGuard: OutputGuard;
}

/**
 * The chat turn every channel runs, from the parts the composition root opened, and `warmUp`,
 * which runs its pure parts once so that the first customer after a start does not pay for loading them.
 */
export function buildPipeline(ctx: RootContext, parts: TurnParts): { pipeline: ChatPipeline; warmUp(): Promise<void> } {
  const { config } = ctx;
  const { nlu, embeddedNlu } = createNlu(ctx, parts.model);
  const inputGuard = createInputGuard();
  const pipeline = createChatPipeline({
    sessions: parts.sessions,
    kb: parts.kb,
    model: parts.model,
    metrics: ctx.metrics,
    logger: ctx.logger,
    nlu,
    // The after-sales policy is read once at start; a bad file stops startup with the field named.
    dialogue: createDialogueManager({ angerHandoff: 0.85, flows: createFlowCatalog(loadShopPolicy(config.shopPolicyPath ?? undefined)) }),
    orders: parts.orders,
    handoffs: parts.handoffs,
    outcomes: parts.outcomes,
    tickets: {
      async request(t) {
        await parts.tickets.requestTicket({ kind: t.kind as TicketKind, sessionId: t.sessionId, userId: t.userId, summary: t.summary, idempotencyKey: t.idempotencyKey });
      },
    },
    businessHours: parseBusinessHours(config.businessHours, config.timeZone),
    outputGuard: parts.outputGuard,
    inputGuard,
    cache: parts.cache,
    currentDocHash: (docId: string) => parts.kb.docHash(docId),
    audit: parts.audit,
    pii: { engine: parts.piiEngine, vault: parts.vault },
    retainedFiles: parts.retainedFiles,
    timeZone: config.timeZone,
    now: ctx.now,
    options: {
      historyTokens: config.historyTokens,
      maxTokens: config.maxTokens,
      minPassageConfidence: CONFIDENT_PASSAGE,
      topK: 3,
      minSentenceSupport: 0.5,
      shop: config.shop,
    },
  });
  return { pipeline, warmUp: () => warmUp({ nlu: embeddedNlu, inputGuard, outputGuard: parts.outputGuard, piiEngine: parts.piiEngine, shop: config.shop }) };
}
