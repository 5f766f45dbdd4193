/** The demo shop's ids carry the date in China (UTC+8), whatever the server's time zone. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/** Midnight (UTC+8) of the China day holding `ms`: Asia/Shanghai keeps no daylight saving. */
export function chinaDayStart(ms: number): number {
  const day = 24 * 60 * 60 * 1000;
  return Math.floor((ms + CHINA_OFFSET_MS) / day) * day - CHINA_OFFSET_MS;
}

export function chinaDate(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

/** `KF20261124001`: `KF`, the creation date, a three-digit number. */
export function demoOrderId(createdAt: number, seq: number): string {
  return `KF${chinaDate(createdAt)}${String(seq).padStart(3, '0')}`;
}

/** `RT20261124001`: `RT`, the request date, the day's running number. */
export function demoReturnId(createdAt: number, seqOfDay: number): string {
  return `RT${chinaDate(createdAt)}${String(seqOfDay).padStart(3, '0')}`;
}
