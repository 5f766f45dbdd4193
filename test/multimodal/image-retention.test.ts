import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/launch-chromium.ts';
import { imageAttachment, pictureFixture } from '../support/picture-fixtures.ts';
import { ADMIN_KEY, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

const admin = { authorization: `Bearer ${ADMIN_KEY}` };

interface Stored { role: string; meta: { attachments?: { type: string; text: string; fileId?: string }[] } }

describe('pictures kept with KEFU_IMAGE_RETENTION=on: encrypted, shown to the agent, erased with the session', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer({ KEFU_IMAGE_RETENTION: 'on' });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('keeps the picture encrypted, serves it to agents of the session only, and deletes it with the session', async () => {
    const label = pictureFixture('label-purifier-p3.jpg');
    const res = await postJson(`${server.url}/v1/chat`, { message: '这个怎么安装?', attachments: [imageAttachment(label, 'image/jpeg')] });
    const sid = ((await res.json()) as { session_id: string }).session_id;
    const session = (await (await fetch(`${server.url}/v1/sessions/${sid}`, { headers: admin })).json()) as { messages: Stored[] };
    const fileId = session.messages.find((m) => m.role === 'user')!.meta.attachments![0]!.fileId!;
    expect(fileId).toMatch(/^[0-9a-f-]{36}$/);

    const file = await fetch(`${server.url}/v1/sessions/${sid}/files/${fileId}`, { headers: admin });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await file.arrayBuffer()).equals(label)).toBe(true);
    // Not without a key, not under another session.
    expect((await fetch(`${server.url}/v1/sessions/${sid}/files/${fileId}`)).status).toBe(401);
    const other = ((await (await postJson(`${server.url}/v1/chat`, { message: '你好' })).json()) as { session_id: string }).session_id;
    expect((await fetch(`${server.url}/v1/sessions/${other}/files/${fileId}`, { headers: admin })).status).toBe(404);

    // On disk: ciphertext only (no run of the JPEG's bytes appears in the file or its WAL).
    const db = path.join(server.dataDir, 'retained-files.db');
    const onDisk = Buffer.concat([readFileSync(db), readFileSync(`${db}-wal`)]);
    expect(onDisk.includes(label.subarray(2000, 2048))).toBe(false);

    expect((await fetch(`${server.url}/v1/sessions/${sid}`, { method: 'DELETE', headers: admin })).status).toBe(200);
    expect((await fetch(`${server.url}/v1/sessions/${sid}/files/${fileId}`, { headers: admin })).status).toBe(404);
    const rows = new Database(db, { readonly: true });
    expect(rows.prepare('SELECT COUNT(*) AS n FROM retained_files WHERE session_id = ?').get(sid)).toEqual({ n: 0 });
    rows.close();
  }, 60_000);

  it('shows the agent console what was read and the picture itself', async () => {
    const first = await postJson(`${server.url}/v1/chat`, { message: '这个怎么安装?', attachments: [imageAttachment(pictureFixture('label-purifier-p3.jpg'), 'image/jpeg')] });
    const sid = ((await first.json()) as { session_id: string }).session_id;
    expect(((await (await postJson(`${server.url}/v1/chat`, { message: '转人工', session_id: sid })).json()) as { handoff: boolean }).handoff).toBe(true);

    const made = await postJson(`${server.url}/v1/keys`, { name: 'xiaowang', role: 'agent' }, admin);
    const agentKey = ((await made.json()) as { key: string }).key;
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/console`);
    await page.fill('#key', agentKey);
    await page.click('#login-btn');
    await page.locator('#workspace').waitFor();
    const item = page.locator(`#queue li[data-session="${sid}"]`);
    await item.waitFor({ timeout: 10_000 });
    await item.locator('button.claim').click();
    const attachment = page.locator('#transcript li[data-role="user"] .attachment[data-type="image"]').first();
    await attachment.waitFor({ timeout: 10_000 });
    expect(await attachment.locator('.attachment-text').innerText()).toContain('Kefu 空气净化器 P3');
    const img = attachment.locator('img.attachment-image');
    await img.waitFor({ timeout: 10_000 });
    await expect.poll(() => img.evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBeGreaterThan(100);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
