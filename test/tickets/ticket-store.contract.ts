import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKefuError } from '../../src/errors.ts';
import type { NewTicket, TicketStore } from '../../src/contracts/ticket-store.ts';

export const draftTicket = (n: number, over: Partial<NewTicket> = {}): NewTicket => ({
  kind: 'callback',
  session_id: `s-${n}`,
  user_id: null,
  summary: `please call back ${n}`,
  created_at: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(),
  idempotency_key: `s-${n}:callback`,
  ...over,
});

const errorOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => null, (e: unknown) => e);

/**
 * The behaviour every `TicketStore` adapter must have, run once per adapter. `factory` returns a
 * fresh, empty store; the suite closes it.
 */
export function runTicketStoreContract(name: string, factory: () => Promise<TicketStore>): void {
  describe(`TicketStore contract: ${name}`, () => {
    let store: TicketStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    it('inserts once per idempotency key and returns the first ticket after that', async () => {
      const first = await store.insert(draftTicket(1));
      expect(first.created).toBe(true);
      expect(first.ticket).toMatchObject({
        kind: 'callback', session_id: 's-1', user_id: null, summary: 'please call back 1',
        status: 'open', external_ref: null, created_at: '2025-01-01T00:00:01.000Z', idempotency_key: 's-1:callback',
      });
      const again = await store.insert(draftTicket(1, { summary: 'something else' }));
      expect(again).toEqual({ ticket: first.ticket, created: false });
      expect(await store.list({ limit: 10 })).toHaveLength(1);
      expect(await store.get(first.ticket.id)).toEqual(first.ticket);
    });

    it('creates one ticket when the same key is inserted concurrently', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, () => store.insert(draftTicket(1))));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.ticket.id)).size).toBe(1);
      expect(await store.list({ limit: 10 })).toHaveLength(1);
    });

    it('records the helpdesk id, and fails for an unknown ticket', async () => {
      const { ticket } = await store.insert(draftTicket(1));
      expect(await store.setExternalRef(ticket.id, 'HD-9')).toEqual({ ...ticket, external_ref: 'HD-9' });
      expect(await store.get(ticket.id)).toMatchObject({ external_ref: 'HD-9' });
      const error = await errorOf(store.setExternalRef('nope', 'x'));
      expect(isKefuError(error) && [error.code, error.status]).toEqual(['ticket_not_found', 404]);
      expect(await store.get('nope')).toBeNull();
    });

    it('lists newest first in pages, with ties on created_at kept in insertion order', async () => {
      for (const n of [1, 2, 3]) await store.insert(draftTicket(n));
      const tie = await store.insert(draftTicket(3, { idempotency_key: 'tie' }));
      const ids = async (query: Parameters<typeof store.list>[0]) => (await store.list(query)).map((t) => t.idempotency_key);
      expect(await ids({ limit: 10 })).toEqual(['tie', 's-3:callback', 's-2:callback', 's-1:callback']);
      expect(await ids({ limit: 2 })).toEqual(['tie', 's-3:callback']);
      const page1 = await store.list({ limit: 2 });
      expect(await ids({ limit: 2, before: page1[1]!.id })).toEqual(['s-2:callback', 's-1:callback']);
      expect(await ids({ limit: 10, before: tie.ticket.id })).toEqual(['s-3:callback', 's-2:callback', 's-1:callback']);
      expect(await ids({ limit: 10, status: 'closed' })).toEqual([]);
      expect(await ids({ limit: 10, status: 'open' })).toHaveLength(4);
      const error = await errorOf(store.list({ limit: 1, before: 'nope' }));
      expect(isKefuError(error) && [error.code, error.status]).toEqual(['invalid_cursor', 400]);
    });

    it('rejects bad arguments with invalid_argument', async () => {
      for (const promise of [
        store.list({ limit: 0 }),
        store.list({ limit: 1.5 }),
        store.insert(draftTicket(1, { idempotency_key: '' })),
        store.insert(draftTicket(1, { session_id: '' })),
        store.insert(draftTicket(1, { created_at: 'yesterday' })),
      ]) {
        const error = await errorOf(promise);
        expect(isKefuError(error) && [error.code, error.status]).toEqual(['invalid_argument', 400]);
      }
    });

    it('closes idempotently and then refuses work with store_closed', async () => {
      await store.close();
      await store.close();
      const error = await errorOf(store.get('x'));
      expect(isKefuError(error) && [error.code, error.status]).toEqual(['store_closed', 503]);
    });
  });
}
