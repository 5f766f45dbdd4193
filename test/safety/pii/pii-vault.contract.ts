import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PiiVaultStore } from '../../../src/contracts/pii-vault.ts';
import { isKefuError } from '../../../src/errors.ts';
import { maskWithVault } from '../../../src/safety/pii/mask-with-vault.ts';

export const VAULT_KEY = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');

/** One empty vault's storage; each `open` is another node (or process) using it. */
export interface VaultBackend {
  open(key?: Buffer): Promise<PiiVaultStore>;
  close(): Promise<void>;
}

/**
 * What every `PiiVaultStore` adapter must do, run once per adapter. `backend` gives fresh, empty
 * storage; two stores opened on it stand for two nodes.
 */
export function runPiiVaultContract(name: string, backend: () => Promise<VaultBackend>): void {
  describe(`PiiVaultStore contract: ${name}`, () => {
    let storage: VaultBackend;
    const stores: PiiVaultStore[] = [];
    const node = async (key?: Buffer) => {
      const store = await storage.open(key);
      stores.push(store);
      return store;
    };
    beforeEach(async () => {
      storage = await backend();
    });
    afterEach(async () => {
      for (const s of stores.splice(0)) await s.close();
      await storage.close();
    });

    it('numbers pseudonyms per type and gives an equal value, however written, the same one', async () => {
      const vault = await (await node()).open('s1');
      const masked = await maskWithVault(vault, (v) => [
        v.pseudonym('phone', '13812345678'),
        v.pseudonym('phone', '13900001111'),
        v.pseudonym('person_name', '张伟'),
        v.pseudonym('phone', '+86 138-1234-5678'),
        v.pseudonym('email', 'Zhang.Wei@Example.com'),
        v.pseudonym('email', 'zhang.wei@example.com'),
      ]);
      expect(masked).toEqual(['[PHONE_1]', '[PHONE_2]', '[NAME_1]', '[PHONE_1]', '[EMAIL_1]', '[EMAIL_1]']);
      expect(await vault.commit()).toBe(true);
    });

    it('reveals a committed original on another node, to its own session only', async () => {
      const [a, b] = [await node(), await node()];
      await maskWithVault(await a.open('s1'), (v) => v.pseudonym('address', '北京市朝阳区建国路88号'));
      await maskWithVault(await a.open('s2'), (v) => v.pseudonym('address', '上海市徐汇区漕溪北路398号'));
      const there = await b.open('s1');
      expect(there.reveal('[ADDRESS_1]')).toBe('北京市朝阳区建国路88号');
      expect(there.reveal('ADDRESS_1')).toBe('北京市朝阳区建国路88号');
      expect(there.revealAll('寄到 [ADDRESS_1],不是 [ADDRESS_2] 或 [BOGUS_1]')).toBe('寄到 北京市朝阳区建国路88号,不是 [ADDRESS_2] 或 [BOGUS_1]');
      expect((await b.open('s2')).reveal('[ADDRESS_1]')).toBe('上海市徐汇区漕溪北路398号');
      expect((await b.open('s3')).reveal('[ADDRESS_1]')).toBeNull();
      // The next value of the session continues the numbering on the other node.
      expect(await maskWithVault(there, (v) => v.pseudonym('address', '广州市天河区体育西路1号'))).toBe('[ADDRESS_2]');
    });

    it('never puts two originals under one pseudonym when two nodes number a session at once', async () => {
      const [a, b] = [await node(), await node()];
      // Both opened before either commits: each would call its new value [ADDRESS_1].
      const [onA, onB] = [await a.open('s1'), await b.open('s1')];
      const first = await maskWithVault(onA, (v) => `寄到 ${v.pseudonym('address', '北京市朝阳区建国路88号')}`);
      const second = await maskWithVault(onB, (v) => `寄到 ${v.pseudonym('address', '上海市徐汇区漕溪北路398号')}`);
      expect(first).toBe('寄到 [ADDRESS_1]');
      expect(second).toBe('寄到 [ADDRESS_2]');
      const fresh = await (await node()).open('s1');
      expect(fresh.revealAll(first)).toBe('寄到 北京市朝阳区建国路88号');
      expect(fresh.revealAll(second)).toBe('寄到 上海市徐汇区漕溪北路398号');
      // And the node that lost sees the winner's value under its pseudonym.
      expect(onB.reveal('[ADDRESS_1]')).toBe('北京市朝阳区建国路88号');
    });

    it('gives the same value from two nodes at once one pseudonym', async () => {
      const [onA, onB] = [await (await node()).open('s1'), await (await node()).open('s1')];
      const [x, y] = await Promise.all([
        maskWithVault(onA, (v) => v.pseudonym('phone', '13812345678')),
        maskWithVault(onB, (v) => v.pseudonym('phone', '138 1234 5678')),
      ]);
      expect(x).toBe('[PHONE_1]');
      expect(y).toBe('[PHONE_1]');
      expect((await (await node()).open('s1')).reveal('[PHONE_2]')).toBeNull();
    });

    it('erases a session for every node, and only that session', async () => {
      const [a, b] = [await node(), await node()];
      await maskWithVault(await a.open('gone'), (v) => v.pseudonym('phone', '13812345678'));
      await maskWithVault(await a.open('kept'), (v) => v.pseudonym('phone', '13900001111'));
      await b.purgeSession('gone');
      expect((await a.open('gone')).reveal('[PHONE_1]')).toBeNull();
      expect((await a.open('kept')).reveal('[PHONE_1]')).toBe('13900001111');
    });

    it('purges originals by age', async () => {
      const store = await node();
      await maskWithVault(await store.open('s1'), (v) => v.pseudonym('phone', '13812345678'));
      expect(await store.purgeOlderThan(Date.now() - 3_600_000)).toBe(0);
      expect((await store.open('s1')).reveal('[PHONE_1]')).toBe('13812345678');
      expect(await store.purgeOlderThan(Date.now() + 1000)).toBe(1);
      expect((await store.open('s1')).reveal('[PHONE_1]')).toBeNull();
    });

    it('refuses a store written with another key', async () => {
      await maskWithVault(await (await node()).open('s1'), (v) => v.pseudonym('phone', '13812345678'));
      const error: unknown = await node(Buffer.alloc(32, 7)).then(() => null, (e: unknown) => e);
      expect(isKefuError(error) && error.code).toBe('vault_key_mismatch');
    });
  });
}
