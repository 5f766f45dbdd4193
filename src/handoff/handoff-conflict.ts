import type { Handoff } from '../contracts/handoff-queue.ts';
import { KefuError } from '../errors.ts';

/** The 409 both queue adapters give when a handoff is not in the state an action needs. */
export function handoffConflict(h: Handoff, wanted: string): KefuError {
  return new KefuError('handoff_conflict', `Handoff ${h.id} is ${h.status}${h.agent === null ? '' : ` (agent ${h.agent})`}, cannot ${wanted}`, { status: 409 });
}
