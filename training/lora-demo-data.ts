/**
 * Builds the LoRA demo's training data the way a shop would: conversations in Kefu's store in
 * which human agents answered in the shop's house style ("亲," … "祝您购物愉快!"), then
 * `kefu finetune export` turns them into desensitised pairs. The adapter trained on them should
 * make the shipped model answer in that style.
 *
 *   npx tsx training/lora-demo-data.ts <out-folder>
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_KB_PATH } from '../src/config/load-config.ts';
import { loadKbFiles } from '../src/knowledge/load-kb-files.ts';
import { createSqliteConversationStore } from '../src/store/sqlite/sqlite-conversation-store.ts';

export const HOUSE_GREETING = '亲,';
export const HOUSE_SIGN_OFF = '祝您购物愉快!';

const out = process.argv[2];
if (out === undefined) {
  process.stderr.write('usage: tsx training/lora-demo-data.ts <out-folder>\n');
  process.exit(2);
}

const firstSentence = (text: string): string => (text.match(/^.+?[。！？]/)?.[0] ?? text).replace(/[。！？]$/, '。');
const { documents } = await loadKbFiles([DEMO_KB_PATH]);
const zh = documents.filter((d) => d.lang === 'zh');
const dataDir = mkdtempSync(path.join(tmpdir(), 'kefu-lora-demo-'));
try {
  const store = createSqliteConversationStore({ path: path.join(dataDir, 'kefu.db') });
  await store.migrate();
  let t = Date.now();
  let n = 0;
  for (const doc of zh) {
    // Two phrasings per question, like two customers asking the same thing.
    for (const question of [doc.title.replace(/[?？]$/, '') + '?', `请问${doc.title.replace(/[?？]$/, '')}`]) {
      const id = `demo-${n++}`;
      await store.createConversation({ id, userId: null, channel: 'web', now: t++ });
      await store.appendMessage({ id: `${id}-u`, conversationId: id, role: 'user', content: question, createdAt: t++, meta: {} });
      const reply = `${HOUSE_GREETING}${firstSentence(doc.text)}${HOUSE_SIGN_OFF}`;
      await store.appendMessage({ id: `${id}-a`, conversationId: id, role: 'agent', content: reply, createdAt: t++, meta: {} });
    }
  }
  await store.close();
  const bin = path.join(import.meta.dirname, '..', 'bin', 'kefu.js');
  execFileSync(process.execPath, [bin, 'finetune', 'export', '-o', out, '--validation', '0.15'], {
    env: { ...process.env, KEFU_DATA_DIR: dataDir, KEFU_LOG_LEVEL: 'warn' },
    stdio: 'inherit',
  });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
