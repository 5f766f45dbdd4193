import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKefuError } from '../../src/errors.ts';
import type { OpenBackend, SharedStateBackend } from '../support/shared-state-backends.ts';

const codeOf = (promise: Promise<unknown>): Promise<string | null> =>
  promise.then(() => null, (e: unknown) => (isKefuError(e) ? e.code : String(e)));

/** What every `ApiKeyStore` adapter does; `open` gives a fresh, empty database. */
export function runApiKeyStoreContract(name: string, open: OpenBackend): void {
  describe(`ApiKeyStore contract: ${name}`, () => {
    let backend: SharedStateBackend;
    let now = 1_700_000_000_000;
    beforeEach(async () => {
      now = 1_700_000_000_000;
      backend = await open();
    });
    afterEach(async () => {
      await backend.close();
    });

    it('creates, verifies, lists and revokes keys, storing only their hash', async () => {
      const keys = backend.keys({ now: () => now });
      const agent = await keys.create({ name: '小王 wang', role: 'agent', tenant: 'shop-1' });
      expect(agent.key).toMatch(/^kefu_agent_[A-Za-z0-9_-]{32}$/);
      expect(agent.info).toEqual({ id: agent.info.id, name: '小王 wang', role: 'agent', tenant: 'shop-1', createdAt: now, revokedAt: null });
      now += 1000;
      const channel = await keys.create({ name: 'app backend', role: 'channel' });
      expect(channel.info.tenant).toBe('default');

      expect(await keys.verify(agent.key)).toEqual(agent.info);
      expect(await keys.verify(`${agent.key}x`)).toBeNull();
      expect((await keys.list()).map((k) => k.name)).toEqual(['小王 wang', 'app backend']);

      now += 1000;
      expect(await keys.revoke(agent.info.id)).toMatchObject({ id: agent.info.id, revokedAt: now });
      expect(await keys.verify(agent.key)).toBeNull();
      now += 1000;
      expect((await keys.revoke(agent.info.id)).revokedAt).toBe(now - 1000); // the first revocation stands
      expect(await keys.verify(channel.key)).toEqual(channel.info);
      expect(await codeOf(keys.revoke('missing'))).toBe('key_not_found');
    });

    it('refuses names, tenants and roles it cannot store', async () => {
      const keys = backend.keys();
      expect(await codeOf(keys.create({ name: '', role: 'agent' }))).toBe('invalid_key_name');
      expect(await codeOf(keys.create({ name: 'a/b', role: 'agent' }))).toBe('invalid_key_name');
      expect(await codeOf(keys.create({ name: 'ok', role: 'agent', tenant: 'Shop' }))).toBe('invalid_tenant');
      expect(await codeOf(keys.create({ name: 'ok', role: 'root' as 'admin' }))).toBe('invalid_role');
      // Every tenant (*) is for admin keys only.
      expect(await codeOf(keys.create({ name: 'ok', role: 'agent', tenant: '*' }))).toBe('invalid_tenant');
      expect(await keys.list()).toEqual([]);
    });

    it('lets a key made through one node authenticate through another', async () => {
      const [a, b] = [backend.keys(), backend.keys()];
      const made = await a.create({ name: 'shared', role: 'admin' });
      // Made without a tenant, an admin key administers every tenant.
      expect(made.info.tenant).toBe('*');
      expect((await a.create({ name: 'acme admin', role: 'admin', tenant: 'acme' })).info.tenant).toBe('acme');
      expect(await b.verify(made.key)).toEqual(made.info);
      await b.revoke(made.info.id);
      expect(await a.verify(made.key)).toBeNull();
    });
  });
}
