import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { ConversationStore } from '../../contracts/conversation-store.ts';
import type { KbDocument, KnowledgeBase, Passage, StoredKbDocument } from '../../contracts/knowledge-base.ts';
import type { ChatMessage } from '../../contracts/language-model.ts';
import { detectLang } from '../../dialogue/embedded-nlu.ts';
import { KefuError, badRequest, isKefuError, notFound } from '../../errors.ts';
import { isConfidentPassage } from '../../knowledge/confidence.ts';
import { KB_FILE_EXTENSIONS, loadKbFiles } from '../../knowledge/load-kb-files.ts';
import type { Logger } from '../../logging/create-logger.ts';
import type { KpiPeriod, KpiQueries } from '../../contracts/kpi-queries.ts';
import type { OutcomeTracker } from '../../contracts/outcome-tracker.ts';
import { retrievalAnswer } from '../../pipeline/retrieval-responder.ts';
import type { AppEnv } from '../app-env.ts';
import { canSee } from '../auth.ts';
import { readJsonBody } from '../read-json-body.ts';

/**
 * What the admin dashboard and the agent console need beyond the public API: KPIs and unanswered
 * questions over a period, knowledge-base upload, browsing and re-index with progress, the red-team
 * report, and suggested replies for agents.
 */
export interface SuggestInput {
  sessionId: string;
  /** The customer's last message, masked as stored. */
  message: string;
  lang: 'zh' | 'en';
  /** Confident KB passages for the message (may be empty). */
  passages: Passage[];
  /** Earlier turns, oldest first; agent replies count as assistant. */
  history: ChatMessage[];
  signal: AbortSignal;
}

/** A reply draft from the language model; null when it has nothing to offer. */
export type SuggestReply = (input: SuggestInput) => Promise<string | null>;

export interface AdminRoutesDeps {
  store: ConversationStore;
  kb: KnowledgeBase;
  /** `<data dir>`: redteam-report.json lives here. */
  dataDir: string;
  /** KEFU_KB: what a re-index imports again. */
  kbPaths?: readonly string[];
  outcomes: Pick<OutcomeTracker, 'stats'>;
  /** KPIs: `<data dir>/kefu.db` read-only on one node, the shared database otherwise (the composition root picks). */
  kpis: KpiQueries;
  admin: MiddlewareHandler<AppEnv>;
  agent: MiddlewareHandler<AppEnv>;
  suggest?: SuggestReply;
  logger?: Logger;
  now?: () => number;
}

export interface ReindexJob {
  status: 'idle' | 'running' | 'done' | 'failed';
  phase: 'reading' | 'indexing' | null;
  done: number;
  total: number;
  started_at: string | null;
  finished_at: string | null;
  result: { files: number; found: number; documents: number; unchanged: number; chunks: number } | null;
  error: { code: string; message: string } | null;
}

const DAY = 86_400_000;
const MAX_PERIOD_DAYS = 400;
const REINDEX_BATCH = 20;

const Upload = z.object({ filename: z.string().trim().min(1).max(200), content: z.string().min(1).max(10_000_000) });

/** The admin API's view of a stored document (the content hash stays inside). */
const docView = (d: StoredKbDocument, full: boolean) => ({
  id: d.id,
  title: d.title,
  lang: d.lang,
  category: d.category,
  source: d.source,
  url: d.url,
  trust: d.trust,
  status: d.status,
  chars: d.text.length,
  updated_at: new Date(d.updatedAt).toISOString(),
  ...(full ? { text: d.text } : {}),
});

function timeParam(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d{1,15}$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw badRequest(`invalid_${name}`, `${name} must be an ISO 8601 time or epoch milliseconds`);
  return ms;
}

