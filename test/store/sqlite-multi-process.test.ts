import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { createSqliteConversationStore } from '../../src/store/sqlite/sqlite-conversation-store.ts';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'kefu-sqlite-procs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('keeps every row when separate processes migrate and append to one file at once', async () => {
  const path = join(root, 'data', 'kefu.sqlite');
  const worker = fileURLToPath(new URL('./fixtures/append-messages.ts', import.meta.url));
  const store = createSqliteConversationStore({ path });
  await store.migrate();
  await store.createConversation({ id: 's1', userId: null, channel: 'web', now: 0 });

  const count = 300;
  await Promise.all(
    ['a', 'b', 'c'].map((prefix) =>
      run(process.execPath, ['--import', 'tsx', worker, path, 's1', prefix, String(count)], { timeout: 60_000 }),
    ),
  );

  const messages = await store.listMessages('s1');
  expect(messages).toHaveLength(3 * count);
  for (const prefix of ['a', 'b', 'c']) {
    // Each writer's own messages stay in the order it wrote them.
    const own = messages.filter((m) => m.id.startsWith(`${prefix}-`)).map((m) => m.meta['i']);
    expect(own).toEqual(Array.from({ length: count }, (_, i) => i));
  }
  await store.close();
});
