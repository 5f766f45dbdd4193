import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isKefuError } from '../../src/errors.ts';
import type { NewTicket } from '../../src/contracts/ticket-store.ts';
import { useTicketSystem } from './use-ticket-system.ts';

const newSystem = useTicketSystem();

const draft = (n: number, over: Partial<NewTicket> = {}): NewTicket => ({
  kind: 'callback',
  session_id: `s-${n}`,
  user_id: null,
  summary: `please call back ${n}`,
  created_at: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(),
  idempotency_key: `s-${n}:callback`,
  ...over,
});

describe('SQLite ticket store', () => {
  it('inserts once per idempotency key and returns the first ticket after that', async () => {
    const { store } = newSystem();
    const first = await store.insert(draft(1));
    expect(first.created).toBe(true);
    expect(first.ticket).toMatchObject({ status: 'open', external_ref: null, created_at: '2025-01-01T00:00:01.000Z' });
    const again = await store.insert(draft(1, { summary: 'something else' }));
    expect(again).toEqual({ ticket: first.ticket, created: false });
    expect(await store.list({ limit: 10 })).toHaveLength(1);
  });

  it('records the helpdesk id, and fails for an unknown ticket', async () => {
    const { store } = newSystem();
    const { ticket } = await store.insert(draft(1));
    expect(await store.setExternalRef(ticket.id, 'HD-9')).toEqual({ ...ticket, external_ref: 'HD-9' });
    expect(await store.get(ticket.id)).toMatchObject({ external_ref: 'HD-9' });
    const error = await store.setExternalRef('nope', 'x').catch((e: unknown) => e);
    expect(isKefuError(error) && [error.code, error.status]).toEqual(['ticket_not_found', 404]);
  });

  it('lists newest first in pages, with ties on created_at kept in insertion order', async () => {
    const { store } = newSystem();
    for (const n of [1, 2, 3]) await store.insert(draft(n));
    const tie = await store.insert(draft(3, { idempotency_key: 'tie' }));
    const ids = async (query: Parameters<typeof store.list>[0]) => (await store.list(query)).map((t) => t.idempotency_key);
    expect(await ids({ limit: 10 })).toEqual(['tie', 's-3:callback', 's-2:callback', 's-1:callback']);
    expect(await ids({ limit: 2 })).toEqual(['tie', 's-3:callback']);
    const page1 = await store.list({ limit: 2 });
    expect(await ids({ limit: 2, before: page1[1]!.id })).toEqual(['s-2:callback', 's-1:callback']);
    expect(await ids({ limit: 10, before: tie.ticket.id })).toEqual(['s-3:callback', 's-2:callback', 's-1:callback']);
    expect(await ids({ limit: 10, status: 'closed' })).toEqual([]);
    expect(await ids({ limit: 10, status: 'open' })).toHaveLength(4);
    const error = await store.list({ limit: 1, before: 'nope' }).catch((e: unknown) => e);
    expect(isKefuError(error) && [error.code, error.status]).toEqual(['invalid_cursor', 400]);
  });

  it('shares queue.db with the job queue, each with its own row in schema_versions', async () => {
    const { path, queue } = newSystem();
    await queue.enqueue('t', {}, { idempotencyKey: 'k' }); // both are usable on the one file
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare('SELECT component, version FROM schema_versions ORDER BY component').all()).toEqual([
        { component: 'job_queue', version: 1 },
        { component: 'tickets', version: 1 },
      ]);
      expect(db.pragma('user_version', { simple: true })).toBe(0);
    } finally {
      db.close();
    }
  });
});
