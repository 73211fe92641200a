/** What STS and SNS, the Query-protocol services (form-encoded requests, XML answers), share: their errors. */
import { randomUUID } from 'node:crypto';
import { escapeXml } from '../http-util';

/** An error of a Query-protocol service: code is what the SDK exposes as err.name. */
export class QueryProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

/** The ErrorResponse document; `namespace` is the service's API version namespace. */
export function buildQueryErrorXml(namespace: string, code: string, message: string, type = 'Sender'): string {
  return `<ErrorResponse xmlns="${namespace}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}
