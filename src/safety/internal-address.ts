import { compileLinearPattern } from './linear-pattern.ts';

/**
 * Addresses that belong inside the shop's network and never in a customer's reply: private and
 * loopback IPv4, localhost, internal host names (.internal, .corp, .lan, .local, .intranet) and
 * URLs of admin back ends. RE2 (linear time): the knowledge-base scanner and the output guard run
 * it over documents and model text of any length.
 */
export const INTERNAL_ADDRESS = compileLinearPattern(
  [
    String.raw`\b(?:10\.\d{1,3}|192\.168|172\.(?:1[6-9]|2\d|3[01])|127\.\d{1,3}|169\.254)\.\d{1,3}\.\d{1,3}\b`,
    String.raw`\blocalhost\b`,
    String.raw`\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:internal|intranet|corp|lan|local|private|localdomain|home\.arpa)\b`,
    String.raw`https?://[a-z0-9.-]*\b(?:admin|intranet|internal|backoffice|back-office|jenkins|grafana|kibana|gitlab|phpmyadmin|erp|oa|vpn|ops|staging|dev)\b[a-z0-9.-]*`,
    String.raw`https?://[^\s/]+(?::\d{2,5})?/(?:admin|wp-admin|phpmyadmin|manage|backend|console|debug)\b`,
    String.raw`https?://[^\s/:]+:\d{2,5}\b`,
  ].join('|'),
  { ignoreCase: true },
);
