import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresPiiVault } from '../../../src/safety/pii/postgres-pii-vault.ts';
import { maskWithVault } from '../../../src/safety/pii/mask-with-vault.ts';
import { createPool } from '../../../src/store/postgres/postgres-conversation-store.ts';
import { startPostgres, type TestPostgres } from '../../support/start-postgres.ts';
import { VAULT_KEY } from './pii-vault.contract.ts';

/**
 * A session this request created under a random id has nothing in the shared vault yet: opening its
 * vault for the turn reads nothing from PostgreSQL (a round trip per new conversation in a cluster),
 * and it numbers and stores pseudonyms as any other open does.
 */
describe('PostgreSQL PII vault: a session created by the request', () => {
  let pg: TestPostgres;
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it('is opened without a query, and what it stores is read back by another node', async () => {
    const schema = `kefu_vault_fresh_${process.pid}`;
    const pool = createPool(pg.url, 3);
    const other = createPool(pg.url, 3);
    try {
      const store = await createPostgresPiiVault({ pool, schema, key: VAULT_KEY });
      let queries = 0;
      pool.on('acquire', () => queries++);
      const vault = await store.open('c0a8f5e2-3b1d-4c6e-9f7a-2d4b6e8f0a1c', { fresh: true });
      expect(queries).toBe(0);
      expect(await maskWithVault(vault, (v) => [v.pseudonym('phone', '13812345678'), v.pseudonym('phone', '13900001111'), v.pseudonym('phone', '138 1234 5678')])).toEqual(['[PHONE_1]', '[PHONE_2]', '[PHONE_1]']);
      expect(queries).toBeGreaterThan(0);
      // A session opened without the hint is read as before.
      queries = 0;
      const again = await store.open('c0a8f5e2-3b1d-4c6e-9f7a-2d4b6e8f0a1c');
      expect(queries).toBe(1);
      expect(again.reveal('[PHONE_2]')).toBe('13900001111');
      const node2 = await createPostgresPiiVault({ pool: other, schema, key: VAULT_KEY });
      expect((await node2.open('c0a8f5e2-3b1d-4c6e-9f7a-2d4b6e8f0a1c')).reveal('[PHONE_1]')).toBe('13812345678');
    } finally {
      await pool.end();
      await other.end();
    }
  });
});
