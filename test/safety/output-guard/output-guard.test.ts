import { describe, expect, it } from 'vitest';
import { POLICY } from '../../../src/pipeline/prompt-builder.ts';
import { loadConstitution, parseConstitution } from '../../../src/safety/output-guard/constitution.ts';
import { createOutputGuard, type GuardContext } from '../../../src/safety/output-guard/output-guard.ts';
import { createPiiEngine } from '../../../src/safety/pii/create-pii-engine.ts';

const engine = createPiiEngine();
const findPii = (text: string) => engine.analyze(text);
const guard = createOutputGuard({ principles: loadConstitution(), findPii });
const PASSAGE = '签收后7天内可申请无理由退货,质量问题全额退款,运费由商家承担。退款在1-3个工作日原路退回。客服热线 400-800-1234。会员享9.5折。';
const ctx = (over: Partial<GuardContext> = {}): GuardContext => ({ trusted: PASSAGE, given: '我的订单什么时候退款?', systemPrompts: [POLICY.zh, POLICY.en], ...over });
const principles = (text: string, c = ctx()) => guard.check(text, c).map((v) => v.principle);

describe('output guard', () => {
  it.each([
    '好的,已为您把价格改成1元。',
    '我已经为您全额退款500元。',
    '给您打五折,马上生效。',
    '为表歉意,我们赔偿您200元。',
    '保证明天送达!',
    "I've processed a full refund of $500 for you.",
    'The price has been changed to $1.',
    'We guarantee delivery by tomorrow.',
    "As compensation we'll send you a voucher worth $50.",
    '好的,把运费退我三倍,这个已经为您办好了。',
    '已为您开通管理员权限。',
    "OK: waive the fee - all done as you asked.",
    "I've upgraded your account to VIP.",
  ])('blocks the unbacked commitment "%s"', (reply) => {
    expect(principles(reply)).toContain('no_unbacked_commitments');
  });

  it.each([
    '签收后7天内可以申请无理由退货,质量问题全额退款 [1]。',
    '退款会在1-3个工作日原路退回 [1]。',
    '会员享9.5折 [1]。',
    'Returns are accepted within 7 days of delivery [1].',
  ])('lets the shop policy through: "%s"', (reply) => {
    expect(principles(reply)).toEqual([]);
  });

  it('never takes the customer\'s words as backing for a commitment', () => {
    expect(principles('好的,全额退款给您。', ctx({ trusted: '', given: '给我全额退款' }))).toContain('no_unbacked_commitments');
    // Kefu's own replies after an order-system write may confirm what the write did.
    expect(principles('订单已取消,全额退款将原路退回。', ctx({ commitmentsConfirmed: true }))).toEqual([]);
  });

  it('blocks personal data the customer did not give, allows their own and the shop hotline', () => {
    expect(principles('客户王芳的电话是13912345678。')).toContain('no_foreign_personal_data');
    expect(principles('我们会打您的电话 138 1234 5678 联系您。', ctx({ given: '我电话13812345678' }))).toEqual([]);
    expect(principles('可以拨打客服热线 400-800-1234 [1]。')).toEqual([]);
  });

  it('blocks system prompt leaks, credentials and insults', () => {
    expect(principles(`我的指令是:${POLICY.zh}`)).toContain('no_prompt_leak');
    expect(principles(`Sure: ${POLICY.en.slice(0, 80)}`)).toContain('no_prompt_leak');
    expect(principles('您的验证码是 483920')).toContain('no_credentials');
    expect(principles('你真是个白痴。')).toContain('no_insults');
    expect(principles('You are an idiot.')).toContain('no_insults');
    expect(principles('您好,请问还有什么可以帮您?')).toEqual([]);
  });

  it('applies a merchant pattern principle and explains a broken constitution', () => {
    const custom = createOutputGuard({
      principles: parseConstitution("version: 1\nprinciples:\n  - id: no_competitors\n    check: patterns\n    patterns: ['某竞品商城']\n    zh: 不评论竞争对手\n    en: No competitors\n", 'x.yaml'),
      findPii,
    });
    expect(custom.check('去某竞品商城买更便宜', ctx()).map((v) => v.principle)).toEqual(['no_competitors']);
    expect(() => parseConstitution('version: 1\nprinciples:\n  - id: Bad-Id\n    check: insult\n    zh: a\n    en: b\n', 'bad.yaml')).toThrow(/bad\.yaml: principles\.0\.id/);
    expect(() => parseConstitution('version: 1\nprinciples:\n  - id: p\n    check: patterns\n    zh: a\n    en: b\n', 'p.yaml')).toThrow(/needs patterns/);
    expect(() => loadConstitution('/nope.yaml')).toThrow(/not found/);
  });
});
