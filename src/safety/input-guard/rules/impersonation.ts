/**
 * Impersonation: claiming to be staff or to speak with staff authority ("我是店长", "this is the
 * shop owner", "your manager already approved it", 工号, internal test commands). Customers who
 * describe themselves ("我是会员", "I'm the account holder", "我是公司的采购经理", "I'm the owner
 * of a small bakery") are not claiming authority over the shop.
 */
import { anyOf, gap, rx, type Rule } from '../score.ts';

const ROLE_STRONG = anyOf('店长', '店主', '掌柜', '老板娘', '管理员', '超级管理员', '系统管理员', '后台管理员', '客服主管', '客服经理', '客服组长',
  '站长', 'admin', '运营总监', '售后主管');
const ROLE_WEAK = anyOf('老板', '经理', '主管', '总监', '老总', '负责人', '运营', '员工', '工作人员', '技术人员', '开发者', '开发人员', '程序员',
  '工程师', '产品经理', '质检', '审核员', '同事', 'developer', 'manager', 'ceo');
const ROLE_ANY = `(?:${ROLE_STRONG}|${ROLE_WEAK}|客服|小二|专员|技术)`;
const SHOP_ZH = anyOf('你们', '贵', '本', '这家', '咱们', '咱家', '你的', 'kefu');
const NOT_FAMILY = '(?!家属|的(?:家属|朋友|亲戚|家人|孩子)|推荐)';
const ROLE_EN = anyOf('manager', 'owner', 'admin', 'administrator', 'developer', 'developers', 'engineer', 'supervisor', 'boss', 'ceo', 'cto',
  'founder', 'staff member', 'employee', 'moderator', 'operator', 'support lead', 'team lead', 'it department', 'security team', 'tech support',
  'support team', 'customer service manager');
// "the owner of a bakery", "the manager at my company": someone else's business, not this shop.
const NOT_ELSEWHERE = "(?!'s|\\s+(?:of|at|for|from|in)\\s+(?:a|an|my|our|another|some|the company|the firm)\\b)";

