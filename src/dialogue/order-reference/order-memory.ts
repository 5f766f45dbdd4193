/**
 * What the conversation remembers about orders between turns, kept in the session's dialogue
 * state: the order last discussed ("那单", "it", "那现在到哪了" refer to it) and the ids of the
 * list the bot showed last ("第二个" picks from it). The resolver updates it during a turn.
 */
export interface OrderMemory {
  focusOrderId: string | null;
  shownOrderIds: string[];
}

export function orderMemoryFrom(state: { focusOrderId?: string | undefined; shownOrderIds?: readonly string[] | undefined }): OrderMemory {
  return {
    focusOrderId: typeof state.focusOrderId === 'string' ? state.focusOrderId : null,
    shownOrderIds: Array.isArray(state.shownOrderIds) ? state.shownOrderIds.filter((id): id is string => typeof id === 'string').slice(0, 10) : [],
  };
}

/** The memory as dialogue-state fields; empty ones are left out. */
export function orderMemoryFields(memory: OrderMemory): { focusOrderId?: string; shownOrderIds?: string[] } {
  return Object.assign(memory.focusOrderId === null ? {} : { focusOrderId: memory.focusOrderId }, memory.shownOrderIds.length === 0 ? {} : { shownOrderIds: memory.shownOrderIds });
}
