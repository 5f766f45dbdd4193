import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { KefuError } from '../../src/errors.ts';
import { createProcessPool, runProcess } from '../../src/multimodal/asr/process-pool.ts';
import { decodeAudio } from '../../src/multimodal/asr/decode-audio.ts';
import { audioFixture } from '../support/audio-fixtures.ts';

const alive = (pattern: string): boolean => {
  try {
    return execFileSync('pgrep', ['-f', pattern]).toString().trim().length > 0;
  } catch {
    return false;
  }
};

describe('the ASR process pool', () => {
  it('runs at most `concurrency` jobs at once, queues a bounded number and refuses the rest (503 asr_busy)', async () => {
    const pool = createProcessPool({ concurrency: 2, maxQueue: 1 });
    let running = 0;
    let most = 0;
    const job = () =>
      pool.run(5000, async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 150));
        running -= 1;
        return 'ok';
      });
    const results = await Promise.allSettled([job(), job(), job(), job()]);
    expect(most).toBe(2);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(KefuError);
    expect((refused.reason as KefuError)).toMatchObject({ code: 'asr_busy', status: 503 });
  });

  it('kills a process at its deadline, and with stdinAsPipe the whole group (sh, cat and the program)', async () => {
    // A sleep no other process runs: its argument is the marker pgrep looks for.
    const seconds = `37.${process.pid}${Date.now() % 100_000}`;
    const marker = `sleep ${seconds}`;
    const started = Date.now();
    const r = await runProcess('sleep', [seconds], Buffer.from('x'), { deadline: Date.now() + 300, maxStdoutBytes: 1024, what: 'sleep', stdinAsPipe: true });
    expect(r.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
    await new Promise((res) => setTimeout(res, 100));
    expect(alive(marker)).toBe(false);
  });

  it('names a program that is not installed (503 asr_unavailable)', async () => {
    await expect(runProcess('kefu-no-such-recognizer', [], Buffer.alloc(0), { deadline: Date.now() + 1000, maxStdoutBytes: 10, what: 'the recognizer' })).rejects.toMatchObject({ code: 'asr_unavailable', status: 503 });
  });

  it('decodes a real recording to 16 kHz mono samples and times out a decode past its deadline', async () => {
    const ogg = audioFixture('where-is-my-order.ogg');
    const { pcm, seconds } = await decodeAudio(ogg, { maxSeconds: 60, deadline: Date.now() + 20_000, timeoutMs: 20_000 });
    expect(seconds).toBeGreaterThan(2);
    expect(seconds).toBeLessThan(3);
    expect(pcm.length).toBe(Math.round(seconds * 32_000));
    await expect(decodeAudio(ogg, { maxSeconds: 60, deadline: Date.now() + 1, timeoutMs: 1 })).rejects.toMatchObject({ code: 'asr_timeout' });
  }, 30_000);
});
