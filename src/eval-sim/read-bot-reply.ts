import type { ChatReply } from '../contracts/reply-part.ts';
import { toSimplified } from './to-traditional.ts';

/** What the bot's reply asks of the customer, as a customer reading it would take it. */
export type BotMove =
  | 'handoff'
  | 'done'
  | 'failed'
  | 'confirm'
  /** Out of hours: "shall I open a ticket?". */
  | 'ticket_offer'
  | 'ask_company'
  | 'ask_invoice_kind'
  | 'ask_type'
  | 'ask_reason'
  | 'ask_address'
  | 'ask_order'
  /** "Did you mean A, B or C?": the options are in `options`. */
  | 'clarify'
  /** "Sorry, I did not understand / found nothing." */
  | 'not_understood'
  | 'other';

export interface ReadReply {
  move: BotMove;
  /** The customer's order ids the reply names, in the order it names them. */
  listed: string[];
  /** The reply in Simplified characters (the cues below are written once). */
  text: string;
  /** The choices offered: quick-reply buttons, else numbered options in the text. */
  options: string[];
}

const FAILED = /没有提交|未提交|没有成功|没成功|提交失败|无法提交|nothing was submitted|not submitted|did not go through|could not (?:be )?submit|couldn'?t be (?:submitted|completed)|(?:request|submission|change|cancellation) failed/i;
const DONE = /已登记|已为您登记|工单已|ticket is (?:filed|opened|created)|opened a ticket|已为您提交|已提交|已将订单|已为您取消|已取消|已经取消|已修改|申请单号|投诉工单|filed as a ticket|is submitted|are submitted| is now |submitted:|is cancelled|has been cancelled|has been changed|is changed|now goes to|updated the address|return id/i;
const CONFIRM_TEXT = /请确认|确认提交|确认取消|确认修改|确认吗|回复.{0,3}确认|please confirm|shall i|should i|confirm\?|reply .{0,3}yes/i;
const CLARIFY = /您是想|是想办理|哪一项|请点选|did you mean|do you mean|which of these|are you asking about/i;
const NOT_UNDERSTOOD = /没有找到可靠|没有理解|没太明白|没听懂|没有找到相关|couldn'?t find a reliable|didn'?t (?:quite )?get|not sure what you mean|could not find an answer/i;
const ASK_ORDER = /哪个订单|哪一单|哪笔|哪一个订单|订单号|回复序号|which order|which one|order number|reply with the number/i;
export const NOT_UNDERSTOOD_CUE = /^(?:抱歉,?我没太明白|抱歉,?没太明白|sorry, I didn'?t (?:quite )?get)/i;
const CONFIRM_BUTTON = /^(?:确认|确定|是|yes|confirm|submit)/i;

/**
 * Reads a reply by its text and quick-reply buttons only (never the flow or step Kefu reports),
 * so the simulator judges what a customer would see.
 */
export function readBotReply(reply: ChatReply, customerOrderIds: readonly string[]): ReadReply {
  const text = toSimplified(reply.reply);
  const upper = text.toUpperCase();
  const buttons = (reply.quick_replies ?? []).map((b) => toSimplified(b));
  const listed = customerOrderIds
    .map((id) => ({ id, at: upper.indexOf(id.toUpperCase()) }))
    .filter((x) => x.at >= 0 || buttons.some((b) => b.toUpperCase().includes(x.id.toUpperCase())))
    .sort((a, b) => (a.at < 0 ? 1e9 : a.at) - (b.at < 0 ? 1e9 : b.at))
    .map((x) => x.id);
  const move = ((): BotMove => {
    if (reply.handoff) return 'handoff';
    // A list of the customer's orders shows their statuses ("已取消"): it asks, it reports nothing.
    if (listed.length >= 2 && ASK_ORDER.test(text)) return 'ask_order';
    if (FAILED.test(text)) return 'failed';
    if (DONE.test(text) && !CONFIRM_TEXT.test(text)) return 'done';
    if (/登记.{0,6}工单|工单吗|open a ticket|file a ticket|leave a ticket/i.test(text)) return 'ticket_offer';
    if (CONFIRM_TEXT.test(text) || buttons.some((b) => CONFIRM_BUTTON.test(b.trim()))) return 'confirm';
    if (/税号|纳税人识别号|tax id/i.test(text)) return 'ask_company';
    if (/个人还是公司|个人或公司|personally or|individual or (?:a )?company/i.test(text)) return 'ask_invoice_kind';
    if (/退货退款.{0,8}还是.{0,6}换货|退款.{0,8}还是.{0,6}换|refund.{0,40}or.{0,30}exchange/i.test(text)) return 'ask_type';
    if (/原因是什么|什么原因|原因[?？]|what is the reason|the reason\?|reason for (?:the|your) (?:return|exchange)|why (?:do|would) you/i.test(text)) return 'ask_reason';
    if (/新.{0,6}地址|地址.{0,10}(?:发|告诉|提供|是什么|改成)|new .{0,12}address|(?:which|what) address|address.{0,30}(?:send|give|tell|like)/i.test(text)) return 'ask_address';
    if (CLARIFY.test(text)) return 'clarify';
    if (NOT_UNDERSTOOD.test(text)) return 'not_understood';
    if (listed.length >= 2 || ASK_ORDER.test(text)) return 'ask_order';
    return 'other';
  })();
  const numbered = [...text.matchAll(/(?:^|\s)\d[.、)]\s?([^\d\s][^0-9。?？]{0,30}?)(?=\s\d[.、)]|[。?？]|$)/g)].map((m) => m[1]!.trim());
  return { move, listed, text, options: buttons.length > 0 ? buttons : numbered };
}
