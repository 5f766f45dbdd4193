import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import { createSqliteAuditLog } from '../../src/audit/audit-log.ts';
import type { SqliteAuditLogOptions } from '../../src/audit/sqlite-audit-log-options.ts';
import type { AuditInput } from '../../src/contracts/audit-log.ts';
import type { SyncAuditLog as AuditLog } from '../../src/audit/sync-audit-log.ts';

/** Fresh audit logs in temporary folders, closed and removed after each test. */
export function useAuditLogs() {
  const dirs: string[] = [];
  const logs: AuditLog[] = [];
  afterEach(() => {
    for (const log of logs.splice(0)) log.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const freshPath = (): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kefu-audit-'));
    dirs.push(dir);
    return path.join(dir, 'audit.db');
  };
  const open = (options: Partial<SqliteAuditLogOptions> = {}): { log: AuditLog; path: string } => {
    const file = options.path ?? freshPath();
    const log = createSqliteAuditLog({ ...options, path: file });
    logs.push(log);
    return { log, path: file };
  };
  return { freshPath, open };
}

/** A reply as the pipeline would record it; `i` varies the content. */
export function sampleInput(i: number, overrides: Partial<AuditInput> = {}): AuditInput {
  return {
    kind: 'reply',
    sessionId: `s-${i % 7}`,
    channel: i % 2 === 0 ? 'web' : 'wecom',
    content: `您好，订单 [ORDER_${i}] 的退款已提交，预计 3-5 个工作日到账。 reply ${i}`,
    model: 'kefu-tiny-zh-en',
    promptVersion: 'grounded-v3',
    sources: [`kb:refund-policy#${i % 3}`, 'kb:shipping#1'],
    guard: { pii: 'masked', grounding: { score: 0.82, pass: true } },
    latencyMs: 120 + i,
    ...overrides,
  };
}

/** Tampering as an attacker with the file would: a second, raw connection to the database. */
export function tamper(file: string, sql: string, ...params: unknown[]): void {
  const db = new Database(file);
  try {
    if (params.length === 0) db.exec(sql);
    else db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

export function rawRow(file: string, seq: number): Record<string, unknown> {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT * FROM audit_entries WHERE seq = ?').get(seq) as Record<string, unknown>;
  } finally {
    db.close();
  }
}
