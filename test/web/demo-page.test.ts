import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/launch-chromium.ts';
import { startTestServer, type TestServer } from '../support/start-test-server.ts';

describe('the demo page in headless Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('answers both demo questions from the KB with sources, in one session', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(server.url);
    await page.click('#kefu-btn');

    const ask = async (question: string, nth: number) => {
      await page.fill('#kefu-input', question);
      await page.press('#kefu-input', 'Enter');
      const bot = page.locator('.kefu-bot').nth(nth);
      await expect.poll(() => bot.getAttribute('class'), { timeout: 15_000 }).not.toContain('kefu-typing');
      await page.locator('.kefu-src').nth(nth).waitFor({ timeout: 15_000 });
      return { reply: await bot.innerText(), sources: await page.locator('.kefu-src').nth(nth).innerText() };
    };

    const zh = await ask('你们的退货政策是什么?', 0);
    expect(zh.reply).toMatch(/7天无理由退货/);
    expect(zh.sources).toMatch(/^来源:\[1\] /);

    const en = await ask('How long does shipping take?', 1);
    expect(en.reply).toMatch(/\d+–\d+ days/);
    expect(en.sources).toMatch(/Shipping times/);

    const sessionId = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.startsWith('kefu'))?.[1]);
    expect(sessionId).toMatch(/^[\w-]{8,}$/);
    expect(requests.every((u) => u.startsWith(server.url))).toBe(true);
    await page.close();
  }, 60_000);
});
