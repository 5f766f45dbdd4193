import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** A name for a holder of embeddings.db's `embedder` lease: its pid, its host, and the instance. */
export const leaseOwner = (): string => `${process.pid} ${hostname()} ${randomUUID()}`;

/**
 * Whether a lease holder's process has ended: it ran on this host and its pid is no longer there.
 * A holder on another host, or one whose pid was given to a new process, waits out its lease.
 */
export function holderGone(holder: string): boolean {
  const [pid, host] = holder.split(' ');
  if (host !== hostname() || !/^\d+$/.test(pid ?? '')) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
