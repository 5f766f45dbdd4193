import type { PageEvent, ProactiveRule } from './proactive-rules.ts';

/**
 * Where the proactive service keeps its triggers and event counts: `<data dir>/proactive.db` on
 * one node (shared by the processes on it), PostgreSQL in a cluster, so a visitor's daily limit
 * holds whichever node their page events reach.
 */
export interface ProactiveLedger {
  /**
   * Counts the event for `day`, then, atomically with the other nodes, records a trigger for the
   * first of `candidates` the visitor has not used up on `day`; returns that rule, or null.
   */
  record(event: PageEvent, day: string, at: number, candidates: readonly ProactiveRule[]): Promise<ProactiveRule | null>;
  triggersSince(day: string): Promise<{ rule_id: string; day: string; n: number }[]>;
  eventsSince(day: string): Promise<{ day: string; type: string; count: number }[]>;
  /** Deletes triggers and counts of days before `day`. */
  prune(day: string): Promise<void>;
  close(): Promise<void>;
}
