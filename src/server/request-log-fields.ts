import { notPersonal, type NotPersonal } from '../logging/not-personal.ts';

export interface RequestLogInput {
  /** The request id the request-id middleware settled on. */
  reqId: string;
  /** The client's own X-Request-Id header, if it sent one. */
  clientReqId: string | undefined;
  method: string;
  path: string;
  status: number;
  ms: number;
}

/**
 * The fields of the `request` log line. The id Kefu generated and the method Node's parser
 * accepted are not scanned for personal data; a request id the client chose and the path (which
 * can carry an order number or a phone number) are.
 */
export function requestLogFields(r: RequestLogInput): Record<string, string | number | NotPersonal> {
  return {
    reqId: r.clientReqId === r.reqId ? r.reqId : notPersonal(r.reqId),
    method: notPersonal(r.method),
    path: r.path,
    status: r.status,
    ms: r.ms,
  };
}