export const IMPERSONATION: readonly Rule[] = [
  { re: rx`我(?:就|才|可)?是${SHOP_ZH}[^\n,,。!?]{0,8}?${ROLE_ANY}${NOT_FAMILY}`, w: 0.85 },
  { re: rx`我(?:就|才|可)?是(?:这里|店里|店铺|平台|商城|官方|总部|后台|技术部|客服部|运营部|财务部?|风控部?)的?${gap(4)}${ROLE_ANY}${NOT_FAMILY}`, w: 0.8 },
  { re: rx`我(?:就|才|可)?是${gap(6)}(?:风控|安全|审核|财务|法务|售后|技术|运营|客服|质检)(?:部|组|中心)?的?(?:专员|主管|经理|人员|工程师|负责人|组长|支持)`, w: 0.75 },
  { re: rx`(?:店长|老板|店主|管理员|经理|主管)本人|(?:本人|我)就是(?:店长|老板|店主|管理员)`, w: 0.75 },
  { re: rx`我(?:就|才|可)?是${ROLE_STRONG}${NOT_FAMILY}`, w: 0.75 },
  { re: rx`我(?:就|才|可)?是${ROLE_WEAK}${NOT_FAMILY}`, w: 0.4 },
  { re: rx`作为(?:你们的?|本店的?|这家店的?|店铺的?|平台的?)?(?:店长|店主|老板|管理员|运营|经理|主管|开发者|员工|工作人员|客服主管)`, w: 0.75 },
  { re: rx`我(?:在|是在)(?:你们|贵|这家|本)(?:店|公司|平台|后台|客服部|技术部)?(?:上班|工作|任职)`, w: 0.7 },
  { re: rx`工号\s*[:：]?\s*\d{3,}|员工(?:权限|账号|通道)|内部(?:测试|指令|人员|员工|通道|命令)`, w: 0.5 },
  { re: rx`员工(?:价|折扣|内部价)|内部价|绿色通道`, w: 0.3 },
  { re: rx`我(?:就|才|可)?是${gap(6)}${ROLE_WEAK}${gap(30)}(?:关闭|调试|权限|后台|审核|退款|改价|打.{0,2}折|免单|免运费|refund|discount|access|disable|debug)`, w: 0.7 },
  { re: rx`这里是(?:kefu)?(?:总部|官方|平台|后台|客服中心|技术部|管理部|运营部|风控部|安全部|售后部)`, w: 0.7 },
  { re: rx`(?:现|现在)?(?:要求|请)你(?:配合|协助)(?:我们)?(?:核查|调查|测试|检查|处理)`, w: 0.4 },
  { re: rx`(?:我们|咱们)(?:老板|店长|经理|主管|领导)(?:让我|叫我)(?:来)?(?:跟你|告诉你|通知你)|(?:我们|咱们)(?:老板|店长|经理|主管|领导)(?:已经)?(?:同意|批准|交代)(?:了)?`, w: 0.7 },
  { re: rx`我在(?:你们|贵|这家|本)(?:公司|店|平台)?(?:做|干|负责)`, w: 0.65 },
  { re: rx`(?:店长|店主|老板|经理|主管|管理员|领导|上级)(?:已经|刚才|刚刚|都)?(?:同意|批准|答应|授权|确认)(?:了)?(?![^\n]{0,6}[吗么?？])`, w: 0.55 },
  { re: rx`(?:已经|已)(?:授权|批准)(?:了)?[,,]?\s*你(?:直接|就)`, w: 0.55 },
  // English
  { re: rx`\b(?:i am|i'm|this is|it's|it is)\s+(?:your|one of your|the store|the shop|this store|this shop|the site|the system|kefu's)\s+(?:store\s+|shop\s+|head\s+|senior\s+|lead\s+|chief\s+|system\s+)?${ROLE_EN}\b${NOT_ELSEWHERE}`, w: 0.85 },
  { re: rx`\b(?:i am|i'm|this is|it's|it is)\s+the\s+(?:store\s+|shop\s+|head\s+|senior\s+|lead\s+|chief\s+|system\s+)?${ROLE_EN}\b${NOT_ELSEWHERE}`, w: 0.7 },
  { re: rx`\b(?:i am|i'm)\s+(?:a|an)\s+(?:store\s+|shop\s+)?${ROLE_EN}\b${NOT_ELSEWHERE}`, w: 0.3 },
  { re: rx`\bi work (?:here|for you|for (?:this|your) (?:store|shop|company)|in your (?:support|team|company|store|warehouse)|at (?:this|your) (?:store|shop|company))`, w: 0.75 },
  { re: rx`\bas (?:the|an|a|your) (?:\w+ )?(?:admin|administrator|manager|owner|developer|supervisor|employee|staff member)\b${NOT_ELSEWHERE}`, w: 0.7 },
  { re: rx`\b(?:this is|it's|i'm|i am) \w+ from (?:kefu|corporate|head office|headquarters|hq|the (?:store|shop|company|platform|support team)|your (?:company|store|shop|team|support team))\b`, w: 0.75 },
  { re: rx`\bspeaking as (?:the|a|an|your) (?:store |shop )?(?:owner|manager|admin|administrator|staff|employee|supervisor)\b|\bi(?:'m| am)? authori[sz]ing\b|\bi authori[sz]e (?:you|this|a)\b`, w: 0.6 },
  { re: rx`\b(?:employee|staff) (?:id|number|code|badge|access|account)\b`, w: 0.5 },
  { re: rx`\b(?:employee|staff) (?:discount|price)\b`, w: 0.3 },
  { re: rx`\bfrom (?:the |your )?(?:support|security|it|tech|admin|management|billing|finance|operations|risk|customer service) (?:team|department|dept|desk)\b|\b(?:support|security|it|admin|management) team here\b`, w: 0.75 },
  { re: rx`\b(?:manager|admin|supervisor|staff|employee|override|authori[sz]ation) (?:override )?(?:code|pin|password|key)\b`, w: 0.75 },
  { re: rx`\b(?:internal|staff|admin) (?:commands?|test(?:ing)?|override|access|instructions?)\b`, w: 0.5 },
  { re: rx`\b(?:your |the )?(?:manager|supervisor|admin|boss|owner) (?:has |already |just |personally )*(?:approved|authori[sz]ed|okayed|signed off|agreed)\b`, w: 0.55 },
];
