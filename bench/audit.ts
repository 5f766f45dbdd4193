import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { auditJsonlChunks } from '../src/audit/audit-jsonl.ts';
import { createSqliteAuditLog } from '../src/audit/audit-log.ts';
import type { SqliteAuditLogOptions } from '../src/audit/sqlite-audit-log-options.ts';
import type { AuditInput } from '../src/contracts/audit-log.ts';

export interface AppendBench {
  entries: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time (user + system) per append: steadier than wall time on a shared machine. */
  cpuUsPerEntry: number;
}

export interface AuditBench {
  /** Default settings: head file mirrored on every append (write + rename), synchronous=NORMAL. */
  appendWithHeadFile: AppendBench;
  /** synchronous=FULL as well: each append survives a power cut. */
  appendDurable: AppendBench;
  /** No head file: the cost of the chain itself (hash, insert, head row). */
  appendWithoutHeadFile: AppendBench;
  /** Full verification of the large log: every hash recomputed, every link checked. */
  verify: { entries: number; ms: number; cpuMs: number; perSecond: number };
  /** JSONL export of the large log. */
  export: { entries: number; ms: number; cpuMs: number; megabytes: number };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round = (n: number): number => Math.round(n * 1000) / 1000;

/** CPU microseconds (user + system) used by this process since `from`. */
const cpuSince = (from: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(from);
  return d.user + d.system;
};

/** A realistic reply record: ~80 Chinese characters, two sources, a few guard decisions. */
function entry(i: number): AuditInput {
  return {
    kind: i % 10 === 0 ? 'action' : 'reply',
    sessionId: `sess-${(i * 7919) % 5000}`,
    channel: i % 3 === 0 ? 'wecom' : 'web',
    content: `您好，您的订单 [ORDER_ID] 已于昨天发货，快递单号 [TRACKING]，预计 2-3 天送达。如需修改收货地址，请在签收前联系我们。第 ${i} 条`,
    model: 'kefu-tiny-zh-en',
    promptVersion: 'grounded-v3',
    sources: [`kb:shipping#${i % 12}`, `kb:address-change#${i % 4}`],
    guard: { pii: { masked: ['phone'] }, grounding: { score: 0.81, pass: true }, injection: 'none' },
    latencyMs: 180 + (i % 400),
  };
}

function appendMany(options: SqliteAuditLogOptions, n: number): AppendBench {
  const log = createSqliteAuditLog(options);
  const times: number[] = [];
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      log.append(entry(i));
      times.push(performance.now() - t);
    }
    const totalMs = performance.now() - started;
    const cpuUs = cpuSince(cpu);
    times.sort((a, b) => a - b);
    return {
      entries: n,
      perSecond: Math.round((n / totalMs) * 1000),
      p50Ms: round(percentile(times, 50)),
      p99Ms: round(percentile(times, 99)),
      cpuUsPerEntry: Math.round(cpuUs / n),
    };
  } finally {
    log.close();
  }
}

/**
 * Append throughput and latency in three settings (the head file's rename dominates the default),
 * then verification and export speed over a log of `entries` (default 100k) entries.
 */
export async function benchAudit(options: { entries?: number; headFileEntries?: number } = {}): Promise<AuditBench> {
  const entries = options.entries ?? 100_000;
  const headFileEntries = options.headFileEntries ?? 5_000;
  const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-audit-'));
  try {
    const appendWithHeadFile = appendMany({ path: join(dir, 'head.db') }, headFileEntries);
    const appendDurable = appendMany({ path: join(dir, 'full.db'), synchronous: 'full' }, Math.min(headFileEntries, 2_000));
    const large = join(dir, 'large.db');
    const appendWithoutHeadFile = appendMany({ path: large, headFile: false }, entries);

    const log = createSqliteAuditLog({ path: large, headFile: false });
    try {
      let cpu = process.cpuUsage();
      let t = performance.now();
      const result = log.verify();
      const verifyMs = performance.now() - t;
      const verifyCpuMs = Math.round(cpuSince(cpu) / 1000);
      if (!result.ok || result.entries !== entries) throw new Error(`bench log did not verify: ${JSON.stringify(result)}`);

      cpu = process.cpuUsage();
      t = performance.now();
      let bytes = 0;
      for (const chunk of auditJsonlChunks(log.export())) bytes += Buffer.byteLength(chunk);
      const exportMs = performance.now() - t;
      const exportCpuMs = Math.round(cpuSince(cpu) / 1000);
      return {
        appendWithHeadFile,
        appendDurable,
        appendWithoutHeadFile,
        verify: { entries, ms: Math.round(verifyMs), cpuMs: verifyCpuMs, perSecond: Math.round((entries / verifyMs) * 1000) },
        export: { entries, ms: Math.round(exportMs), cpuMs: exportCpuMs, megabytes: Math.round(bytes / 1e5) / 10 },
      };
    } finally {
      log.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchAudit(), null, 2));
}
