import { pino, type Logger } from 'pino';
import { createLogStringMasker } from './log-string-masker.ts';

export type { Logger };

const maskString = createLogStringMasker();

/**
 * Structured JSON logs. Every string that goes out passes the PII masker, so a careless
 * `log.info({ message })` cannot write a phone number to disk.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const maskDeep = (v: unknown): unknown => {
    if (typeof v === 'string') return maskString(v);
    if (Array.isArray(v)) return v.map(maskDeep);
    if (v !== null && typeof v === 'object' && !(v instanceof Error)) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskDeep(x)]));
    }
    return v;
  };
  const options = {
    level,
    base: { service: 'kefu' },
    formatters: { log: (obj: Record<string, unknown>) => maskDeep(obj) as Record<string, unknown> },
    hooks: {
      logMethod(this: Logger, args: Parameters<Logger['info']>, method: (...a: unknown[]) => void) {
        method.apply(this, args.map(maskDeep));
      },
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination as pino.DestinationStream);
}
