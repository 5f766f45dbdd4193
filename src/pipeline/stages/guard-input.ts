import { asksForPerson } from '../../dialogue/asks-for-person.ts';
import type { InputCheck, StageDeps, Turn } from '../turn.ts';

/** Prompt injection, manipulation, other customers' data, insults: caught before anything acts on the message. */
export function guardInput(turn: Pick<Turn, 'text' | 'understanding'>, deps: StageDeps): InputCheck {
  const { understood } = turn.text;
  const verdict = deps.inputGuard.inspect(understood, { history: turn.understanding.history.filter((h) => h.role === 'user').map((h) => h.content) });
  // A swear word next to "get me a real person" is a request for a person, and a request wins.
  const insultingRequest = verdict.action !== 'allow' && verdict.findings.every((f) => f.category === 'insult') && asksForPerson(understood);
  return { verdict, blocked: verdict.action !== 'allow' && !insultingRequest };
}
