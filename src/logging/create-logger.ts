import { pino, type Logger } from 'pino';
import { createLogStringMasker } from './log-string-masker.ts';
import { NotPersonal } from './not-personal.ts';

export type { Logger };

const sharedMasker = createLogStringMasker();

/**
 * Structured JSON logs. Every string that goes out passes the PII masker, so a careless
 * `log.info({ message })` cannot write a phone number to disk; only values wrapped in
 * `notPersonal` by Kefu's own code skip it. The arguments are masked once, in the `logMethod`
 * hook (a `formatters.log` pass as well scanned every field twice).
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream, maskString: (text: string) => string = sharedMasker): Logger {
  const maskDeep = (v: unknown): unknown => {
    if (typeof v === 'string') return maskString(v);
    if (v instanceof NotPersonal) return v.value;
    if (Array.isArray(v)) return v.map(maskDeep);
    if (v !== null && typeof v === 'object' && !(v instanceof Error)) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskDeep(x)]));
    }
    return v;
  };
  const options = {
    level,
    base: { service: 'kefu' },
    hooks: {
      logMethod(this: Logger, args: Parameters<Logger['info']>, method: (...a: unknown[]) => void) {
        method.apply(this, args.map(maskDeep));
      },
    },
  };
  // Standard output is written asynchronously: under load the lines of several requests leave in
  // one write instead of a syscall each (issue 16.3). pino flushes what is pending on exit; a
  // SIGKILL can lose the last lines, which the audit log, not this log, is for.
  return pino(options, destination === undefined ? pino.destination({ dest: 1, sync: false }) : (destination as pino.DestinationStream));
}
