import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../queue/wait-for.ts';
import { useAuditLogs } from './use-audit-log.ts';

const { open } = useAuditLogs();
const writer = fileURLToPath(new URL('./fixtures/audit-writer.ts', import.meta.url));

function child(args: string[]) {
  const proc = spawn(process.execPath, ['--import', 'tsx', writer, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { exited, output: () => out, go: () => proc.stdin.end('go\n') };
}

describe('audit log shared by several processes', () => {
  it('keeps one valid chain while two processes append at once, and verifies cleanly meanwhile', async () => {
    const { log, path } = open();
    log.append({ kind: 'action', sessionId: 'parent', channel: 'web', content: 'start', model: 'm', promptVersion: null, sources: [], guard: {}, latencyMs: null });
    const perChild = 300;
    const children = [
      child([path, 'p1', String(perChild), 'p2']),
      child([path, 'p2', String(perChild), 'p1']),
    ];
    await waitFor(() => children.every((c) => c.output().startsWith('ready\n')), 'both writers to open the log', 20_000);
    for (const c of children) c.go();

    // Verifying while both write: every snapshot must be a valid chain whose head file agrees.
    const checks: boolean[] = [];
    const running = Promise.all(children.map((c) => c.exited));
    let finished = false;
    void running.then(() => (finished = true));
    while (!finished) {
      checks.push(log.verify().ok);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await running).toEqual([0, 0]);
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.every(Boolean)).toBe(true);

    const result = log.verify();
    expect(result).toMatchObject({ ok: true, entries: 1 + 2 * perChild, firstSeq: 1, lastSeq: 1 + 2 * perChild });
    const bySession = new Map<string, number[]>();
    for (const e of log.export()) bySession.set(e.sessionId, [...(bySession.get(e.sessionId) ?? []), (e.guard as { i: number }).i]);
    // Each writer's entries are all there, in the order it wrote them, interleaved with the other's.
    for (const name of ['p1', 'p2']) expect(bySession.get(name)).toEqual(Array.from({ length: perChild }, (_, i) => i));
    const seqsOf = (name: string) => [...log.export()].filter((e) => e.sessionId === name).map((e) => e.seq);
    const [p1, p2] = [seqsOf('p1'), seqsOf('p2')];
    expect(p1.at(-1)!).toBeGreaterThan(p2[0]!);
    expect(p2.at(-1)!).toBeGreaterThan(p1[0]!);
  });
});
