import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeReply } from '../../src/pipeline/stages/safe-reply.ts';
import { ADMIN_KEY, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * An answer quoted from the shop's passages (no model) is guarded once, where it is built, and
 * what the guard finds in its text is remembered for the next customer who asks: the verdict must
 * be the same every time, a stopped answer stays stopped and a clean one stays clean.
 */
let server: TestServer;
beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-constitution-'));
  const constitution = path.join(dir, 'constitution.yaml');
  writeFileSync(
    constitution,
    `${readFileSync('policies/constitution.yaml', 'utf8').trimEnd()}\n  - id: no_old_warehouse\n    check: patterns\n    patterns: ['旧仓库']\n    zh: 不提旧仓库。\n    en: Never mention the old warehouse.\n`,
  );
  server = await startTestServer({ KEFU_CONSTITUTION: constitution, KEFU_CACHE: 'off' });
  const upload = (filename: string, content: string) =>
    fetch(`${server.url}/v1/admin/kb/upload`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ filename, content }) });
  expect((await upload('ceramic.md', '# 陶瓷杯退货寄到哪里\n陶瓷杯退货请寄到旧仓库,园区三号楼,收件人写售后组。\n')).status).toBe(201);
  expect((await upload('bamboo.md', '# 竹制砧板怎么保养\n竹制砧板用后擦干立放,每月涂一次食用油。\n')).status).toBe(201);
});
afterAll(async () => server?.destroy());

async function ask(message: string): Promise<{ reply: string; sources: unknown[] }> {
  const res = await postJson(`${server.url}/v1/chat`, { message });
  expect(res.status).toBe(200);
  return (await res.json()) as { reply: string; sources: unknown[] };
}

describe('a quoted answer behind the output guard', () => {
  it('is stopped every time it breaks a principle, and a clean one passes every time', async () => {
    for (let round = 0; round < 3; round++) {
      const stopped = await ask('陶瓷杯退货寄到哪里?');
      expect(stopped.sources.length).toBeGreaterThan(0);
      expect(stopped.reply).not.toContain('旧仓库');
      expect(stopped.reply).toBe(safeReply('zh'));

      const clean = await ask('竹制砧板怎么保养?');
      expect(clean.reply).toContain('每月涂一次食用油');
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/kefu_generation_fallbacks_total\{reason="guard:no_old_warehouse"\} 3\n/);
  });
});
