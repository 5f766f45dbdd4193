import type { Turn, TurnSession, StageDeps } from '../turn.ts';

/** Opens (or creates) the conversation and finds a resent message already stored in it. */
export async function openSession(turn: Pick<Turn, 'req'>, deps: StageDeps): Promise<TurnSession> {
  const { req } = turn;
  const conversation = await deps.sessions.open({
    channel: req.channel,
    ...(req.sessionId === undefined ? {} : { sessionId: req.sessionId }),
    ...(req.userId === undefined ? {} : { userId: req.userId }),
    ...(req.tenant === undefined ? {} : { tenant: req.tenant }),
    ...(req.createSession === true ? { createIfMissing: true } : {}),
    ...(req.access === undefined ? {} : { access: req.access }),
    // A new session's id reaches the client with the reply, after the turn is written: the session
    // is stored in that write (one commit). Not with pictures: they are kept during the turn, and
    // the retained-files sweep purges those whose session it cannot find.
    storeWithFirstWrite: req.sessionId === undefined && (req.attachments?.length ?? 0) === 0,
  });
  req.onOpened?.();
  // Without a session id the session is new under a random id: the vault holds nothing for it.
  const vault = await deps.pii.vault.open(conversation.id, { fresh: req.sessionId === undefined });
  return { conversation, id: conversation.id, vault, resent: null };
}
