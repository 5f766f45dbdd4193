import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/launch-chromium.ts';
import { hashSessionToken } from '../../src/sessions/session-token.ts';
import { DEMO_NOW, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * The widget keeps the session token beside the session id and is let back into its
 * conversation after a reload; a session it cannot prove (one kept from before tokens) is left
 * alone and a new one started, with the customer's message answered all the same.
 */
describe('the widget and session tokens in headless Chromium', () => {
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

  const ask = async (page: Page, question: string, nth: number): Promise<string> => {
    await page.fill('#kefu-input', question);
    await page.press('#kefu-input', 'Enter');
    const bot = page.locator('.kefu-bot').nth(nth);
    await expect.poll(() => bot.getAttribute('class'), { timeout: 15_000 }).not.toContain('kefu-typing');
    return bot.innerText();
  };
  const stored = (page: Page) => page.evaluate(() => ({ id: localStorage.getItem('kefu.session'), token: localStorage.getItem('kefu.session.token') }));

  it('keeps the token with the session and reads its history back after a reload', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.click('#kefu-btn');
    expect(await ask(page, '你们的退货政策是什么?', 0)).toMatch(/退货/);
    const kept = await stored(page);
    expect((await server.kefu.store.getConversation(kept.id!))?.tokenHash).toBe(hashSessionToken(kept.token!));

    await page.reload();
    // The panel that was open stays open across the reload.
    await page.locator('.kefu-bot').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('.kefu-bot').first().innerText()).toMatch(/退货/);
    expect(await ask(page, 'How long does shipping take?', 1)).toMatch(/day/i);
    expect((await stored(page)).id).toBe(kept.id);
    await page.close();
  }, 60_000);

  it('starts a new session instead of one it holds no token for', async () => {
    await server.kefu.store.createConversation({ id: 'legacy-widget-session', userId: null, channel: 'web', now: DEMO_NOW });
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.evaluate(() => localStorage.setItem('kefu.session', 'legacy-widget-session'));
    await page.reload();
    await page.click('#kefu-btn');
    expect(await ask(page, '你们的退货政策是什么?', 0)).toMatch(/退货/);
    const now = await stored(page);
    expect(now.id).not.toBe('legacy-widget-session');
    expect(now.token).toBeTruthy();
    expect(await server.kefu.store.listMessages('legacy-widget-session')).toEqual([]);
    await page.close();
  }, 60_000);
});
