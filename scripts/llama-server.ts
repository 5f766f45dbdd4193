import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config/load-config.ts';

/**
 * llama.cpp's llama-server, for the conformance tests and `npm run bench:llm`: `KEFU_LLAMA_SERVER`
 * if set, else the build cached by scripts/build-llama-server.sh (which builds it when missing).
 */
export function llamaServerBinary(): string {
  return (
    process.env['KEFU_LLAMA_SERVER'] ??
    execFileSync(path.join(PROJECT_ROOT, 'scripts', 'build-llama-server.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      .trim()
      .split('\n')
      .at(-1)!
  );
}

export interface RunningLlamaServer {
  /** Base URL as the OpenAI SDK takes it, e.g. `http://127.0.0.1:23456/v1`. */
  baseURL: string;
  stop(): void;
}

/** Starts llama-server on a random loopback port and waits (up to 30 s) until /health answers. */
export async function startLlamaServer(opts: { model: string; threads: number; parallel: number; contextPerSlot: number; /** Serve /v1/embeddings (mean-pooled) instead of completions. */ embedding?: boolean }): Promise<RunningLlamaServer> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const args = ['-m', opts.model, '--host', '127.0.0.1', '--port', String(port), '-t', String(opts.threads), '-tb', String(opts.threads)];
  args.push('-np', String(opts.parallel), '-c', String(opts.parallel * opts.contextPerSlot), '--no-webui');
  if (opts.embedding === true) args.push('--embedding', '--pooling', 'mean');
  const binary = llamaServerBinary();
  // A wrong KEFU_LLAMA_SERVER would otherwise surface as an unhandled spawn 'error' event.
  if (!existsSync(binary)) throw new Error(`llama-server not found at ${binary}: build it with scripts/build-llama-server.sh or set KEFU_LLAMA_SERVER`);
  const child = spawn(binary, args, { stdio: 'ignore' });
  const root = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (await fetch(`${root}/health`).then((r) => r.ok, () => false)) return { baseURL: `${root}/v1`, stop: () => child.kill('SIGTERM') };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`llama-server did not become healthy on port ${port}`);
}
