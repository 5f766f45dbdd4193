import { mkdirSync } from 'node:fs';
import type { KefuConfig } from '../config/load-config.ts';
import { protectDataDir } from '../config/protect-data-dir.ts';
import { createLogger, type Logger } from '../logging/create-logger.ts';
import { createMetrics, type Metrics } from '../metrics/create-metrics.ts';
import { createCloseStack, type CloseStack } from './close-stack.ts';

/** What every part of the composition root is built with. */
export interface RootContext {
  config: KefuConfig;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  warn: (details: Record<string, unknown>, message: string) => void;
  /** Where keys kept outside the data dir are looked for. */
  keyLocation: { dataDir: string; keyDir: string };
  closing: CloseStack;
}

export function createRootContext(config: KefuConfig, options: { logger?: Logger; now?: () => number }): RootContext {
  const logger = options.logger ?? createLogger(config.logLevel);
  mkdirSync(config.dataDir, { recursive: true });
  const warn = (details: Record<string, unknown>, message: string) => logger.warn(details, message);
  protectDataDir(config.dataDir, warn);
  return {
    config,
    logger,
    metrics: createMetrics(),
    now: options.now ?? Date.now,
    warn,
    keyLocation: { dataDir: config.dataDir, keyDir: config.keyDir },
    closing: createCloseStack(),
  };
}
