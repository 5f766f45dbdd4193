import type { Order, OrderStatus } from '../contracts/order-connector.ts';
import type { Lang } from './flow-types.ts';

const STATUS: Record<Lang, Record<OrderStatus, string>> = {
  zh: { pending_payment: '待付款', paid: '已付款,待发货', shipped: '已发货', delivered: '已签收', cancelled: '已取消', returned: '已退货' },
  en: { pending_payment: 'awaiting payment', paid: 'paid, not shipped yet', shipped: 'shipped', delivered: 'delivered', cancelled: 'cancelled', returned: 'returned' },
};

export const statusText = (status: OrderStatus, lang: Lang): string => STATUS[lang][status];

/** Calendar date of an instant in the user's zone, `YYYY-MM-DD`. */
export function localDate(iso: string | Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

export function shortDate(iso: string, lang: Lang, timeZone: string): string {
  const [, m, d] = localDate(iso, timeZone).split('-').map(Number);
  if (lang === 'zh') return `${m}月${d}日`;
  return new Intl.DateTimeFormat('en-US', { timeZone, month: 'short', day: 'numeric' }).format(new Date(iso));
}

export function itemsText(order: Order, lang: Lang): string {
  const names = order.items.map((i) => (i.qty > 1 ? `${i.name} ×${i.qty}` : i.name));
  return names.join(lang === 'zh' ? '、' : ', ');
}

/** One line for a numbered choice list. */
export function orderLine(order: Order, lang: Lang, timeZone: string): string {
  const placed = shortDate(order.created_at, lang, timeZone);
  return lang === 'zh'
    ? `${order.order_id} ${itemsText(order, lang)}(${placed}下单,${statusText(order.status, lang)})`
    : `${order.order_id} ${itemsText(order, lang)} (ordered ${placed}, ${statusText(order.status, lang)})`;
}

export function money(amount: number, currency: string, lang: Lang): string {
  if (currency === 'CNY') return lang === 'zh' ? `¥${amount.toFixed(2)}` : `CNY ${amount.toFixed(2)}`;
  return `${currency} ${amount.toFixed(2)}`;
}

/** The order-status answer: what state it is in and what happens next, from connector data only. */
export function describeOrder(order: Order, lang: Lang, timeZone: string): string {
  const d = (iso: string | undefined) => (iso === undefined ? '' : shortDate(iso, lang, timeZone));
  const head = lang === 'zh' ? `订单 ${order.order_id}(${itemsText(order, lang)}):` : `Order ${order.order_id} (${itemsText(order, lang)}): `;
  const track = order.carrier !== undefined && order.tracking_no !== undefined
    ? (lang === 'zh' ? `承运商 ${order.carrier},运单号 ${order.tracking_no}。` : ` Carrier ${order.carrier}, tracking number ${order.tracking_no}.`)
    : '';
  switch (order.status) {
    case 'pending_payment':
      return head + (lang === 'zh' ? `${d(order.created_at)}下单,尚未付款。付款后一般 48 小时内发货。` : `placed ${d(order.created_at)}, not paid yet. Orders ship within 48 hours of payment.`);
    case 'paid':
      return head + (lang === 'zh' ? `${d(order.paid_at ?? order.created_at)}已付款,正在备货,尚未发货。付款后一般 48 小时内发货,发货后会短信通知您。` : `paid ${d(order.paid_at ?? order.created_at)} and being prepared; it has not shipped yet. Orders ship within 48 hours of payment and you will get a text when it does.`);
    case 'shipped':
      return head + (lang === 'zh' ? `${d(order.shipped_at)}已发货,正在运输中。${track}` : `shipped ${d(order.shipped_at)} and on its way.${track}`);
    case 'delivered':
      return head + (lang === 'zh' ? `${d(order.delivered_at)}已签收。${track}` : `delivered ${d(order.delivered_at)}.${track}`);
    case 'cancelled':
      return head + (lang === 'zh' ? '已取消。如已付款,款项会原路退回。' : 'cancelled. Any payment goes back to the original method.');
    case 'returned':
      return head + (lang === 'zh' ? '已办理退货。' : 'returned.');
  }
}
