import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/launch-chromium.ts';
import { PROJECT_ROOT } from '../../src/config/load-config.ts';
import { ADMIN_KEY, postJson, sessionHeaders, startTestServer, type TestServer } from '../support/start-test-server.ts';

const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');

interface Handoff { id: string; session_id: string; status: string; agent: string | null }

describe('the agent console in headless Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let agentKey: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({ KEFU_BUSINESS_HOURS: 'always' });
    const res = await postJson(`${server.url}/v1/keys`, { name: 'xiaowang', role: 'agent' }, { authorization: `Bearer ${ADMIN_KEY}` });
    expect(res.status).toBe(201);
    agentKey = ((await res.json()) as { key: string }).key;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  const customerMessages = async (sid: string) =>
    ((await (await fetch(`${server.url}/v1/chat/sessions/${sid}/messages`, { headers: sessionHeaders(sid) })).json()) as { messages: { role: string; content: string }[] }).messages;

  async function login(page: Page, key: string): Promise<void> {
    await page.goto(`${server.url}/console`);
    await page.fill('#key', key);
    await page.click('#login-btn');
    await page.locator('#workspace').waitFor();
  }

  it('queue → claim → transcript with the bot’s reasons → reply → suggestion → resolve', async () => {
    // The customer asks a KB question (the bot answers with a source), then asks for a person.
    const first = (await (await postJson(`${server.url}/v1/chat`, { message: '退货运费谁出' })).json()) as { session_id: string };
    const sid = first.session_id;
    const human = (await (await postJson(`${server.url}/v1/chat`, { message: '转人工', session_id: sid })).json()) as { handoff: boolean };
    expect(human.handoff).toBe(true);
    // A reply the output guard replaced, as the pipeline records it, so the console shows it.
    await server.kefu.store.appendMessage({
      id: randomUUID(), conversationId: sid, role: 'assistant', content: '抱歉,这个我不能承诺,已为您转人工。', createdAt: Date.now(),
      meta: { intent: 'refund', model: 'embedded:kefu-tiny', sources: [], guard: [{ principle: 'no_unauthorised_commitments', evidence: '全额退款', action: 'replaced' }], flow: { name: 'handoff', step: 'queued' } },
    });

    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/console`);
    // A wrong key is refused in words, not JSON.
    await page.fill('#key', 'kefu_agent_wrong-key');
    await page.click('#login-btn');
    await expect.poll(() => page.locator('#login-error').innerText()).toMatch(/Invalid or revoked key|密钥无效/);
    await login(page, agentKey);

    const item = page.locator(`#queue li[data-session="${sid}"]`);
    await item.waitFor({ timeout: 5000 });
    expect(await item.innerText()).toMatch(/#1 in line[\s\S]*Asked for a person[\s\S]*waiting \d+ s[\s\S]*转人工/);
    await item.locator('button.claim').click();

    // The transcript: the customer's words, the bot's answer with intent, model and source, the guard decision.
    const transcript = page.locator('#transcript');
    await transcript.locator('li[data-role="user"]', { hasText: '退货运费谁出' }).waitFor();
    const answer = transcript.locator('li[data-role="assistant"]').first();
    expect(await answer.locator('.badge.intent').innerText()).toBe('return');
    expect(await answer.locator('.badge.model').innerText()).toBe('retrieval');
    expect(await answer.locator('.sources a').first().innerText()).toMatch(/^\[1\] 退货运费/);
    await answer.locator('.sources a').first().click();
    await expect.poll(() => answer.locator('.passage').innerText()).toMatch(/运费/);
    const guarded = transcript.locator('li[data-role="assistant"]', { has: page.locator('.guard') });
    expect(await guarded.locator('.guard').innerText()).toMatch(/Guard: no_unauthorised_commitments — replaced «全额退款»/);
    expect(await guarded.locator('.badge.flow').innerText()).toBe('flow handoff › queued');
    expect(await transcript.innerText()).toMatch(/xiaowang joined/);
    expect(await page.locator('#conv-status').innerText()).toBe('in progress');

    // Reply: Enter sends; the customer's client sees it.
    await page.fill('#reply', '您好,我是客服小王,请问有什么可以帮您?');
    await page.press('#reply', 'Enter');
    await expect.poll(async () => (await customerMessages(sid)).some((m) => m.role === 'agent' && m.content.includes('客服小王')), { timeout: 5000, interval: 500 }).toBe(true);
    await transcript.locator('li[data-role="agent"]', { hasText: '客服小王' }).waitFor();
    expect(await page.inputValue('#reply')).toBe('');

    // The customer writes again: it shows up within the 2 s poll.
    const asked = Date.now();
    expect((await postJson(`${server.url}/v1/chat`, { message: '发票怎么开?', session_id: sid })).status).toBe(200);
    await transcript.locator('li[data-role="user"]', { hasText: '发票怎么开' }).waitFor({ timeout: 4000 });
    expect(Date.now() - asked).toBeLessThan(4000);

    // AI suggestion from the KB, edited, then sent with the button.
    await page.click('#suggest');
    const suggestion = page.locator('.suggestion').first();
    await suggestion.waitFor();
    expect(await suggestion.innerText()).toMatch(/Knowledge base/);
    await suggestion.locator('button.use').click();
    const draft = await page.inputValue('#reply');
    expect(draft).toMatch(/发票/);
    expect(draft).not.toMatch(/\[\d\]/);
    await page.fill('#reply', `${draft}\n还有其他问题吗?`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-desktop.png'), fullPage: true });
    await page.click('#send');
    await expect.poll(async () => (await customerMessages(sid)).filter((m) => m.role === 'agent').length, { timeout: 5000, interval: 500 }).toBe(2);

    // zh/en toggle.
    await page.click('#lang-toggle');
    expect(await page.locator('#resolve').innerText()).toBe('已解决');
    expect(await page.locator('#conv-status').innerText()).toBe('处理中');
    await page.click('#lang-toggle');
    expect(await page.locator('#resolve').innerText()).toBe('Resolve');

    // Resolve: the handoff is closed and the console stops offering to reply.
    await page.click('#resolve');
    await expect.poll(() => page.locator('#conv-status').innerText()).toBe('resolved');
    const handoffs = (await (await fetch(`${server.url}/v1/handoffs?status=resolved`, { headers: { authorization: `Bearer ${agentKey}` } })).json()) as { handoffs: Handoff[] };
    expect(handoffs.handoffs.find((h) => h.session_id === sid)).toMatchObject({ status: 'resolved', agent: 'xiaowang' });
    expect(await page.locator('#reply').isDisabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('hands a conversation back to the bot, and fits a phone screen', async () => {
    const { session_id: sid } = (await (await postJson(`${server.url}/v1/chat`, { message: 'I want to talk to a human' })).json()) as { session_id: string };
    const page = await browser.newPage({ viewport: { width: 375, height: 740 }, isMobile: true });
    await login(page, agentKey);
    const item = page.locator(`#queue li[data-session="${sid}"]`);
    await item.waitFor({ timeout: 5000 });
    const noHorizontalScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(await noHorizontalScroll()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-phone-queue.png') });

    await item.locator('button.claim').click();
    await page.locator('#transcript li[data-role="user"]').first().waitFor();
    // On a phone the conversation replaces the queue, with a way back.
    expect(await page.locator('#side').isVisible()).toBe(false);
    expect(await page.locator('#back').isVisible()).toBe(true);
    expect(await noHorizontalScroll()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-phone-conversation.png') });

    await page.click('#release');
    await expect.poll(() => page.locator('#conv-status').innerText()).toBe('back with the bot');
    // The bot answers again.
    const after = (await (await postJson(`${server.url}/v1/chat`, { message: 'How long does shipping take?', session_id: sid })).json()) as { reply: string; handoff: boolean };
    expect(after.handoff).toBe(false);
    expect(after.reply).toMatch(/days/);
    await page.click('#back');
    expect(await page.locator('#side').isVisible()).toBe(true);
    await page.close();
  }, 60_000);
});
