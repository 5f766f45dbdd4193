import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/launch-chromium.ts';
import { PROJECT_ROOT } from '../../src/config/load-config.ts';
import { DEMO_NOW, startTestServer, type TestServer } from '../support/start-test-server.ts';
import { pictureFixture } from '../support/picture-fixtures.ts';

const IMAGES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'images');

/** The reply bubble for the nth message once it is complete (its sources, if any, rendered). */
async function nthReply(page: Page, nth: number): Promise<string> {
  const bot = page.locator('.kefu-bot').nth(nth);
  await expect.poll(() => bot.getAttribute('class'), { timeout: 30_000 }).not.toContain('kefu-typing');
  return bot.innerText();
}

describe('pictures in the widget, in headless Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer({}, undefined, { now: () => DEMO_NOW });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('uploads a product label photo with "这个怎么安装?" and gets that product\'s installation guide with sources', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.click('#kefu-btn');
    await page.setInputFiles('#kefu-file', path.join(IMAGES, 'label-purifier-p3.jpg'));
    // Previewed before it is sent, and removable.
    await page.locator('#kefu-preview.show img').waitFor();
    expect(await page.locator('#kefu-preview').innerText()).toContain('label-purifier-p3.jpg');
    await page.fill('#kefu-input', '这个怎么安装?');
    await page.press('#kefu-input', 'Enter');
    const reply = await nthReply(page, 0);
    expect(reply).toMatch(/无需安装|滤网包装袋/);
    const sources = await page.locator('.kefu-src').first().innerText();
    expect(sources).toMatch(/^来源:\[1\] (Kefu 空气净化器 P3 安装与滤网|空气净化器安装与使用)/);
    // The customer's bubble shows the picture and what was read from it; the preview is gone.
    const mine = page.locator('.kefu-user').first();
    expect(await mine.locator('img.kefu-img').count()).toBe(1);
    await expect.poll(() => mine.locator('.kefu-read').innerText()).toContain('Kefu 空气净化器 P3');
    expect(await page.locator('#kefu-preview').getAttribute('class')).toBe('');
    await page.close();
  }, 90_000);

  it('a pasted order screenshot, sent with no text, starts the order-status flow for that order', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.click('#kefu-btn');
    const png = pictureFixture('order-screenshot-kf20261123002.png').toString('base64');
    await page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'screenshot.png', { type: 'image/png' }));
      document.getElementById('kefu-input')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, png);
    await page.locator('#kefu-preview.show img').waitFor();
    await page.click('#kefu-send');
    const reply = await nthReply(page, 0);
    expect(reply).toContain('KF20261123002');
    expect(reply).toMatch(/已发货|运输中/);
    await page.close();
  }, 90_000);

  it('says what is wrong with a non-image, a damaged picture and a 30 MB one, and the conversation goes on', async () => {
    const page = await browser.newPage();
    const posts: string[] = [];
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/v1/chat')) posts.push(r.url()); });
    await page.goto(server.url);
    await page.click('#kefu-btn');

    // Too large: refused in the page, nothing uploaded.
    const dir = mkdtempSync(path.join(tmpdir(), 'kefu-huge-'));
    const huge = path.join(dir, 'huge.jpg');
    writeFileSync(huge, Buffer.alloc(30 * 1024 * 1024, 1));
    await page.setInputFiles('#kefu-file', huge);
    rmSync(dir, { recursive: true, force: true });
    await expect.poll(() => page.locator('.kefu-notice').last().innerText()).toContain('图片太大');
    expect(posts).toHaveLength(0);

    // Claims to be a PNG, is not: the server says so.
    await page.setInputFiles('#kefu-file', { name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('definitely not a picture') });
    await page.locator('#kefu-preview.show').waitFor();
    await page.fill('#kefu-input', '这个怎么安装?');
    await page.press('#kefu-input', 'Enter');
    await expect.poll(() => page.locator('.kefu-error').last().innerText(), { timeout: 20_000 }).toContain('PNG、JPEG');

    await page.setInputFiles('#kefu-file', { name: 'cut.png', mimeType: 'image/png', buffer: pictureFixture('order-screenshot-kf20261123002.png').subarray(0, 4000) });
    await page.locator('#kefu-preview.show').waitFor();
    await page.click('#kefu-send');
    await expect.poll(() => page.locator('.kefu-error').last().innerText(), { timeout: 20_000 }).toContain('损坏');

    await page.fill('#kefu-input', '你们的退货政策是什么?');
    await page.press('#kefu-input', 'Enter');
    await expect.poll(() => page.locator('.kefu-bot:not(.kefu-error)').last().innerText(), { timeout: 20_000 }).toMatch(/7天无理由退货/);
    await page.close();
  }, 90_000);
});
