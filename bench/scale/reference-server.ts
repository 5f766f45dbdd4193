import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { z } from 'zod';
import { createSqliteAuditLog } from '../../src/audit/audit-log.ts';
import type { Passage } from '../../src/contracts/knowledge-base.ts';
import { PROJECT_ROOT } from '../../src/config/load-config.ts';
import { parseJsonl } from '../../src/knowledge/parse-jsonl.ts';
import { createOpenAICompatibleProvider } from '../../src/llm/openai-compatible-provider.ts';
import { buildPrompt, POLICY } from '../../src/pipeline/prompt-builder.ts';
import { createInputGuard } from '../../src/safety/input-guard/input-guard.ts';
import { loadConstitution } from '../../src/safety/output-guard/constitution.ts';
import { createOutputGuard } from '../../src/safety/output-guard/output-guard.ts';
import { createPiiEngine } from '../../src/safety/pii/create-pii-engine.ts';

/**
 * The reference servers of issue 16's "Done means", run as their own process so the benchmark can
 * read their CPU time from /proc beside Kefu's:
 * - `plain`: Hono, the request validated with zod, one SQLite transaction (a session row and the
 *   turn's two messages) and a JSON reply;
 * - `guarded`: the same plus what Kefu must do on every turn and nothing else: its PII scan of the
 *   question (masked before storing) and of the reply, its input guard on the question, its output
 *   guard on the reply, and an append to its tamper-evident audit log (own file, as Kefu keeps it);
 * - `guarded-model`: `guarded` with the reply from a model call instead of a fixed text: Kefu's own
 *   model client (src/llm/openai-compatible-provider.ts, the prompt from Kefu's prompt builder on
 *   the shop's shipping passage) to the given OpenAI-compatible backend, every part read. What a KB
 *   turn must do at the least, model call included, and nothing of Kefu's pipeline around it.
 *
 * Without a model the reply is a fixed answer with a citation: the text Kefu's cache gives for the
 * benchmark's question.
 */
export type ReferenceKind = 'plain' | 'guarded' | 'guarded-model';

/** The demo shop's shipping passage, as retrieval gives it to the prompt. */
function shippingPassage(): Passage {
  const file = path.join(PROJECT_ROOT, 'kb/demo-shop/shipping.jsonl');
  const doc = parseJsonl(readFileSync(file, 'utf8'), { file, source: 'shipping.jsonl' }).find((d) => d.id === 'ship-times-en');
  if (doc === undefined) throw new Error(`${file} has no ship-times-en`);
  return { id: `${doc.id}#0`, docId: doc.id, title: doc.title, text: doc.text, score: 1 };
}

const ANSWER = 'how long does delivery take?: Orders paid before 16:00 ship the same day; orders paid after 16:00 ship the next day. [1]';
const SYSTEM_PROMPTS = [POLICY.zh, POLICY.en];
const Body = z.object({ message: z.string().min(1).max(4000), session_id: z.string().max(100).optional(), stream: z.boolean().optional() });

function openDb(dir: string): Database.Database {
  const db = new Database(path.join(dir, 'ref.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE sessions (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
    CREATE TABLE messages (id INTEGER PRIMARY KEY, session_id TEXT NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL, at INTEGER NOT NULL)`);
  return db;
}

/** The reference app: validation, one transaction, JSON; `guarded` adds PII, guards and audit; `guarded-model` the model call. */
export function referenceApp(kind: ReferenceKind, dir: string, modelBaseUrl?: string): { app: Hono; close(): void } {
  const db = openDb(dir);
  const insertSession = db.prepare('INSERT INTO sessions (id, created_at) VALUES (?, ?)');
  const insertMessage = db.prepare('INSERT INTO messages (session_id, role, content, at) VALUES (?, ?, ?, ?)');
  const turn = db.transaction((id: string, question: string, answer: string, at: number) => {
    insertSession.run(id, at);
    insertMessage.run(id, 'user', question, at);
    insertMessage.run(id, 'assistant', answer, at);
  });
  const pii = createPiiEngine();
  const input = createInputGuard();
  const output = createOutputGuard({ principles: loadConstitution(), findPii: (text) => pii.analyze(text) });
  if (kind === 'guarded-model' && modelBaseUrl === undefined) throw new Error('guarded-model needs the backend base URL');
  const model = kind === 'guarded-model' ? createOpenAICompatibleProvider({ baseURLs: [modelBaseUrl!] }) : null;
  const passages = model === null ? [] : [shippingPassage()];
  const trusted = passages.map((p) => `${p.title} ${p.text}`).join('\n');
  const audit = kind !== 'plain' ? createSqliteAuditLog({ path: path.join(dir, 'audit.db'), headFileDelayMs: 1000 }) : null;
  const app = new Hono().post('/v1/chat', async (c) => {
    const parsed = Body.safeParse(await c.req.json());
    if (!parsed.success) return c.json({ error: { code: 'bad_request' } }, 400);
    const id = parsed.data.session_id ?? randomUUID();
    let question = parsed.data.message;
    let answer = ANSWER;
    if (audit !== null) {
      question = pii.mask(question).text;
      const verdict = input.inspect(question);
      if (model !== null && verdict.action === 'allow') answer = await generate(model, buildPrompt({ userMessage: question, passages, history: [], lang: 'en' }));
      const violations = output.check(answer, { trusted: model === null ? answer : trusted, given: question, systemPrompts: SYSTEM_PROMPTS });
      if (verdict.action !== 'allow' || violations.length > 0) answer = 'Sorry, I cannot answer that.';
      answer = pii.mask(answer).text;
    }
    const at = Date.now();
    turn(id, question, answer, at);
    audit?.append({ kind: 'reply', sessionId: id, channel: 'web', content: answer, model: model?.id ?? 'cache', promptVersion: null, sources: ['doc-1#0'], guard: { input: null, output: [] }, latencyMs: 0, meta: {} });
    return c.json({ session_id: id, reply: answer, cached: model === null, sources: [{ id: 'doc-1#0' }] });
  });
  return { app, close: () => { audit?.close(); void model?.close(); db.close(); } };
}

/** The model's whole reply, every part read; an error part fails the request. */
async function generate(model: ReturnType<typeof createOpenAICompatibleProvider>, messages: ReturnType<typeof buildPrompt>): Promise<string> {
  let text = '';
  for await (const part of model.doStream({ messages, maxTokens: 256, temperature: 0.2 })) {
    if (part.type === 'text-delta') text += part.text;
    else if (part.type === 'error') throw part.error;
  }
  return text;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  const kind = (process.argv[2] ?? 'plain') as ReferenceKind;
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-ref-'));
  const { app, close } = referenceApp(kind, dir, process.argv[3]);
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
    console.log(JSON.stringify({ url: `http://127.0.0.1:${info.port}` }));
  });
  process.on('SIGTERM', () => {
    server.close();
    close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
}
