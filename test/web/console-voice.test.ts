import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/launch-chromium.ts';
import { audioAttachment, audioFixture } from '../support/audio-fixtures.ts';
import { ADMIN_KEY, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

/** The agent sees what a customer said in a voice message: the transcript, marked as voice. */
describe('a voice message in the agent console, in headless Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let agentKey: string;
  beforeAll(async () => {
    server = await startTestServer({ KEFU_BUSINESS_HOURS: 'always' });
    const res = await postJson(`${server.url}/v1/keys`, { name: 'xiaoli', role: 'agent' }, { authorization: `Bearer ${ADMIN_KEY}` });
    agentKey = ((await res.json()) as { key: string }).key;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('shows the transcript as the customer\'s message with a voice mark', async () => {
    const voice = (await (await postJson(`${server.url}/v1/chat`, { message: '', attachments: [audioAttachment(audioFixture('where-is-my-order.ogg'))] })).json()) as { session_id: string; transcript: string };
    expect(voice.transcript).toBe('where is my order');
    const sid = voice.session_id;
    expect((await postJson(`${server.url}/v1/chat`, { message: 'I want to talk to a person', session_id: sid })).status).toBe(200);

    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`${server.url}/console`);
    await page.fill('#key', agentKey);
    await page.click('#login-btn');
    await page.locator('#workspace').waitFor();
    const item = page.locator(`#queue li[data-session="${sid}"]`);
    await item.waitFor({ timeout: 10_000 });
    await item.locator('button.claim').click();
    const said = page.locator('#transcript li[data-role="user"]', { hasText: 'where is my order' });
    await said.waitFor();
    const mark = said.locator('.attachment[data-type="audio"]');
    expect(await mark.locator('.attachment-label').innerText()).toMatch(/🎤/);
    expect(await mark.locator('.attachment-text').innerText()).toBe('where is my order');
    await page.close();
  }, 90_000);
});
