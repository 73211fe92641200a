/** What STS and SNS, the Query-protocol services (form-encoded requests, XML answers), share: requests and errors. */
import { randomUUID } from 'node:crypto';
import { escapeXml } from '../http-util';

/**
 * A Query-protocol request as the server runs it: its Action (counted, delayed, faulted by the server
 * before `run`), and `run` answering it from the form-encoded body.
 */
export function queryRequest(body: Buffer, answer: (form: URLSearchParams, action: string) => Promise<string>) {
  const form = new URLSearchParams(body.toString('utf8'));
  const action = form.get('Action') ?? 'unknown';
  return { action, run: () => answer(form, action) };
}

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
