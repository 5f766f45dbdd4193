import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatReply } from '../../src/contracts/reply-part.ts';
import { ADMIN_KEY, postJson, startTestServer } from '../support/start-test-server.ts';

describe('restart', () => {
  it('keeps conversations in the SQLite file and continues the session', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kefu-restart-'));
    try {
      const a = await startTestServer({}, dir);
      const first = (await (await postJson(`${a.url}/v1/chat`, { message: '运费怎么算?' })).json()) as ChatReply;
      await a.close();

      const b = await startTestServer({}, dir);
      const second = (await (await postJson(`${b.url}/v1/chat`, { message: '那退货呢?', session_id: first.session_id })).json()) as ChatReply;
      expect(second.session_id).toBe(first.session_id);
      const transcript = (await (await fetch(`${b.url}/v1/sessions/${first.session_id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { messages: { content: string }[] };
      expect(transcript.messages).toHaveLength(4);
      expect(transcript.messages[0]!.content).toBe('运费怎么算?');
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('generates an admin key on first start, stores only its hash, and keeps it across restarts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kefu-key-'));
    try {
      const a = await startTestServer({ KEFU_ADMIN_KEY: '' }, dir).catch(() => null);
      // An empty KEFU_ADMIN_KEY is a configuration error, not "generate one".
      expect(a).toBeNull();

      const env = { KEFU_ADMIN_KEY: undefined };
      const first = await startTestServer(env, dir);
      const key = first.kefu.generatedAdminKey;
      expect(key).toMatch(/^kefu_/);
      const ok = await fetch(`${first.url}/v1/sessions/whatever`, { headers: { authorization: `Bearer ${key}` } });
      expect(ok.status).toBe(404);
      await first.close();

      const second = await startTestServer(env, dir);
      expect(second.kefu.generatedAdminKey).toBeNull();
      const still = await fetch(`${second.url}/v1/sessions/whatever`, { headers: { authorization: `Bearer ${key}` } });
      expect(still.status).toBe(404);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
