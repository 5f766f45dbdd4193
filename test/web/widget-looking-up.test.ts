import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveTokenRate } from '../../bench/scale/token-rate-backend.ts';
import { launchChromium } from '../support/launch-chromium.ts';
import { say } from '../support/widget-page.ts';
import { ADMIN_KEY, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

/**
 * Issue 16.1: the time before the model speaks shows something grounded. The `sources` event
 * goes out once retrieval is done, before generation; the widget shows the first source's title
 * under the typing dots until the first text replaces it. A real OpenAI-compatible backend (own
 * server on loopback) that takes 1.5 s to its first token, as a loaded model server can.
 */
const FIRST_TOKEN_MS = 1500;

interface Seen {
  lookingUp: string | null;
  lookingAt: number | null;
  textAt: number | null;
}

/** Records, from the moment it is called, when a looking-up line and when the first reply text appear. */
async function watch(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen = { lookingUp: null as string | null, lookingAt: null as number | null, textAt: null as number | null };
    (window as unknown as { seen: typeof seen }).seen = seen;
    const log = document.getElementById('kefu-log')!;
    new MutationObserver(() => {
      const looking = log.querySelector('.kefu-typing .kefu-looking');
      if (looking !== null && seen.lookingAt === null) {
        seen.lookingAt = performance.now();
        seen.lookingUp = looking.textContent;
      }
      const bots = log.querySelectorAll('.kefu-bot:not(.kefu-typing)');
      const last = bots[bots.length - 1];
      if (seen.textAt === null && last !== undefined && last.getAttribute('data-watched') === null && (last.textContent ?? '').length > 0) seen.textAt = performance.now();
    }).observe(log, { childList: true, subtree: true, characterData: true, attributes: true });
    // Bubbles already there are not this turn's reply.
    for (const b of Array.from(log.querySelectorAll('.kefu-bot'))) b.setAttribute('data-watched', 'old');
  });
}

const seenOf = (page: Page): Promise<Seen> => page.evaluate(() => (window as unknown as { seen: Seen }).seen);

describe('the widget while the model has not spoken yet', () => {
  let backend: Awaited<ReturnType<typeof serveTokenRate>>;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    backend = await serveTokenRate({ tokensPerSecond: 50, firstTokenMs: FIRST_TOKEN_MS, maxTokens: 60, wholeSentences: true });
    server = await startTestServer({ KEFU_LLM: 'openai', KEFU_LLM_BASE_URL: backend.url, KEFU_RATE_LIMIT_PER_MINUTE: '1000', KEFU_CACHE: 'off' });
    const doc = await postJson(`${server.url}/v1/kb/documents`, { id: 'points-help', title: '会员积分规则', text: '会员积分:每消费1元得1积分,100积分可抵扣1元,积分有效期为12个月。', lang: 'zh' }, { authorization: `Bearer ${ADMIN_KEY}` });
    expect(doc.status).toBe(201);
    // A first turn loads what the pipeline loads lazily, so the browser's turn is a warm server's.
    expect((await postJson(`${server.url}/v1/chat`, { message: '发货要多久?' })).status).toBe(200);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
    await backend?.close();
  });

  it('shows the article it answers from under the dots, then the model text in its place, then the sources', async () => {
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${server.url}/`);
    await page.click('#kefu-btn');
    await watch(page);
    await say(page, '会员积分怎么用?');

    const looking = page.locator('#kefu-log .kefu-typing .kefu-looking');
    await looking.waitFor({ timeout: 10_000 });
    expect(await looking.innerText()).toBe('正在查阅:会员积分规则');

    const reply = page.locator('#kefu-log .kefu-bot:not(.kefu-typing)', { hasText: '每消费1元得1积分' }).last();
    await reply.waitFor({ timeout: 20_000 });
    const seen = await seenOf(page);
    expect(seen.lookingUp).toBe('正在查阅:会员积分规则');
    expect(seen.lookingAt).not.toBeNull();
    expect(seen.textAt).not.toBeNull();
    // Shown before any reply text, for most of the wait on the model's first token: the sources
    // event leaves before the model is asked.
    expect(seen.textAt! - seen.lookingAt!).toBeGreaterThan(FIRST_TOKEN_MS / 2);
    // The reply took the line's place; the sources are listed under it once the reply is done.
    await reply.locator('.kefu-src').waitFor();
    expect(await reply.locator('.kefu-looking').count()).toBe(0);
    expect(await reply.locator('.kefu-src').innerText()).toMatch(/^来源:\[1\] 会员积分规则/);
    await page.close();
  }, 60_000);

  it('shows no line for a greeting (no retrieval) nor for a question the articles do not answer (no sources)', async () => {
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${server.url}/`);
    await page.click('#kefu-btn');
    await watch(page);
    for (const question of ['你好', '火箭发动机的推力是多少?']) {
      await say(page, question);
      await page.locator('#kefu-log .kefu-bot:not(.kefu-typing):not([data-watched])').last().waitFor({ timeout: 20_000 });
      expect((await seenOf(page)).lookingUp, question).toBeNull();
      await watch(page);
    }
    await page.close();
  }, 60_000);
});
