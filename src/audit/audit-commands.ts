import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { withProgress } from '../cli/progress-bar.ts';
import { Command } from 'commander';
import { badRequest, KefuError } from '../errors.ts';
import { auditJsonlChunksAsync } from './audit-jsonl.ts';
import type { CommandAdapters } from '../compose/command-adapters.ts';
import type { AuditEntry, AuditLog, AuditProblem, AuditVerification } from '../contracts/audit-log.ts';

/** Logs smaller than this verify in a blink; no progress bar. */
const PROGRESS_FROM = 10_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `kefu audit verify | export | prune`, on `<KEFU_DATA_DIR>/audit.db` unless `--db` says otherwise;
 * with KEFU_DATABASE_URL set, on the cluster's chain in PostgreSQL (every node's entries).
 */
export function auditCommands(adapters: Pick<CommandAdapters, 'auditLog'>): Command {
  const audit = new Command('audit').description('check, export and prune the tamper-evident audit log');

  audit
    .command('verify')
    .description('recompute every hash and link; exit 1 if anything was edited, deleted, reordered or cut off')
    .option('--db <file>', 'audit database (default: the cluster\'s chain with KEFU_DATABASE_URL, else <KEFU_DATA_DIR>/audit.db)')
    .option('--no-head-file', 'ignore <db>.head, e.g. when checking a copied database')
    .option('--checkpoint <json>', 'also check against a signed checkpoint: the "audit checkpoint" log line (or its auditCheckpoint object), or @file holding it')
    .option('--json', 'print the verification as JSON')
    .action(async (opts: { db?: string; headFile: boolean; checkpoint?: string; json?: boolean }) => {
      const checkpoint = opts.checkpoint === undefined ? undefined : readCheckpoint(opts.checkpoint);
      const result = await withLog(adapters, Object.assign({}, db(opts.db), { headFile: opts.headFile }), async (log) => {
        const verified = await verifyWithProgress(log);
        const problem = verified.problem === undefined && checkpoint !== undefined ? await log.verifyCheckpoint(checkpoint) : null;
        return problem === null ? verified : Object.assign({}, verified, { ok: false, problem });
      });
      if (opts.json === true) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      if (result.problem !== undefined) throw brokenError(result.problem);
      if (opts.json !== true) process.stdout.write(`${summary(result)}${checkpoint === undefined ? '' : '; the signed checkpoint matches'}\n`);
    });

  audit
    .command('export')
    .description('write entries as JSONL, oldest first')
    .option('--db <file>', 'audit database (default: <KEFU_DATA_DIR>/audit.db)')
    .option('--from <seq>', 'first seq (inclusive)')
    .option('--to <seq>', 'last seq (inclusive)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (opts: { db?: string; from?: string; to?: string; output?: string }) => {
      const from = seqOption('--from', opts.from);
      const to = seqOption('--to', opts.to);
      if (from !== undefined && to !== undefined && from > to) throw badRequest('invalid_range', '--from must not be greater than --to');
      const log = await adapters.auditLog(db(opts.db));
      try {
        let count = 0;
        const entries = countEntries(log.export(Object.assign(from === undefined ? {} : { fromSeq: from }, to === undefined ? {} : { toSeq: to })), () => count++);
        if (opts.output === undefined) {
          await writeChunks(process.stdout, auditJsonlChunksAsync(entries));
        } else {
          const file = createWriteStream(path.resolve(opts.output));
          try {
            await writeChunks(file, auditJsonlChunksAsync(entries));
          } finally {
            file.end();
          }
          await finished(file);
          process.stderr.write(`exported ${count} entries to ${opts.output}\n`);
        }
      } finally {
        await log.close();
      }
    });

  audit
    .command('prune')
    .description('delete entries older than the retention period, keeping a checkpoint so the rest still verifies')
    .requiredOption('--older-than-days <days>', 'delete entries written more than this many days ago')
    .option('--db <file>', 'audit database (default: <KEFU_DATA_DIR>/audit.db)')
    .action(async (opts: { olderThanDays: string; db?: string }) => {
      const days = /^\d{1,6}$/.test(opts.olderThanDays) ? Number(opts.olderThanDays) : Number.NaN;
      if (!(days >= 1)) throw badRequest('invalid_days', `--older-than-days must be a whole number of days ≥ 1, got ${opts.olderThanDays}`);
      const { removed, checkpoint } = await withLog(adapters, db(opts.db), (log) => log.prune(days * DAY_MS));
      const from = checkpoint === null ? '' : `; verification starts after entry ${checkpoint.seq} (hash ${checkpoint.hash})`;
      process.stdout.write(`pruned ${removed} entries older than ${days} days${from}\n`);
    });

  return audit;
}

/** A checkpoint as logged: the pino line, its `auditCheckpoint` object, or `@file` holding either. */
function readCheckpoint(value: string): unknown {
  const text = value.startsWith('@') ? readFileSync(path.resolve(value.slice(1)), 'utf8') : value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.trim()) as unknown;
  } catch {
    throw badRequest('invalid_checkpoint', '--checkpoint must be JSON: the "audit checkpoint" log line or its auditCheckpoint object');
  }
  const inner = typeof parsed === 'object' && parsed !== null ? (parsed as { auditCheckpoint?: unknown }).auditCheckpoint : undefined;
  return inner ?? parsed;
}

const db = (file: string | undefined): { db?: string } => (file === undefined ? {} : { db: file });

/** `audit log broken at seq N: …`, what the commands fail with. */
function brokenError(problem: AuditProblem): KefuError {
  return new KefuError('audit_broken', `audit log broken at seq ${problem.seq}: ${problem.detail}`, { status: 409 });
}

async function withLog<T>(adapters: Pick<CommandAdapters, 'auditLog'>, options: { db?: string; headFile?: boolean }, use: (log: AuditLog) => Promise<T>): Promise<T> {
  const log = await adapters.auditLog(options);
  try {
    return await use(log);
  } finally {
    await log.close();
  }
}

async function verifyWithProgress(log: AuditLog): Promise<AuditVerification> {
  return withProgress('verifying', 'entries', (report) =>
    log.verify((done, total) => {
      if (total >= PROGRESS_FROM) report(done, total);
    }),
  );
}

function summary(r: AuditVerification): string {
  const range = r.firstSeq === null ? '' : ` (seq ${r.firstSeq}–${r.lastSeq ?? r.firstSeq})`;
  const pruned = r.checkpoint === null ? '' : `; entries up to ${r.checkpoint.seq} were pruned`;
  const head = r.headHash === null ? '' : `, head ${r.headHash}`;
  return `audit log ok: ${r.entries} entries${range}${head}${pruned}`;
}

function seqOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1)) throw badRequest('invalid_seq', `${name} must be an integer ≥ 1, got ${value}`);
  return n;
}

async function* countEntries(entries: AsyncIterable<AuditEntry>, onEntry: () => void): AsyncGenerator<AuditEntry> {
  for await (const entry of entries) {
    onEntry();
    yield entry;
  }
}

/** Writes with backpressure; a failed write (EPIPE, disk full) rejects instead of crashing the process. */
async function writeChunks(out: NodeJS.WritableStream, chunks: AsyncIterable<string>): Promise<void> {
  let failure: unknown = null;
  const onError = (err: unknown) => (failure ??= err);
  out.on('error', onError);
  try {
    for await (const chunk of chunks) {
      if (failure !== null) break;
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.off('error', onError);
  }
  if (failure !== null) throw failure;
}
