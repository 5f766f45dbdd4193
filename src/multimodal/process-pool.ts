import { spawn } from 'node:child_process';
import type { KefuError } from '../errors.ts';

export interface ProcessResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
}

export interface ProcessPool {
  /**
   * Runs `job` when a slot is free; `deadline` (epoch ms) counts from the call, waiting in line
   * included. A full queue is refused at once rather than queued for minutes.
   */
  run<T>(timeoutMs: number, job: (deadline: number) => Promise<T>): Promise<T>;
}

export interface ProcessPoolOptions {
  concurrency: number;
  maxQueue?: number;
  /** The refusal when the queue is full (503 ocr_busy, asr_busy). */
  busy: () => KefuError;
  /** The refusal when the deadline passed while waiting in line. */
  expired: (timeoutMs: number) => KefuError;
}

/**
 * A bounded number of jobs at once for the programs Kefu runs over customer uploads (tesseract,
 * ffmpeg, pocketsphinx): a burst of pictures or recordings cannot take the server's cores. The slot
 * passes straight to the next in line, so no one overtakes.
 */
export function createProcessPool(options: ProcessPoolOptions): ProcessPool {
  const maxQueue = options.maxQueue ?? options.concurrency * 8;
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next === undefined) running -= 1;
    else next();
  };
  return {
    async run(timeoutMs, job) {
      const deadline = Date.now() + timeoutMs;
      if (running >= options.concurrency) {
        if (waiting.length >= maxQueue) throw options.busy();
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else {
        running += 1;
      }
      try {
        if (Date.now() >= deadline) throw options.expired(timeoutMs);
        return await job(deadline);
      } finally {
        release();
      }
    },
  };
}

export interface RunProcessOptions {
  deadline: number;
  maxStdoutBytes: number;
  /** The error when the program cannot be started (not installed). */
  unavailable: (cause: Error) => KefuError;
  env?: NodeJS.ProcessEnv;
  /** Feed stdin through a pipe, for programs that open /dev/stdin as a file. */
  stdinAsPipe?: boolean;
}

/**
 * One child process: `input` on stdin, stdout kept up to `maxStdoutBytes`, killed (SIGKILL) at
 * `deadline`. Resolves with `timedOut` rather than rejecting, so the caller names the error.
 */
export function runProcess(binary: string, args: readonly string[], input: Uint8Array, opts: RunProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    // Node's stdin is a socket, which a program that opens /dev/stdin as a file cannot open: `cat`
    // turns it into a pipe. The child leads its own process group, so a kill reaches both.
    const [command, argv] = opts.stdinAsPipe === true ? ['sh', ['-c', 'cat | "$0" "$@"', binary, ...args]] : [binary, args];
    const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'pipe'], detached: opts.stdinAsPipe === true, env: opts.env ?? process.env });
    const kill = () => {
      try {
        if (opts.stdinAsPipe === true && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, Math.max(0, opts.deadline - Date.now()));
    child.stdout.on('data', (chunk: Buffer) => {
      if (outBytes < opts.maxStdoutBytes) out.push(chunk);
      outBytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 8192) stderr += chunk.toString('utf8');
    });
    // A process that gives up on its input early closes stdin: EPIPE is its answer, not ours.
    child.stdin.on('error', () => {});
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(opts.unavailable(err));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).subarray(0, opts.maxStdoutBytes), stderr, timedOut });
    });
    child.stdin.end(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
  });
}
