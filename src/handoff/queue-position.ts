import { DEFAULT_SERVICE_MINUTES, type QueuePosition } from '../contracts/handoff-queue.ts';

/**
 * What a queued customer is told, from the counts each store reads its own way: the conversations
 * ahead, agents on duty, and the measured minutes per conversation (null until enough are resolved).
 */
export function queuePosition(ahead: number, agents: number, serviceMinutes: number | null): QueuePosition {
  const perConversation = serviceMinutes ?? DEFAULT_SERVICE_MINUTES;
  return { position: ahead, waitMinutes: Math.max(1, Math.ceil((ahead * perConversation) / Math.max(1, agents))) };
}
