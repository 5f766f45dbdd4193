import type { ConversationStore } from '../contracts/conversation-store.ts';
import type { OutcomeTracker } from '../contracts/outcome-tracker.ts';

/** Deletes a session's personal data everywhere Kefu keeps it; true if the conversation existed. */
export type EraseSession = (sessionId: string) => Promise<boolean>;

/**
 * Erasure of one session: its rating comment, its vault originals, then the conversation with
 * its transcript. The SQLite stores run with `secure_delete` and cut their WAL after a delete, so
 * the text is gone from the files, not only from queries (PostgreSQL: see docs/privacy.md). The
 * conversation goes last, so a failure half way leaves a session that can be erased again.
 * What stays: the outcome row without its comment (KPIs) and the audit log (docs/privacy.md).
 */
export function createSessionEraser(deps: {
  store: Pick<ConversationStore, 'deleteConversation'>;
  outcomes: Pick<OutcomeTracker, 'eraseComments'>;
  vault: { purgeSession(sessionId: string): Promise<void> };
}): EraseSession {
  return async (sessionId) => {
    await deps.outcomes.eraseComments({ sessionId });
    await deps.vault.purgeSession(sessionId);
    return deps.store.deleteConversation(sessionId);
  };
}
