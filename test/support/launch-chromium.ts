import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; `npx playwright install` cannot download browsers here. */
const CHROMIUM = process.env['KEFU_CHROMIUM'] ?? '/usr/bin/chromium';

/** Headless Debian Chromium as every browser test runs it, plus any flags a test needs (a fake microphone). */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking', ...extraArgs] });
}
