/**
 * Requests that only staff could grant: price or amount changes, refunds without the normal
 * process, free orders, back-office access, turning checks off, customer data. Not a category of
 * its own: an impersonation that comes with one of these is handed off to a human, because the
 * claimed authority is being used.
 */
import { rx, type Rule } from '../score.ts';

export const AUTHORITY_REQUEST: readonly Rule[] = [
  { re: rx`退款|退钱|改价|改成|改为|打.{0,2}折|免单|免运费|免费|半价|员工价|内部价|权限|后台|调试|审核|关闭|赔偿|补偿|客户(?:信息|名单|资料)|所有订单|直接(?:办|操作|执行)|执行|授权`, w: 1 },
  { re: rx`\b(?:refund|discount|price|waive|free|access|admin|debug|disable|override|approve|authori[sz]e|customer list|all orders|credit|compensation|policy|\d+\s*% off|internal commands?)\b`, w: 1 },
];
