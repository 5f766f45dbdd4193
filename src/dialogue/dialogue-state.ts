import { orderMemoryFields, orderMemoryFrom } from './order-reference/order-memory.ts';
import { emptyDialogueState, type DialogueState } from './dialogue-manager.ts';

/** The dialogue part of a session's state; anything unreadable (older versions) starts afresh. */
export function readDialogueState(state: Record<string, unknown>): DialogueState {
  const d = state['dialogue'] as Partial<DialogueState> | undefined;
  if (d === undefined || typeof d !== 'object' || d === null) return emptyDialogueState();
  const read: DialogueState = { flow: d.flow ?? null, failedTurns: typeof d.failedTurns === 'number' ? d.failedTurns : 0 };
  if (d.clarify !== undefined && d.clarify !== null && Array.isArray(d.clarify.options)) read.clarify = d.clarify;
  Object.assign(read, orderMemoryFields(orderMemoryFrom(d)));
  return read;
}
