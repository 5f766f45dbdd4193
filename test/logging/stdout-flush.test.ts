import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

/** The default logger writes standard output asynchronously; nothing logged may be lost on exit. */
it('writes every line to standard output before the process exits, also on process.exit', () => {
  const script = `
    import { createLogger } from './src/logging/create-logger.ts';
    const log = createLogger('info');
    for (let i = 0; i < 2000; i++) log.info({ i }, 'line');
    process.exit(3);
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
  expect(run.status).toBe(3);
  const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { i: number; msg: string });
  expect(lines).toHaveLength(2000);
  expect(lines.map((l) => l.i)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
});
