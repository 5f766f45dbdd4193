import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createSqliteJobQueue, type SqliteJobQueue } from '../../src/queue/sqlite-job-queue.ts';
import { createSqliteTicketStore } from '../../src/tickets/sqlite-ticket-store.ts';
import type { TicketStore } from '../../src/contracts/ticket-store.ts';

export interface TicketSystem {
  path: string;
  queue: SqliteJobQueue;
  store: TicketStore;
}

/**
 * A fresh queue.db per test holding both the job queue (retries after 1–2 ms, so retry tests run
 * in real time) and the ticket store, closed and removed afterwards.
 */
export function useTicketSystem(): () => TicketSystem {
  const open: { dir: string; system: TicketSystem }[] = [];
  afterEach(async () => {
    for (const { dir, system } of open.splice(0)) {
      await system.queue.close();
      await system.store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-tickets-'));
    const path = join(dir, 'queue.db');
    const system = {
      path,
      queue: createSqliteJobQueue({ path, backoff: { baseMs: 2, capMs: 4 } }),
      store: createSqliteTicketStore({ path }),
    };
    open.push({ dir, system });
    return system;
  };
}
