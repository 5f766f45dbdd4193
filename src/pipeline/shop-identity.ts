/**
 * The shop's name as the assistant says it (`KEFU_SHOP_NAME`). Kefu's own texts (the model's
 * system prompt, greetings, small-talk and blocked-message replies) were written for the demo shop
 * and named it; a shop that deploys Kefu is named instead. The demo name stays the default, so the
 * shipped model, which was trained on the demo shop's system prompt, reads the prompt it knows.
 */
export interface ShopIdentity {
  /** The name in Chinese texts. */
  readonly zh: string;
  /** The name in English texts. */
  readonly en: string;
  /** Set by the deployment: the demo shop's topic list is no longer said in greetings. */
  readonly custom: boolean;
}

export const DEMO_SHOP: ShopIdentity = { zh: 'Kefu商城', en: 'Kefu Shop', custom: false };

/** At most this long: it goes into every prompt and greeting. */
export const MAX_SHOP_NAME_CHARS = 40;

/**
 * `KEFU_SHOP_NAME`: one name for both languages ("Xiaoming Bikes"), or the Chinese and the
 * English name split by "|" ("小明单车|Xiaoming Bikes"). Unset or blank: the demo shop. Returns an
 * error message for a value that cannot be a name.
 */
export function parseShopName(value: string | undefined): ShopIdentity | string {
  if (value === undefined || value.trim() === '') return DEMO_SHOP;
  const parts = value.split('|').map((p) => p.trim());
  if (parts.length > 2 || parts.some((p) => p === '')) return 'KEFU_SHOP_NAME is one name, or a Chinese and an English name split by "|" (e.g. 小明单车|Xiaoming Bikes)';
  if (parts.some((p) => p.length > MAX_SHOP_NAME_CHARS)) return `KEFU_SHOP_NAME: a name is at most ${MAX_SHOP_NAME_CHARS} characters`;
  // A name goes into the system prompt: no line breaks, brackets or control characters that could shape it.
  if (parts.some((p) => /[\p{Cc}\[\]<>{}|]/u.test(p))) return 'KEFU_SHOP_NAME: a name may not hold line breaks, control characters or any of [ ] < > { }';
  return { zh: parts[0]!, en: parts[1] ?? parts[0]!, custom: true };
}

/** A text written for the demo shop, naming `shop` instead ("Kefu商城", "Kefu Shop", "Kefu shop"). */
export function naming(text: string, shop: ShopIdentity): string {
  if (!shop.custom) return text;
  return text.replaceAll('Kefu商城', shop.zh).replace(/Kefu [Ss]hop/g, shop.en);
}
