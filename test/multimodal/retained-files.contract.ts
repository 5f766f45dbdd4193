import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import type { RetainedFiles } from '../../src/contracts/retained-files.ts';

export const FILES_KEY = Buffer.alloc(32, 7);

/**
 * The behaviour every `RetainedFiles` store must have (SQLite for one node, PostgreSQL for a
 * cluster). `open` may be called more than once: each call is another process of one node
 * (SQLite, the same file) or another node (PostgreSQL, the same schema, its own pool), and what
 * one puts the others read and purge.
 */
export interface RetainedFilesFixture {
  open(key?: Buffer): Promise<RetainedFiles>;
  close(): Promise<void>;
}

const picture = (text: string) => ({ bytes: Buffer.from(text), mime: 'image/png' });

export function runRetainedFilesContract(name: string, factory: () => Promise<RetainedFilesFixture>): void {
  describe(`RetainedFiles contract: ${name}`, () => {
    let f: RetainedFilesFixture;
    let files: RetainedFiles;
    beforeEach(async () => {
      f = await factory();
      files = await f.open();
    }, 30_000);
    afterEach(async () => {
      await files.close();
      await f.close();
    });

    it('gives back what was put, byte for byte, with its type, only under its own session', async () => {
      const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256));
      const id = await files.put('s-a', { bytes, mime: 'image/jpeg' });
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const got = await files.get('s-a', id);
      expect(got?.mime).toBe('image/jpeg');
      expect(got?.bytes.equals(bytes)).toBe(true);
      expect(await files.get('s-b', id)).toBeNull();
      expect(await files.get('s-a', '00000000-0000-0000-0000-000000000000')).toBeNull();
    });

    it('gives each file its own id, also for equal bytes', async () => {
      const [a, b] = await Promise.all([files.put('s-a', picture('same')), files.put('s-a', picture('same'))]);
      expect(a).not.toBe(b);
    });

    it('is shared by every store opened on it (another process, another node)', async () => {
      const other = await f.open();
      const id = await files.put('s-a', picture('from node one'));
      expect((await other.get('s-a', id))?.bytes.toString()).toBe('from node one');
      expect(await other.purgeSession('s-a')).toBe(1);
      expect(await files.get('s-a', id)).toBeNull();
      await other.close();
    });

    it('purges one session\'s files and counts them, leaving other sessions\' files', async () => {
      const a1 = await files.put('s-a', picture('a1'));
      await files.put('s-a', picture('a2'));
      const b = await files.put('s-b', picture('b'));
      expect(await files.purgeSession('s-a')).toBe(2);
      expect(await files.get('s-a', a1)).toBeNull();
      expect((await files.get('s-b', b))?.bytes.toString()).toBe('b');
      expect(await files.purgeSession('s-a')).toBe(0);
    });

    it('purges the files of sessions that are gone, keeping those of live sessions', async () => {
      const a = await files.put('s-a', picture('a'));
      const b = await files.put('s-b', picture('b'));
      await files.put('s-c', picture('c'));
      const asked: string[] = [];
      const removed = await files.purgeGone(async (id) => {
        asked.push(id);
        return id === 's-b';
      });
      expect(removed).toBe(2);
      expect(asked.sort()).toEqual(['s-a', 's-b', 's-c']);
      expect(await files.get('s-a', a)).toBeNull();
      expect((await files.get('s-b', b))?.bytes.toString()).toBe('b');
    });

    it('cannot be read with another key', async () => {
      const id = await files.put('s-a', picture('secret'));
      const wrong = await f.open(Buffer.alloc(32, 9));
      await expect(wrong.get('s-a', id)).rejects.toThrow();
      await wrong.close();
    });
  });
}
