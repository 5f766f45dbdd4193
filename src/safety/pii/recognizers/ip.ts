import { allMatches } from '../all-matches.ts';
import { isIPv6 } from 'node:net';
import { applyContext, type ContextCues } from '../context.ts';
import type { PiiCandidate, PiiRecognizer } from '../pii-types.ts';

const IP_CUES: ContextCues = {
  positive: ['ip', '地址', '登录', '服务器', '内网', '外网', '宽带', 'server', 'address', 'login', 'from', 'source'],
  negative: ['版本', 'version', 'build', '型号', '固件', 'release', '序列号'],
};

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![0-9A-Za-z.])${OCTET}(?:\\.${OCTET}){3}(?![0-9A-Za-z]|\\.\\d)`, 'g');
const IPV6 = /(?<![0-9A-Za-z:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:(?<=:)\d{1,3}(?:\.\d{1,3}){3})?(?![0-9A-Za-z:])/g;

/** IPv4 (octets 0-255, not part of a longer dotted number such as a version) and IPv6 (checked by node:net). */
export const ipRecognizer: PiiRecognizer = {
  types: ['ip'],
  find(text) {
    const out: PiiCandidate[] = [];
    // An IPv4 address has dots and an IPv6 one colons: a text without them skips that scan.
    if (text.includes('.')) for (const m of allMatches(IPV4, text)) {
      out.push({ type: 'ip', start: m.index, end: m.index + m[0].length, score: applyContext(text, m.index, 0.8, Object.assign({}, IP_CUES, { window: 10 })) });
    }
    if (text.includes(':')) for (const m of allMatches(IPV6, text)) {
      if (!/[0-9A-Fa-f]/.test(m[0]) || !isIPv6(m[0])) continue;
      out.push({ type: 'ip', start: m.index, end: m.index + m[0].length, score: applyContext(text, m.index, 0.85, Object.assign({}, IP_CUES, { window: 10 })) });
    }
    return out;
  },
};
