import { checkAction, type AfterSalesAction } from '../policy/eligibility.ts';
import { refusalText } from '../policy/refusal-text.ts';
import type { ShopPolicy } from '../policy/shop-policy.ts';
import type { StepSpec } from '../flow-types.ts';
import { orderStep } from './order-step.ts';

/**
 * The "which order" step of a flow whose one action the shop policy allows or not by the order's
 * status and dates (cancel, address change): only orders it allows are listed, and an order named
 * outright that it does not allow is explained at once, before any other detail is asked.
 */
export function policyOrderStep(action: AfterSalesAction, policy: ShopPolicy): StepSpec {
  return orderStep({
    eligible: (o, ctx) => checkAction(action, o, policy, ctx.now) === null,
    check: (o, ctx) => {
      const refusal = checkAction(action, o, policy, ctx.now);
      return refusal === null ? null : refusalText(refusal, ctx, policy);
    },
  });
}
