/**
 * What a customer sees when no model answer is coming (every backend failed, or the latency
 * budget is spent): never an error page. In order: a cached answer to the same question, else
 * the retrieval answer built from the knowledge base, else an offer to talk to a human agent.
 */
export type DegradedReplyKind = 'cached' | 'retrieval' | 'handoff_offer';

export interface DegradeInput {
  cachedAnswer?: string | undefined;
  retrievalAnswer?: string | undefined;
  lang: 'zh' | 'en';
}

export interface DegradedReply {
  kind: DegradedReplyKind;
  text: string;
}

export const HANDOFF_OFFER: Readonly<Record<'zh' | 'en', string>> = {
  zh: '抱歉,我暂时无法回答这个问题。需要的话,点「转人工客服」我为您转接。',
  en: "Sorry, I can't answer that right now. Would you like a human agent? Tap \"Talk to a person\" and I'll connect you.",
};

/** Blank or whitespace-only text counts as no answer. */
export function degradedReply(input: DegradeInput): DegradedReply {
  const cached = input.cachedAnswer?.trim();
  if (cached) return { kind: 'cached', text: cached };
  const retrieval = input.retrievalAnswer?.trim();
  if (retrieval) return { kind: 'retrieval', text: retrieval };
  return { kind: 'handoff_offer', text: HANDOFF_OFFER[input.lang] };
}
