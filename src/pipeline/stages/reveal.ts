import type { ReplyPart } from '../../contracts/reply-part.ts';
import { isRetract } from '../grounding-gate.ts';
import type { AnswerPart, StageDeps, Turn } from '../turn.ts';

/**
 * Shows the guarded reply as it comes: in the conversation's script first, then with the
 * customer's own data put back, so a name or an address is shown as they wrote it; the
 * transcript and the audit keep the pseudonyms (`reply.rendered`). A withdrawal (`RetractPart`)
 * empties the reply: what follows replaces it.
 */
export async function* reveal(turn: Pick<Turn, 'started' | 'session' | 'text' | 'reply'>, deps: StageDeps, parts: AsyncIterable<AnswerPart>): AsyncGenerator<ReplyPart> {
  const { reply } = turn;
  /** Set when the text so far was withdrawn (`RetractPart`): the replacement goes out on a new line. */
  let retracted = false;
  for await (const out of parts) {
    if (isRetract(out)) {
      retracted = reply.shown.length > 0;
      reply.text = '';
      reply.rendered = '';
      reply.shown = '';
      continue;
    }
    if (typeof out !== 'string') {
      yield out;
      continue;
    }
    if (reply.firstTextAt === null) {
      reply.firstTextAt = performance.now();
      deps.metrics.timeToFirstToken.observe((reply.firstTextAt - turn.started) / 1000);
    }
    reply.text += out;
    const rendered = turn.text.render(out);
    reply.rendered += rendered;
    const shown = turn.session.vault.revealAll(rendered);
    reply.shown += shown;
    yield { type: 'text-delta', text: retracted ? `\n${shown}` : shown };
    retracted = false;
  }
}
