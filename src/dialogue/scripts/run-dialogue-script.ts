import type { DialogueScript, TurnExpectation } from './dialogue-script.ts';

/**
 * Plays a script against Kefu's public HTTP API (POST /v1/chat), one session per script, and
 * checks every expectation. Nothing is reached into: what passes here passes for a real client.
 */
export interface TurnResult {
  user: string;
  reply: string;
  intent: string;
  flow: string | null;
  step: string | null;
  failures: string[];
}

export interface ScriptResult {
  name: string;
  file: string;
  passed: boolean;
  sessionId: string | null;
  turns: TurnResult[];
}

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

function matcher(pattern: string): (s: string) => boolean {
  const re = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  if (re !== null) {
    const compiled = new RegExp(re[1]!, re[2]);
    return (s) => compiled.test(s);
  }
  return (s) => s.includes(pattern);
}

const patterns = (p: string | string[] | undefined): string[] => (p === undefined ? [] : Array.isArray(p) ? p : [p]);

interface ChatBody {
  session_id: string;
  session_token?: string;
  reply: string;
  intent: string;
  handoff: boolean;
  emotion: { label: string };
  sources: unknown[];
  flow?: { name: string; step: string };
  quick_replies?: string[];
}

function check(expect: TurnExpectation, body: ChatBody): string[] {
  const failures: string[] = [];
  if (expect.intent !== undefined && body.intent !== expect.intent) failures.push(`intent: expected ${expect.intent}, got ${body.intent}`);
  const flow = body.flow?.name ?? null;
  if (expect.flow !== undefined && flow !== expect.flow) failures.push(`flow: expected ${expect.flow ?? 'none'}, got ${flow ?? 'none'}`);
  if (expect.step !== undefined && body.flow?.step !== expect.step) failures.push(`step: expected ${expect.step}, got ${body.flow?.step ?? 'none'}`);
  for (const p of patterns(expect.reply)) if (!matcher(p)(body.reply)) failures.push(`reply should match ${p}`);
  for (const p of patterns(expect.not_reply)) if (matcher(p)(body.reply)) failures.push(`reply should not match ${p}`);
  if (expect.handoff !== undefined && body.handoff !== expect.handoff) failures.push(`handoff: expected ${expect.handoff}, got ${body.handoff}`);
  if (expect.emotion !== undefined && body.emotion.label !== expect.emotion) failures.push(`emotion: expected ${expect.emotion}, got ${body.emotion.label}`);
  for (const q of expect.quick_replies ?? []) if (!(body.quick_replies ?? []).includes(q)) failures.push(`quick replies should offer "${q}", got [${(body.quick_replies ?? []).join(', ')}]`);
  if (expect.sources !== undefined && body.sources.length > 0 !== expect.sources) failures.push(`sources: expected ${expect.sources ? 'some' : 'none'}, got ${body.sources.length}`);
  return failures;
}

export async function runDialogueScript(script: DialogueScript, options: { baseUrl: string; fetch?: Fetch; headers?: Record<string, string> }): Promise<ScriptResult> {
  const doFetch: Fetch = options.fetch ?? ((url, init) => fetch(url, init));
  const url = new URL('v1/chat', options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`).toString();
  let sessionId: string | null = null;
  // Given with the first reply; later turns of the conversation send it back.
  let sessionToken: string | null = null;
  const turns: TurnResult[] = [];
  for (const turn of script.turns) {
    const res = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify({
        message: turn.user,
        ...(sessionId === null ? {} : { session_id: sessionId }),
        ...(sessionToken === null ? {} : { session_token: sessionToken }),
        ...(script.user_id === undefined ? {} : { user_id: script.user_id }),
        channel: script.channel ?? 'api',
      }),
    });
    const text = await res.text();
    if (!res.ok) {
      turns.push({ user: turn.user, reply: text, intent: '', flow: null, step: null, failures: [`HTTP ${res.status}: ${text.slice(0, 200)}`] });
      break;
    }
    const body = JSON.parse(text) as ChatBody;
    sessionId = body.session_id;
    sessionToken = body.session_token ?? sessionToken;
    turns.push({ user: turn.user, reply: body.reply, intent: body.intent, flow: body.flow?.name ?? null, step: body.flow?.step ?? null, failures: turn.expect === undefined ? [] : check(turn.expect, body) });
  }
  return { name: script.name, file: script.file, passed: turns.every((t) => t.failures.length === 0) && turns.length === script.turns.length, sessionId, turns };
}

/** A readable report: one line per script, the failing turns in full. */
export function formatResults(results: readonly ScriptResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.passed ? 'PASS' : 'FAIL'}  ${r.name}  (${r.file})`);
    if (r.passed) continue;
    r.turns.forEach((t, i) => {
      if (t.failures.length === 0) return;
      lines.push(`  turn ${i + 1}: user: ${t.user}`);
      lines.push(`          bot [${t.intent}${t.flow === null ? '' : ` ${t.flow}/${t.step}`}]: ${t.reply.replace(/\n/g, ' ⏎ ')}`);
      for (const f of t.failures) lines.push(`          ✗ ${f}`);
    });
  }
  const passed = results.filter((r) => r.passed).length;
  lines.push(`${passed}/${results.length} scripts passed`);
  return lines.join('\n');
}
