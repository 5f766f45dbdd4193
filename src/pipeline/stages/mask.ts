import { toSimplified, toTraditional } from '../../dialogue/chinese-script.ts';
import { type Locale, nextLocale, readLocale } from '../../dialogue/conversation-locale.ts';
import { stripPlaceholders } from '../../safety/pii/create-pii-engine.ts';
import { maskWithVault } from '../../safety/pii/mask-with-vault.ts';
import type { MaskedText, StageDeps, Turn } from '../turn.ts';

/**
 * Replies are composed in Simplified Chinese (flows, templates, knowledge base, model) and shown
 * in the conversation's script: this is the one place a zh-Hant conversation gets Traditional
 * characters, streamed deltas and quick replies alike.
 */
const rendererFor = (locale: Locale | undefined): ((text: string) => string) => (locale === 'zh-Hant' ? toTraditional : (text) => text);

/**
 * Personal data becomes per-session pseudonyms ([PHONE_1]) before anything else sees the
 * message; the originals stay in the encrypted vault for the customer's own replies and for
 * flows that must pass them to the order system. The conversation's language follows the
 * customer; a turn with no prose of its own keeps it. The vault may be shared with other
 * nodes: what this turn pseudonymises (its attachments' text too) is committed before any of it
 * is stored, and masked again if another node took a pseudonym.
 */
export async function mask(turn: Pick<Turn, 'req' | 'session'>, deps: StageDeps): Promise<MaskedText> {
  const { req, session } = turn;
  const masked = await maskWithVault(session.vault, (vault) => {
    for (const a of req.attachments ?? []) deps.pii.engine.mask(a.text, { mode: 'pseudonym', vault });
    return deps.pii.engine.mask(req.message, { mode: 'pseudonym', vault }).text;
  });
  const locale = nextLocale(masked, readLocale(session.conversation.state['locale']), req.locale);
  // Kefu reads Simplified: a Traditional conversation's turns are converted before anything reads them.
  const understood = locale === 'zh-Hant' ? toSimplified(masked) : masked;
  return { masked, locale, understood, query: stripPlaceholders(understood), render: rendererFor(locale), now: new Date(deps.clock()) };
}
