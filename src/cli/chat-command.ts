import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { createParser } from 'eventsource-parser';
import { loadConfig } from '../config/load-config.ts';
import type { ReplyPart } from '../contracts/reply-part.ts';
import { createKefu } from '../create-kefu.ts';
import { KefuError } from '../errors.ts';
import { createLogger } from '../logging/create-logger.ts';

/** A session the terminal is in, with the token the server gave for it (in-process: none needed). */
interface CliSession {
  id: string;
  token?: string;
}

type Turn = (message: string, session: CliSession | undefined) => AsyncIterable<ReplyPart>;

/** Talks to a running server over the same SSE stream the web page uses. */
function remoteTurn(baseUrl: string): Turn {
  return async function* (message, session) {
    const res = await fetch(new URL('/v1/chat', baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ message, stream: true, channel: 'cli', ...(session ? { session_id: session.id, ...(session.token === undefined ? {} : { session_token: session.token }) } : {}) }),
    });
    if (!res.ok || res.body === null) {
      const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
      throw new KefuError(body?.error?.code ?? 'http_error', body?.error?.message ?? `HTTP ${res.status}`);
    }
    const queue: ReplyPart[] = [];
    const parser = createParser({
      onEvent: (e) => {
        const data = JSON.parse(e.data) as Record<string, unknown>;
        if (e.event === 'delta') queue.push({ type: 'text-delta', text: String(data['text']) });
        else if (e.event === 'done') queue.push({ type: 'done', reply: data as never });
        else if (e.event === 'handoff') queue.push({ type: 'handoff', reason: String(data['reason']) });
        else if (e.event === 'sources') queue.push({ type: 'sources', sources: data['sources'] as never });
        else if (e.event === 'error') queue.push({ type: 'error', code: String(data['code']), message: String(data['message']) });
      },
    });
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      yield* queue.splice(0);
    }
  };
}

export function chatCommand(): Command {
  return new Command('chat')
    .description('chat with Kefu in the terminal (in-process, or with --url against a running server)')
    .option('--url <url>', 'base URL of a running Kefu server, e.g. http://127.0.0.1:8080')
    .option('-m, --message <text>', 'send one message, print the reply and exit')
    .action(async (opts: { url?: string; message?: string }) => {
      let turn: Turn;
      let close = async () => {};
      if (opts.url !== undefined) {
        if (!URL.canParse(opts.url)) throw new KefuError('invalid_url', `--url is not a valid URL: ${opts.url}`);
        turn = remoteTurn(opts.url);
      } else {
        const kefu = await createKefu(loadConfig(), { logger: createLogger('warn', process.stderr) });
        // The terminal runs the whole instance in-process: it continues its session as a key would.
        turn = (message, session) =>
          kefu.pipeline.stream({ message, channel: 'cli', ...(session ? { sessionId: session.id, access: { trusted: true } } : {}) });
        close = () => kefu.close();
      }

      let session: CliSession | undefined;
      const say = async (message: string) => {
        for await (const part of turn(message, session)) {
          if (part.type === 'text-delta') process.stdout.write(part.text);
          else if (part.type === 'handoff') process.stdout.write('\n[转人工 / handing off to a human agent]');
          else if (part.type === 'error') throw new KefuError(part.code, part.message);
          else if (part.type === 'done') {
            const token = part.reply.session_token ?? session?.token;
            session = { id: part.reply.session_id, ...(token === undefined ? {} : { token }) };
            const cites = part.reply.sources.map((s, i) => `[${i + 1}] ${s.title}`).join('  ');
            process.stdout.write(`\n${cites ? `  — ${cites}\n` : ''}`);
          }
        }
      };

      try {
        if (opts.message !== undefined) {
          await say(opts.message);
          return;
        }
        // The async iterator buffers lines, so piped input (`kefu chat < questions.txt`) loses none
        // while a reply is still streaming; `rl.question` would drop them.
        const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
        process.stdout.write('Kefu 客服 — type a question, Ctrl+D to quit.\n> ');
        for await (const line of rl) {
          if (line.trim().length > 0) {
            await say(line).catch((err: unknown) => process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`));
          }
          process.stdout.write('> ');
        }
        process.stdout.write('\n');
      } finally {
        await close();
      }
    });
}
