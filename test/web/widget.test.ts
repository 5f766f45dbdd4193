import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/launch-chromium.ts';
import { say } from '../support/widget-page.ts';
import { PROJECT_ROOT } from '../../src/config/load-config.ts';
import type { AppEnv } from '../../src/server/app-env.ts';
import { ADMIN_KEY, DEMO_NOW, postJson, startTestServer, type TestServer } from '../support/start-test-server.ts';

const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');
const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const MINUTE = 60_000;
const DAY = 86_400_000;

/** A payment rule with a 1 s threshold instead of the shipped 60 s, so the test does not wait. */
const TEST_RULES = `
version: 1
rules:
  - id: test_payment
    when: { type: payment, min_dwell_ms: 1000, page: /checkout* }
    message: { zh: 支付遇到问题了吗?我可以帮您看看。, en: Having trouble paying? I can help. }
    max_per_visitor_per_day: 1
`;

interface Site { url: string; close(): Promise<void> }

const listen = (app: Hono<AppEnv>): Promise<Site> =>
  new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve({
        url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
        close: () => new Promise<void>((done) => {
          s.close(() => done());
          if ('closeAllConnections' in s) s.closeAllConnections();
        }),
      }));
  });

/** A merchant's own pages on another origin, each embedding the widget with one script tag. */
async function shopSite(kefuUrl: string): Promise<Site> {
  const page = (lang: string, title: string, tag: string) =>
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>` +
    `<body><h1>${title}</h1><p>${title}</p>${tag}</body></html>`;
  const app = new Hono<AppEnv>();
  app.get('/en', (c) => c.html(page('en', 'Example Store', `<script src="${kefuUrl}/widget.js" data-lang="en" data-title="Example Store Help"></script>`)));
  app.get('/checkout/pay', (c) => c.html(page('zh-CN', '收银台', `<script src="${kefuUrl}/widget.js" data-lang="zh" data-page-type="payment" data-dwell-interval="1000"></script>`)));
  return listen(app);
}

const noHorizontalScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** The newest bot bubble once it has finished streaming. */
async function lastBotReply(page: Page, pattern: RegExp, timeout = 15_000): Promise<string> {
  const bubble = page.locator('#kefu-log .kefu-bot:not(.kefu-typing)', { hasText: pattern }).last();
  await bubble.waitFor({ timeout });
  return bubble.innerText();
}

/** What a person sees must read as text, never as an API object. */
async function expectNoRawJson(page: Page): Promise<void> {
  const text = await page.locator('#kefu-panel').innerText();
  expect(text).not.toMatch(/\{"\w+":|\bnull\b|\bundefined\b|\[object /);
}

describe('the chat widget in headless Chromium', () => {
  let clock = DEMO_NOW;
  let rulesDir: string;
  let server: TestServer;
  let shop: Site;
  let browser: Browser;
  let agentKey: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    rulesDir = mkdtempSync(path.join(tmpdir(), 'kefu-rules-'));
    const rulesFile = path.join(rulesDir, 'proactive.yaml');
    writeFileSync(rulesFile, TEST_RULES);
    // The demo clock (order ids as in docs/demo-order-system.md), agents always on duty, and a
    // rate limit that the 2 s polling of several pages cannot reach.
    server = await startTestServer(
      { KEFU_BUSINESS_HOURS: 'always', KEFU_RATE_LIMIT_PER_MINUTE: '1000', KEFU_PROACTIVE_RULES: rulesFile },
      undefined,
      { now: () => clock },
    );
    shop = await shopSite(server.url);
    const key = await postJson(`${server.url}/v1/keys`, { name: 'xiaowang', role: 'agent' }, admin);
    expect(key.status).toBe(201);
    agentKey = ((await key.json()) as { key: string }).key;
    // A help-centre article with a link, so sources can be shown as links.
    const doc = await postJson(`${server.url}/v1/kb/documents`, { id: 'points-help', title: '会员积分规则', text: '会员积分:每消费1元得1积分,100积分可抵扣1元,积分有效期为12个月。', lang: 'zh', url: 'https://shop.example.com/help/points' }, admin);
    expect(doc.status).toBe(201);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await server?.destroy();
    if (rulesDir) rmSync(rulesDir, { recursive: true, force: true });
  });

  it('return flow with buttons → human → the agent’s reply arrives live → resolved → 5 stars; the dashboard counts it; a reload restores the history', async () => {
    const customerCtx = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
    const customer = await customerCtx.newPage();
    const errors: string[] = [];
    customer.on('pageerror', (e) => errors.push(e.message));
    await customer.goto(`${server.url}/`);
    await customer.click('#kefu-btn');
    expect(await customer.getAttribute('#kefu-btn', 'aria-expanded')).toBe('true');
    expect(await customer.locator('.kefu-welcome').innerText()).toBe('您好!请问有什么可以帮您?');
    expect(await customer.evaluate(() => document.activeElement?.id)).toBe('kefu-input');

    // 我要退货: the bot lists the orders it can act on, as buttons.
    await say(customer, '我要退货');
    expect(await lastBotReply(customer, /哪个订单/)).toMatch(/KF20261124003[\s\S]*KF20261121001/);
    const pick = customer.locator('.kefu-qr button', { hasText: 'KF20261124003' });
    await pick.waitFor();
    expect(await customer.locator('.kefu-qr button').allInnerTexts()).toEqual(expect.arrayContaining(['KF20261124003', 'KF20261121001', '取消']));
    await pick.click();
    // The tapped button is sent as the customer's message, and the old buttons go away.
    await customer.locator('.kefu-user', { hasText: 'KF20261124003' }).waitFor();
    await lastBotReply(customer, /原因|reason/i);
    await say(customer, '买多了');
    expect(await lastBotReply(customer, /确认提交/)).toMatch(/KF20261124003[\s\S]*不想要了/);
    const confirm = customer.locator('.kefu-qr button', { hasText: '确认' });
    await confirm.waitFor();
    await customer.screenshot({ path: path.join(ARTIFACTS, 'widget-return-confirm.png') });
    await confirm.click();
    const done = await lastBotReply(customer, /申请单号/);
    const returnId = /RT\d{11}/.exec(done)?.[0];
    expect(returnId).toBeDefined();
    expect(await customer.locator('.kefu-qr').count()).toBe(0);

    // 转人工: a queue notice in the chat and in the header.
    await say(customer, '转人工');
    expect(await lastBotReply(customer, /转接人工客服/)).toMatch(/前面还有 0 位/);
    await expect.poll(() => customer.locator('#kefu-status').innerText()).toMatch(/正在为您转接人工客服,前面还有 0 位/);
    const sid = await customer.evaluate(() => localStorage.getItem('kefu.session'));
    expect(sid).toMatch(/^[\w-]{8,}$/);

    // An agent, in a browser of their own, claims the conversation and answers.
    const agentCtx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const agent = await agentCtx.newPage();
    await agent.goto(`${server.url}/console`);
    await agent.fill('#key', agentKey);
    await agent.click('#login-btn');
    await agent.locator('#workspace').waitFor();
    const item = agent.locator(`#queue li[data-session="${sid}"]`);
    await item.waitFor({ timeout: 5000 });
    await item.locator('button.claim').click();
    await agent.locator('#transcript li[data-role="user"]', { hasText: '转人工' }).waitFor();
    await agent.fill('#reply', '您好,我是客服小王');
    const sentAt = Date.now();
    await agent.press('#reply', 'Enter');

    // The customer sees it within a few seconds (the widget polls every 2 s), with an agent badge.
    const agentBubble = customer.locator('.kefu-agent', { hasText: '您好,我是客服小王' });
    await agentBubble.waitFor({ timeout: 6000 });
    expect(Date.now() - sentAt).toBeLessThan(6000);
    expect(await agentBubble.locator('.kefu-badge').innerText()).toBe('人工客服');
    expect(await customer.locator('.kefu-notice', { hasText: '人工客服 xiaowang 已接入' }).count()).toBe(1);
    await expect.poll(() => customer.locator('#kefu-status').innerText()).toBe('人工客服服务中');
    // The queue's "取消" button is gone once a person has the conversation.
    expect(await customer.locator('.kefu-qr').count()).toBe(0);
    await customer.screenshot({ path: path.join(ARTIFACTS, 'widget-agent-reply.png') });

    // The customer answers; the bot stays silent while a person has the conversation.
    await say(customer, '好的,我等退款');
    await agent.locator('#transcript li[data-role="user"]', { hasText: '我等退款' }).waitFor({ timeout: 5000 });
    await expect.poll(() => customer.locator('.kefu-typing').count()).toBe(0);
    expect(await customer.locator('.kefu-bot', { hasText: '我等退款' }).count()).toBe(0);

    // The agent resolves: the customer is told, and asked for a rating.
    await agent.click('#resolve');
    await customer.locator('.kefu-notice', { hasText: '人工客服已结束本次服务' }).waitFor({ timeout: 6000 });
    const rating = customer.locator('.kefu-rating');
    await rating.waitFor();
    expect(await rating.innerText()).toMatch(/请为本次服务评分/);
    expect(await rating.locator('.kefu-star').count()).toBe(5);
    expect(await rating.locator('.kefu-star[data-score="5"]').getAttribute('aria-label')).toBe('5 星');
    await rating.locator('.kefu-star[data-score="5"]').click();
    await expect.poll(() => rating.innerText()).toMatch(/感谢您的评价/);
    await expect.poll(() => customer.locator('#kefu-status').isVisible()).toBe(false);
    await customer.screenshot({ path: path.join(ARTIFACTS, 'widget-rated.png') });
    await expectNoRawJson(customer);

    // The conversation closes after 30 idle minutes as "transferred", with its rating.
    clock += 31 * MINUTE;
    await server.kefu.closeIdleConversations();
    const period = `from=${new Date(DEMO_NOW - DAY).toISOString()}&to=${new Date(DEMO_NOW + DAY).toISOString()}`;
    const kpis = (await (await fetch(`${server.url}/v1/admin/kpis?${period}`, { headers: admin })).json()) as {
      conversations: number; outcomes: { transferred: number }; csat: { count: number; average: number | null }; messages: { agent: number };
    };
    expect(kpis).toMatchObject({ conversations: 1, outcomes: { transferred: 1 }, csat: { count: 1, average: 5 }, messages: { agent: 1 } });
    const outcomes = (await (await fetch(`${server.url}/v1/stats/outcomes`, { headers: admin })).json()) as { byOutcome: { transferred: number }; csat: { average: number } };
    expect(outcomes).toMatchObject({ byOutcome: { transferred: 1 }, csat: { average: 5 } });

    // …and the admin dashboard shows it for those days.
    const dash = await agentCtx.newPage();
    await dash.goto(`${server.url}/admin`);
    await dash.fill('#key', ADMIN_KEY);
    await dash.click('#login-btn');
    await dash.locator('.kpi[data-kpi="conversations"]').waitFor();
    await dash.click('[data-period="custom"]');
    await dash.fill('#from', '2026-11-23');
    await dash.fill('#to', '2026-11-25');
    await dash.click('#apply-range');
    const kpi = (name: string) => dash.locator(`.kpi[data-kpi="${name}"] .value`).innerText();
    await expect.poll(() => kpi('transfer')).toBe('100.0%');
    expect(await kpi('conversations')).toBe('1');
    expect(await kpi('csat')).toBe('5.00 / 5');
    await dash.screenshot({ path: path.join(ARTIFACTS, 'widget-dashboard-kpis.png'), fullPage: true });

    // A reload: the panel stays open and the whole conversation is back, agent reply included.
    await customer.reload();
    await customer.locator('#kefu-panel.open').waitFor();
    await customer.locator('.kefu-agent', { hasText: '您好,我是客服小王' }).waitFor({ timeout: 5000 });
    const restored = await customer.locator('#kefu-log').innerText();
    expect(restored).toContain('我要退货');
    expect(restored).toContain(returnId!);
    expect(restored).toContain('人工客服 xiaowang 已接入');
    expect(restored).toContain('人工客服已结束本次服务');
    expect(restored.indexOf('我要退货')).toBeLessThan(restored.indexOf('您好,我是客服小王'));
    // Rated already: no second prompt.
    expect(await customer.locator('.kefu-rating').count()).toBe(0);
    await customer.screenshot({ path: path.join(ARTIFACTS, 'widget-history-restored.png') });
    expect(errors).toEqual([]);
    await agentCtx.close();
    await customerCtx.close();
  }, 120_000);

  it('fits a phone: full-screen panel, no horizontal scroll, sources as links, the demo checkout reports its step', async () => {
    const ctx = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/`);
    expect(await noHorizontalScroll(page)).toBe(true);

    // The demo shop's pretend checkout tells the widget the customer is paying.
    const event = page.waitForRequest((r) => r.url().endsWith('/v1/events') && (r.postDataJSON() as { type: string }).type === 'payment');
    await page.click('#checkout-btn');
    const sent = (await event).postDataJSON() as { dwell_ms: number };
    expect(sent).toMatchObject({ type: 'payment', page: '/checkout/pay', lang: 'zh' });
    // The step is reported as it happens: the dwell on the new page is a few ms at most (0 or 1 seen).
    expect(sent.dwell_ms).toBeGreaterThanOrEqual(0);
    expect(sent.dwell_ms).toBeLessThan(1000);
    expect(await page.locator('#pay').isVisible()).toBe(true);
    expect(await noHorizontalScroll(page)).toBe(true);

    await page.tap('#kefu-btn');
    const box = await page.locator('#kefu-panel').boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 375, height: 740 });
    // The launcher would cover the input: hidden while the panel is open; the close button works.
    expect(await page.locator('#kefu-btn').isVisible()).toBe(false);
    expect(await page.getAttribute('#kefu-close', 'aria-label')).toBe('关闭客服窗口');

    await say(page, '会员积分怎么用?');
    await lastBotReply(page, /积分/);
    const link = page.locator('.kefu-bot .kefu-src a').first();
    await link.waitFor();
    expect(await link.innerText()).toBe('[1] 会员积分规则');
    expect(await link.getAttribute('href')).toBe('https://shop.example.com/help/points');
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(await page.locator('.kefu-bot .kefu-src').first().innerText()).toMatch(/^来源:\[1\] 会员积分规则 \[2\] /);
    expect(await noHorizontalScroll(page)).toBe(true);
    const widest = await page.evaluate(() => Math.max(...Array.from(document.querySelectorAll('#kefu-log > *')).map((e) => e.getBoundingClientRect().right)));
    expect(widest).toBeLessThanOrEqual(375);
    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-phone.png') });
    await expectNoRawJson(page);

    await page.tap('#kefu-close');
    expect(await page.locator('#kefu-panel').isVisible()).toBe(false);
    expect(await page.locator('#kefu-btn').isVisible()).toBe(true);
    await ctx.close();
  }, 60_000);

  it('speaks English on an English shop (another origin), reconnects after a network drop, asks for a rating after goodbye', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${shop.url}/en`);
    expect(await page.locator('#kefu-btn').innerText()).toBe('Chat');
    await page.click('#kefu-btn');
    expect(await page.locator('#kefu-title').innerText()).toBe('Example Store Help');
    expect(await page.locator('.kefu-welcome').innerText()).toBe('Hi! How can I help you?');
    expect(await page.getAttribute('#kefu-input', 'placeholder')).toBe('Type your question…');
    expect(await page.locator('#kefu-send').innerText()).toBe('Send');

    await say(page, 'How long does shipping take?');
    expect(await lastBotReply(page, /days/)).toMatch(/\d+–\d+ days/);
    expect(await page.locator('.kefu-src').last().innerText()).toMatch(/^Sources: \[1\] Shipping times/);

    // The network drops: the customer is told, and the message goes out once it is back.
    await ctx.setOffline(true);
    await say(page, 'Do you deliver to Xinjiang?');
    await expect.poll(() => page.locator('#kefu-conn').innerText(), { timeout: 5000 }).toMatch(/offline|Connection lost/);
    expect(await page.locator('#kefu-conn').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-offline.png') });
    await ctx.setOffline(false);
    expect(await lastBotReply(page, /Xinjiang|remote/i, 20_000)).not.toMatch(/not sent|unavailable/);
    await expect.poll(() => page.locator('#kefu-conn').isVisible()).toBe(false);
    expect(await page.locator('.kefu-user', { hasText: 'Xinjiang' }).count()).toBe(1);

    await say(page, 'thanks, bye');
    const rating = page.locator('.kefu-rating');
    await rating.waitFor({ timeout: 10_000 });
    expect(await rating.innerText()).toMatch(/How would you rate this conversation\?/);
    expect(await rating.locator('.kefu-star[data-score="4"]').getAttribute('aria-label')).toBe('4 of 5 stars');
    await rating.locator('.kefu-star[data-score="4"]').click();
    await expect.poll(() => rating.innerText()).toMatch(/Thank you for your feedback/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-en.png') });
    await expectNoRawJson(page);
    expect(errors).toEqual([]);
    await ctx.close();
  }, 60_000);

  it('proactive: on the payment page past the threshold the widget opens with a message, once per visitor per day', async () => {
    const stats = async () =>
      ((await (await fetch(`${server.url}/v1/admin/proactive?days=2`, { headers: admin })).json()) as {
        rules: { id: string; triggers: { today: number } }[]; events: { day: string; payment: number }[];
      });
    expect((await stats()).rules.map((r) => r.id), 'the proactive service must use KEFU_PROACTIVE_RULES').toContain('test_payment');
    const today = async () => (await stats()).rules.find((r) => r.id === 'test_payment')!.triggers.today;
    // Other visitors (the phone test sat on the demo checkout) may have been asked already.
    const earlier = await today();

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    await page.goto(`${shop.url}/checkout/pay`);
    expect(await page.locator('#kefu-panel').isVisible()).toBe(false);
    const proactive = page.locator('.kefu-proactive');
    await proactive.waitFor({ timeout: 6000 });
    expect(await proactive.innerText()).toBe('支付遇到问题了吗?我可以帮您看看。');
    // The proactive message is the greeting: no generic welcome above it.
    expect(await page.locator('.kefu-welcome').count()).toBe(0);
    expect(await page.locator('#kefu-panel').isVisible()).toBe(true);
    // Opened by us, not by the customer: focus stays where it was (no phone keyboard popping up).
    expect(await page.evaluate(() => document.activeElement?.id ?? '')).not.toBe('kefu-input');
    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-proactive.png') });
    expect(await today()).toBe(earlier + 1);

    // Same visitor, same day: the page keeps reporting, the widget does not pop up again.
    const before = (await stats()).events.at(-1)!.payment;
    await page.reload();
    await page.waitForTimeout(3500);
    expect(await page.locator('.kefu-proactive').count()).toBe(0);
    expect((await stats()).events.at(-1)!.payment).toBeGreaterThanOrEqual(before + 3);
    expect(await today()).toBe(earlier + 1);

    // A new day: it may ask again. (The page is closed first: its next report would be the one
    // to fire, during the reload, and its answer would be lost with the page.)
    await page.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
    clock += DAY;
    const nextDay = await ctx.newPage();
    await nextDay.goto(`${shop.url}/checkout/pay`);
    await nextDay.locator('.kefu-proactive').waitFor({ timeout: 6000 });
    expect(await today()).toBe(1);

    // Once the visitor chats, the page events name the session and carry its token, which the
    // server requires of every request that names a session (issue 13).
    await say(nextDay, '运费怎么算?');
    await lastBotReply(nextDay, /运费|包邮|元/);
    const named = await nextDay.waitForResponse((r) => r.url().endsWith('/v1/events') && (r.request().postDataJSON() as { session_id?: string }).session_id !== undefined, { timeout: 6000 });
    expect(named.status()).toBe(200);
    expect(typeof (named.request().postDataJSON() as { session_token?: unknown }).session_token).toBe('string');
    await ctx.close();
  }, 60_000);
});
