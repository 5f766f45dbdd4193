import type { Page } from 'playwright-core';

/** Sends a message in the chat widget the way a customer does: type, press Enter. */
export async function say(page: Page, text: string): Promise<void> {
  await page.fill('#kefu-input', text);
  await page.press('#kefu-input', 'Enter');
}
