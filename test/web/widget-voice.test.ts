import type { Browser } from 'playwright-core';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/launch-chromium.ts';
import { AUDIO_FIXTURES } from '../support/audio-fixtures.ts';
import { DEMO_NOW, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * Chromium's fake microphone plays an espeak-ng clip into getUserMedia, and the permission prompt
 * is answered yes: the widget records it with MediaRecorder (WebM/Opus) like a customer's voice.
 */
describe('a voice message recorded in the widget, in headless Chromium, heard by the embedded recognizer', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer({}, undefined, { now: () => DEMO_NOW });
    browser = await launchChromium([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${path.join(AUDIO_FIXTURES, 'where-is-my-order.wav')}%noloop`,
      '--autoplay-policy=no-user-gesture-required',
    ]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('records "where is my order", shows what was heard as the customer\'s bubble, and answers it', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.click('#kefu-btn');
    await page.click('#kefu-mic');
    await expect.poll(() => page.locator('#kefu-mic').getAttribute('aria-pressed')).toBe('true');
    // The clip is 3.5 s (2.5 s of speech); the fake microphone starts it as the recording starts.
    await page.waitForTimeout(5000);
    await page.click('#kefu-mic');
    const mine = page.locator('.kefu-user.kefu-voice').first();
    await expect.poll(() => mine.getAttribute('data-voice'), { timeout: 60_000 }).toBe('heard');
    expect(await mine.innerText()).toMatch(/where is my order$/);
    const bot = page.locator('.kefu-bot').first();
    await expect.poll(() => bot.getAttribute('class'), { timeout: 30_000 }).not.toContain('kefu-typing');
    // The demo page's customer (demo-user) has orders: the reply is about them.
    expect(await bot.innerText()).toMatch(/KF\d{11}/);
    await page.close();
  }, 120_000);
});
