import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, DEMO_NOW, postJson, readSse, startTestServer, type TestServer } from '../support/start-test-server.ts';
import { chatTurn, type MultimodalReply } from '../support/multimodal-chat.ts';
import { imageAttachment, pictureFixture, pngHeader } from '../support/picture-fixtures.ts';

const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const label = () => imageAttachment(pictureFixture('label-purifier-p3.jpg'), 'image/jpeg', 'label.jpg');
const screenshot = () => imageAttachment(pictureFixture('order-screenshot-kf20261123002.png'));

type Reply = MultimodalReply;
const chat = chatTurn;

/** A POST /v1/chat that declares `bytes` of JSON and sends none of it until the server has answered. */
function declaredOnly(url: string, bytes: number): Promise<{ status: number; body: Reply }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(bytes) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Reply });
      });
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

/** The session's stored messages, as the agent console reads them. */
const transcript = async (url: string, sessionId: string) =>
  ((await (await fetch(`${url}/v1/sessions/${sessionId}`, { headers: admin })).json()) as { messages: { role: string; content: string; meta: Record<string, unknown> }[] }).messages;

describe('pictures sent with a chat turn (POST /v1/chat attachments)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, undefined, { now: () => DEMO_NOW });
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('answers "这个怎么安装?" with a product label photo from that product\'s installation guide, with sources', async () => {
    const { status, body } = await chat(server.url, { message: '这个怎么安装?', attachments: [label()] });
    expect(status).toBe(200);
    expect(body.sources[0]?.title).toMatch(/Kefu 空气净化器 P3|空气净化器安装/);
    expect(body.reply).toMatch(/无需安装|滤网包装袋/);
    expect(body.attachments?.[0]).toMatchObject({ type: 'image' });
    expect(body.attachments?.[0]?.text).toContain('Kefu 空气净化器 P3');
    // The customer's message in the transcript is what the turn read; the picture is not kept.
    const stored = (await transcript(server.url, body.session_id)).find((m) => m.role === 'user')!;
    expect(stored.content).toBe('这个怎么安装?\nKefu 空气净化器 P3\n型号:KF-P3');
    expect(stored.meta['attachments']).toEqual([{ type: 'image', mime: 'image/jpeg', text: expect.stringContaining('额定功率') }]);
    expect(existsSync(path.join(server.dataDir, 'retained-files.db'))).toBe(false);
  }, 60_000);

  it('starts the order-status flow for the order on a screenshot sent with no text', async () => {
    const { status, body } = await chat(server.url, { message: '', user_id: 'demo-user', attachments: [screenshot()] });
    expect(status).toBe(200);
    expect(body.flow?.name).toBe('order_status');
    expect(body.reply).toContain('KF20261123002');
    expect(body.reply).toMatch(/已发货|运输中/);
  }, 60_000);

  it('streams a picture turn like a text one', async () => {
    const res = await postJson(`${server.url}/v1/chat`, { message: '这个怎么安装?', stream: true, attachments: [imageAttachment(pictureFixture('label-heater-60l.jpg'), 'image/jpeg')] });
    const events = await readSse(res);
    const done = events.find((e) => e.event === 'done')!.data as Reply;
    expect(done.sources[0]?.title).toMatch(/60升电热水器|电热水器安装/);
  }, 60_000);

  it('passes what a picture says through the PII engine like typed text', async () => {
    const png = execFileSync('convert', ['-size', '560x120', 'xc:white', '-font', 'Noto-Sans-CJK-SC', '-pointsize', '30', '-fill', 'black', '-annotate', '+20+70', '收件人电话 13812345678', 'png:-']);
    const { body } = await chat(server.url, { message: '这是我的电话', attachments: [imageAttachment(png)] });
    // Shown back to its sender in full; stored masked.
    expect(body.attachments?.[0]?.text).toContain('13812345678');
    const stored = (await transcript(server.url, body.session_id)).find((m) => m.role === 'user')!;
    expect(JSON.stringify(stored)).not.toContain('13812345678');
    expect(JSON.stringify(stored.meta['attachments'])).toMatch(/\[[A-Z]+_1\]/);
  }, 60_000);

  it('refuses a 30 MB upload, a non-image, a damaged file and a pixel bomb with clear errors, and the conversation goes on', async () => {
    const first = await chat(server.url, { message: '你好' });
    expect(first.status).toBe(200);
    const session = { session_id: first.body.session_id, ...(first.body.session_token === undefined ? {} : { session_token: first.body.session_token }) };

    // 30 MB (40 MB of base64) is refused by its declared length before a byte of it is read. The
    // client here waits for the answer before sending the body: one that streams 40 MB regardless
    // may meet a closed connection before it reads the 413 (the widget refuses it before upload).
    const huge = await declaredOnly(server.url, 40 * 1024 * 1024);
    expect(huge.status).toBe(413);
    expect(huge.body.error?.code).toBe('attachment_too_large');
    expect(huge.body.error?.message).toMatch(/a picture may be at most 8388608 bytes/);

    const notImage = await chat(server.url, { ...session, message: '看看这个', attachments: [imageAttachment(Buffer.from('%PDF-1.7 not a picture at all'), 'image/png')] });
    expect(notImage.status).toBe(415);
    expect(notImage.body.error).toMatchObject({ code: 'unsupported_image', message: expect.stringMatching(/PNG, JPEG/) });

    const cut = await chat(server.url, { ...session, message: '看看这个', attachments: [imageAttachment(pictureFixture('order-screenshot-kf20261123002.png').subarray(0, 4000))] });
    expect(cut.status).toBe(422);
    expect(cut.body.error?.code).toBe('corrupt_image');

    const bomb = await chat(server.url, { ...session, message: '', attachments: [imageAttachment(pngHeader(30_000, 30_000))] });
    expect(bomb.status).toBe(413);
    expect(bomb.body.error?.code).toBe('image_too_large');

    const two = await chat(server.url, { ...session, message: '', attachments: [label(), screenshot()] });
    expect(two.status).toBe(400);

    const next = await chat(server.url, { ...session, message: '你们的退货政策是什么?' });
    expect(next.status).toBe(200);
    expect(next.body.session_id).toBe(first.body.session_id);
    expect(next.body.reply).toMatch(/7天无理由退货/);
    // Refused turns left nothing in the transcript.
    expect((await transcript(server.url, first.body.session_id)).filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['你好', '你们的退货政策是什么?']);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/kefu_ocr_failures_total\{reason="unsupported_image"\} 1/);
    expect(metrics).toMatch(/kefu_ocr_failures_total\{reason="corrupt_image"\} 1/);
    expect(metrics).toMatch(/kefu_ocr_seconds_count \d+/);
  }, 60_000);

  it('says so when a picture has no text and nothing was typed', async () => {
    const blank = execFileSync('convert', ['-size', '200x200', 'xc:white', 'png:-']);
    const { status, body } = await chat(server.url, { message: '', attachments: [imageAttachment(blank)] });
    expect(status).toBe(422);
    expect(body.error?.code).toBe('nothing_read');
  }, 30_000);
});
