import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../config/load-config.ts';
import { ORDER_STATUSES, type OrderStatus } from '../../contracts/order-connector.ts';
import { KefuError } from '../../errors.ts';

/**
 * The shop's after-sales policy (policies/shop-policy.yaml, KEFU_SHOP_POLICY to replace it): return
 * windows and the order statuses that allow each action. Flows check it before collecting details.
 */
export interface ShopPolicy {
  returns: {
    refundWindowDays: number;
    exchangeWindowDays: number;
    refundStatuses: readonly OrderStatus[];
    exchangeStatuses: readonly OrderStatus[];
    warrantyDays: number;
  };
  cancel: { statuses: readonly OrderStatus[] };
  addressChange: { statuses: readonly OrderStatus[] };
}

export const DEFAULT_SHOP_POLICY_FILE = path.join(PROJECT_ROOT, 'policies', 'shop-policy.yaml');

/** The demo shop's policy, as the shipped file states it (a test keeps the two equal). */
export const DEFAULT_SHOP_POLICY: ShopPolicy = {
  returns: { refundWindowDays: 7, exchangeWindowDays: 15, refundStatuses: ['paid', 'delivered'], exchangeStatuses: ['delivered'], warrantyDays: 365 },
  cancel: { statuses: ['pending_payment', 'paid'] },
  addressChange: { statuses: ['pending_payment', 'paid'] },
};

const Status = z.enum(ORDER_STATUSES as [OrderStatus, ...OrderStatus[]], { error: `a status is one of ${ORDER_STATUSES.join(', ')}` });
const Statuses = z.array(Status).refine((s) => new Set(s).size === s.length, 'statuses are listed once each');
const Days = z.number({ error: 'a whole number of days' }).int('a whole number of days').min(0, 'days cannot be negative').max(3650, 'at most 3650 days');

const PolicyFile = z
  .object({
    version: z.literal(1, { error: 'version must be 1' }),
    returns: z
      .object({
        refund_window_days: Days,
        exchange_window_days: Days,
        refund_statuses: Statuses,
        exchange_statuses: Statuses,
        warranty_days: Days.optional(),
      })
      .strict(),
    cancel: z.object({ statuses: Statuses }).strict(),
    address_change: z.object({ statuses: Statuses }).strict(),
  })
  .strict();

export function parseShopPolicy(text: string, file: string): ShopPolicy {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new KefuError('invalid_shop_policy', `${file}: not valid YAML: ${(e as Error).message}`);
  }
  const parsed = PolicyFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new KefuError('invalid_shop_policy', `${file}: ${issue.path.join('.') || 'policy'}: ${issue.message}`);
  }
  const p = parsed.data;
  return {
    returns: {
      refundWindowDays: p.returns.refund_window_days,
      exchangeWindowDays: p.returns.exchange_window_days,
      refundStatuses: p.returns.refund_statuses,
      exchangeStatuses: p.returns.exchange_statuses,
      warrantyDays: p.returns.warranty_days ?? 0,
    },
    cancel: { statuses: p.cancel.statuses },
    addressChange: { statuses: p.address_change.statuses },
  };
}

export function loadShopPolicy(file: string = DEFAULT_SHOP_POLICY_FILE): ShopPolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new KefuError('invalid_shop_policy', `shop policy file not found: ${file} (set KEFU_SHOP_POLICY to a readable file)`);
  }
  return parseShopPolicy(text, file);
}
