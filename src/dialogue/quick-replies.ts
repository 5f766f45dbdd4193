import type { DialogueState } from './dialogue-manager.ts';
import type { Lang } from './flow-types.ts';

/**
 * Buttons a channel can offer for the step the customer is at: what they would type anyway, so a
 * tap is a normal message and channels without buttons lose nothing.
 */
const FIXED: Record<string, Record<Lang, string[]>> = {
  confirm: { zh: ['确认', '取消'], en: ['Yes', 'Cancel'] },
  choose_type: { zh: ['退货退款', '换货'], en: ['Refund', 'Exchange'] },
  ask_reason: { zh: ['质量问题', '尺寸不合适', '发错货', '不想要了'], en: ['Quality problem', 'Does not fit', 'Wrong item', 'Changed my mind'] },
  invoice_kind: { zh: ['个人', '公司'], en: ['Personal', 'Company'] },
  queued: { zh: ['取消'], en: ['Cancel'] },
};

export function quickReplies(flow: { name: string; step: string } | undefined, state: DialogueState, lang: Lang): string[] {
  if (flow === undefined) return [];
  // Yes/no words the confirmation reads ("好的" is a yes, "不用了" a no), said the way the offer asks.
  if (flow.name === 'ticket_offer' && flow.step === 'confirm') return lang === 'zh' ? ['好的,登记工单', '不用了'] : ['Yes, open a ticket', 'No thanks'];
  // Only one kind is still possible (past the refund period): offer that one, not the closed one.
  const only = flow.step === 'choose_type' ? state.flow?.slots['onlyType'] : undefined;
  if (only === 'exchange' || only === 'refund') return lang === 'zh' ? [only === 'exchange' ? '好的,换货' : '好的,退款', '取消'] : [only === 'exchange' ? 'Yes, exchange it' : 'Yes, refund it', 'Cancel'];
  if (flow.step === 'choose_order') {
    const candidates = (state.flow?.slots['candidates'] as string[] | undefined) ?? [];
    return [...candidates.slice(0, 5), lang === 'zh' ? '取消' : 'Cancel'];
  }
  return FIXED[flow.step]?.[lang] ?? [];
}
