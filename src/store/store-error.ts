import type { ConversationStoreErrorCode } from '../contracts/conversation-store.ts';
import { KefuError } from '../errors.ts';

const STATUS: Record<ConversationStoreErrorCode, number> = {
  conversation_not_found: 404,
  conversation_exists: 409,
  message_exists: 409,
  invalid_argument: 400,
  store_closed: 503,
  schema_too_new: 500,
};

/**
 * The one way adapters fail, shared by every adapter so that codes and statuses cannot drift
 * between SQLite and PostgreSQL.
 */
export function storeError(code: ConversationStoreErrorCode, message: string, cause?: unknown): KefuError {
  return new KefuError(code, message, {
    status: STATUS[code],
    retryable: code === 'store_closed',
    ...(cause === undefined ? {} : { cause }),
  });
}
