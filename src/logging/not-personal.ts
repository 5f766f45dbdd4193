/**
 * A log field's value that Kefu made itself and that cannot hold personal data (an id it
 * generated, an HTTP method the parser accepted): the logger writes it without the PII scan,
 * which costs a scan per request for a value that changes on every line (issue 16.3). Only code
 * can wrap a value, so nothing a customer sends reaches the log this way.
 */
export class NotPersonal {
  constructor(readonly value: string | number) {}
}

export const notPersonal = (value: string | number): NotPersonal => new NotPersonal(value);
