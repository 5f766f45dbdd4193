import type { AppendOptions, Conversation, ConversationStore, NewConversation } from '../contracts/conversation-store.ts';
import type { UserIdSealer } from '../safety/pii/stored-user-id.ts';

/**
 * The conversation store as the rest of Kefu sees it, with customer ids that are personal data
 * sealed on the way in and opened on the way out (see `stored-user-id.ts`): the sessions, the
 * pipeline and the order flows work with the real id in memory; only the sealed one is written.
 * Every other method is the store's own.
 */
export function withSealedUserIds(store: ConversationStore, sealer: UserIdSealer): ConversationStore {
  const open = (c: Conversation): Conversation => (c.userId === null ? c : Object.assign({}, c, { userId: sealer.open(c.userId) }));
  const sealed = (c: NewConversation): NewConversation => (c.userId === null ? c : Object.assign({}, c, { userId: sealer.seal(c.userId) }));
  // A conversation created with a turn's first write (`AppendOptions.create`) is sealed as one created alone.
  // Copied only when sealing changed it: a session without a customer id (most turns) needs no copy.
  const sealedAppend = (options: AppendOptions | undefined): AppendOptions | undefined => {
    if (options?.create === undefined) return options;
    const create = sealed(options.create);
    return create === options.create ? options : Object.assign({}, options, { create });
  };
  const overrides: Partial<ConversationStore> = {
    async createConversation(c) {
      return open(await store.createConversation(sealed(c)));
    },
    async appendMessage(m, options) {
      return store.appendMessage(m, sealedAppend(options));
    },
    ...(store.appendMessages === undefined ? {} : {
      async appendMessages(messages: Parameters<NonNullable<ConversationStore['appendMessages']>>[0], options?: AppendOptions) {
        return store.appendMessages!(messages, sealedAppend(options));
      },
    }),
    async getConversation(id) {
      const c = await store.getConversation(id);
      return c === null ? null : open(c);
    },
    async listConversations(opts) {
      return (await store.listConversations(opts)).map(open);
    },
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (typeof property === 'string' && Object.hasOwn(overrides, property)) return overrides[property as keyof ConversationStore];
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