function intParam(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) throw badRequest(`invalid_${name}`, `${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** `?from=&to=` (ISO 8601 or epoch ms); the last 7 days by default. */
function periodOf(c: Context<AppEnv>, now: number): KpiPeriod {
  const to = timeParam('to', c.req.query('to')) ?? now;
  const from = timeParam('from', c.req.query('from')) ?? to - 7 * DAY;
  if (from >= to) throw badRequest('invalid_period', 'from must be before to');
  if (to - from > MAX_PERIOD_DAYS * DAY) throw badRequest('invalid_period', `the period is limited to ${MAX_PERIOD_DAYS} days`);
  return { from, to };
}

/** A file name as the KB importers take it: no folders, a known extension. */
function uploadName(filename: string): string {
  const name = path.basename(filename.replace(/\\/g, '/'));
  if (name.length === 0 || name.startsWith('.') || /[\0/]/.test(name)) throw badRequest('invalid_filename', 'filename must be a plain file name like faq.md');
  if (!KB_FILE_EXTENSIONS.includes(path.extname(name).toLowerCase())) {
    throw badRequest('unsupported_file_type', `Knowledge files must end in ${KB_FILE_EXTENSIONS.join(', ')}`);
  }
  return name;
}

const errorOf = (err: unknown): { code: string; message: string } =>
  isKefuError(err) && err.status < 500 ? { code: err.code, message: err.message } : { code: 'internal_error', message: 'Re-index failed; see the server log' };

export function adminRoutes(deps: AdminRoutesDeps) {
  const { admin, kb } = deps;
  const now = deps.now ?? Date.now;
  const app = new Hono<AppEnv>();
  kpiRoutes(app, deps, now);
  redteamReportRoute(app, deps);
  suggestRoute(app, deps);

  // Knowledge base: browse documents (kbDocumentRoutes), upload, re-index.
  kbDocumentRoutes(app, deps);

  app.post('/v1/admin/kb/upload', admin, async (c) => {
    const body = await readJsonBody(c, Upload);
    const name = uploadName(body.filename);
    const dir = await mkdtemp(path.join(tmpdir(), 'kefu-upload-'));
    const file = path.join(dir, name);
    let documents: KbDocument[];
    try {
      await writeFile(file, body.content, 'utf8');
      documents = (await loadKbFiles([file])).documents;
    } catch (err) {
      // The importers name the file they read: show the admin's file name, not our temp path.
      if (isKefuError(err) && err.status < 500) throw new KefuError(err.code, err.message.split(file).join(name), { status: err.status });
      throw err;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    if (documents.length === 0) throw badRequest('kb_empty_file', `${name} contains no documents`);
    const written = await kb.upsert(documents);
    const unchanged = 'unchanged' in written && typeof written.unchanged === 'number' ? written.unchanged : documents.length - written.documents;
    // Documents the scanner held are stored for review (GET /v1/admin/kb/quarantine), not served.
    return c.json({ filename: name, found: documents.length, documents: written.documents, unchanged, chunks: written.chunks, quarantined: written.quarantined ?? [], ids: documents.map((d) => d.id) }, 201);
  });

  let job: ReindexJob = { status: 'idle', phase: null, done: 0, total: 0, started_at: null, finished_at: null, result: null, error: null };

  /** Re-imports KEFU_KB in batches, so progress can be read while it runs. */
  async function reindex(paths: readonly string[]): Promise<void> {
    try {
      const { files, documents } = await loadKbFiles(paths);
      job = Object.assign({}, job, { phase: 'indexing', total: documents.length });
      let written = 0;
      let chunks = 0;
      for (let i = 0; i < documents.length; i += REINDEX_BATCH) {
        const r = await kb.upsert(documents.slice(i, i + REINDEX_BATCH));
        written += r.documents;
        chunks += r.chunks;
        job = Object.assign({}, job, { done: Math.min(documents.length, i + REINDEX_BATCH) });
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const result = { files: files.length, found: documents.length, documents: written, unchanged: documents.length - written, chunks };
      job = Object.assign({}, job, { status: 'done', phase: null, finished_at: new Date(now()).toISOString(), result });
    } catch (err) {
      if (!isKefuError(err) || err.status >= 500) deps.logger?.error({ err }, 're-index failed');
      job = Object.assign({}, job, { status: 'failed', phase: null, finished_at: new Date(now()).toISOString(), error: errorOf(err) });
    }
  }

  app.post('/v1/admin/kb/reindex', admin, (c) => {
    const paths = deps.kbPaths ?? [];
    if (paths.length === 0) throw new KefuError('no_kb_paths', 'Nothing to re-index: set KEFU_KB to the knowledge files or folders', { status: 409 });
    if (job.status === 'running') throw new KefuError('reindex_running', 'A re-index is already running', { status: 409 });
    job = { status: 'running', phase: 'reading', done: 0, total: 0, started_at: new Date(now()).toISOString(), finished_at: null, result: null, error: null };
    void reindex(paths);
    return c.json(job, 202);
  });

  app.get('/v1/admin/kb/reindex', admin, (c) => c.json(job));

  return app;
}

type AdminApp = Hono<AppEnv>;

/** KPIs and unanswered questions over a period, from the KPI queries the composition root gave. */
function kpiRoutes(app: AdminApp, deps: AdminRoutesDeps, now: () => number): void {
  const { admin, kpis } = deps;
  app.get('/v1/admin/kpis', admin, async (c) => {
    const period = periodOf(c, now());
    const [report, allTime] = await Promise.all([kpis.kpis(period), deps.outcomes.stats()]);
    return c.json(Object.assign({}, report, { all_time: allTime }));
  });

  app.get('/v1/admin/unanswered', admin, async (c) => {
    const period = periodOf(c, now());
    const limit = intParam('limit', c.req.query('limit'), 20, 1, 200);
    return c.json({ questions: await kpis.unanswered(period, limit) });
  });
}

/** The last red-team report (`kefu redteam --write`), as written. */
function redteamReportRoute(app: AdminApp, deps: AdminRoutesDeps): void {
  const { admin } = deps;
  app.get('/v1/redteam/report', admin, async (c) => {
    let text: string;
    try {
      text = await readFile(path.join(deps.dataDir, 'redteam-report.json'), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound('redteam_report_not_found', 'No red-team report yet: run `kefu redteam --write`');
      throw err;
    }
    let report: unknown;
    try {
      report = JSON.parse(text);
    } catch (err) {
      throw new KefuError('redteam_report_invalid', 'redteam-report.json is not valid JSON; run `kefu redteam --write` again', { status: 500, cause: err });
    }
    return c.json(report as Record<string, unknown>);
  });
}

/** Reply drafts for the customer's last message, from the KB and, when wired, the model. */
function suggestRoute(app: AdminApp, deps: AdminRoutesDeps): void {
  const { agent, kb } = deps;
  // Agents: reply drafts for the customer's last message, from the KB and, when wired, the model.
  app.post('/v1/sessions/:id/suggest', agent, async (c) => {
    const sessionId = c.req.param('id');
    const conversation = await deps.store.getConversation(sessionId);
    if (conversation === null || !canSee(c.get('principal'), conversation.tenant)) throw notFound('session_not_found', `No session ${sessionId}`);
    const messages = (await deps.store.listMessages(sessionId)).filter((m) => m.role !== 'system');
    const lastUser = messages.findLastIndex((m) => m.role === 'user');
    if (lastUser === -1) return c.json({ session_id: sessionId, message: null, suggestions: [] });
    const message = messages[lastUser]!.content;
    const lang = detectLang(message);
    const passages = (await kb.search(message, 3)).filter((p) => isConfidentPassage(p));
    const citations = passages.map((p) => ({ id: p.docId, title: p.title, ...(p.url === undefined ? {} : { url: p.url }) }));
    const suggestions: { text: string; source: 'kb' | 'model'; citations: typeof citations }[] = [];
    if (deps.suggest !== undefined) {
      const history = messages.slice(Math.max(0, lastUser - 10), lastUser).map((m): ChatMessage => ({ role: m.role === 'user' ? 'user' : 'assistant', content: m.content }));
      try {
        const text = await deps.suggest({ sessionId, message, lang, passages, history, signal: c.req.raw.signal });
        if (text !== null && text.trim().length > 0) suggestions.push({ text: text.trim(), source: 'model', citations });
      } catch (err) {
        // A failing model leaves the KB suggestion; the agent can always type.
        deps.logger?.warn({ err, sessionId }, 'suggested reply from the model failed');
      }
    }
    // The customer reads the agent's words, not citation markers.
    if (passages.length > 0) suggestions.push({ text: retrievalAnswer(passages, lang).replace(/\s*\[\d+\]/g, ''), source: 'kb', citations });
    return c.json({ session_id: sessionId, message, suggestions });
  });
}

/** Stored documents, active or held, through the KnowledgeBase contract (the search endpoint returns passages). */
function kbDocumentRoutes(app: AdminApp, deps: AdminRoutesDeps): void {
  const { admin, kb } = deps;
  app.get('/v1/admin/kb/documents', admin, async (c) => {
    const query = (c.req.query('q') ?? '').trim();
    const limit = intParam('limit', c.req.query('limit'), 50, 1, 500);
    const offset = intParam('offset', c.req.query('offset'), 0, 0, 1_000_000);
    const { documents, total } = await kb.listDocuments({ query, limit, offset });
    return c.json({ documents: documents.map((d) => docView(d, false)), total });
  });

  app.get('/v1/admin/kb/documents/:id', admin, async (c) => {
    const id = c.req.param('id');
    const doc = await kb.getDocument(id);
    if (doc === null) throw notFound('document_not_found', `No document ${id}`);
    return c.json(docView(doc, true));
  });
}
