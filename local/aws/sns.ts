/**
 * SNS stand-in (Query protocol, XML): Publish only, SigV4-verified (service `sns`). Only the portal's
 * principal may publish, only to the known topics; published messages are kept for the control API
 * (`GET /_local/sns/messages`).
 */
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { buildQueryErrorXml, QueryProtocolError, queryRequest } from './query-protocol';
import { authenticateCaller, QUERY_SIGNATURE_ERRORS } from './sts';
import type { AwsState, PublishedMessage, SnsState } from './state';

const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';

export class SnsError extends QueryProtocolError {}

export function snsErrorXml(code: string, message: string, type = 'Sender'): string {
  return buildQueryErrorXml(NS, code, message, type);
}

/** `MessageAttributes.entry.N.Name` / `.Value.StringValue` pairs of a Query request. */
function messageAttributes(form: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const name = form.get(`MessageAttributes.entry.${n}.Name`)!;
    const type = form.get(`MessageAttributes.entry.${n}.Value.DataType`);
    if (type !== 'String')
      throw new SnsError('InvalidParameterValue', `Message attribute ${name}: only DataType String is supported here`);
    out[name] = form.get(`MessageAttributes.entry.${n}.Value.StringValue`) ?? '';
  }
  return out;
}

export async function handleSns(
  state: AwsState,
  sns: SnsState,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ action: string; run: () => Promise<string> }> {
  return queryRequest(body, async (form, action) => {
    const caller = await authenticateCaller(state, req, body, 'sns', QUERY_SIGNATURE_ERRORS, SnsError);
    if (action !== 'Publish')
      throw new SnsError('InvalidAction', `The action ${action} is not valid for this endpoint.`);
    const arn = caller.kind === 'principal' ? caller.principal.arn : caller.creds.roleArn;
    const topicArn = form.get('TopicArn') ?? '';
    if (!sns.topics.has(topicArn)) throw new SnsError('NotFound', 'Topic does not exist', 404);
    if (!sns.publishers.has(arn))
      throw new SnsError(
        'AuthorizationError',
        `User: ${arn} is not authorized to perform: SNS:Publish on resource: ${topicArn}`,
        403,
      );
    const message = form.get('Message');
    if (!message) throw new SnsError('InvalidParameter', 'Invalid parameter: Message');
    const published: PublishedMessage = {
      messageId: randomUUID(),
      topicArn,
      subject: form.get('Subject') ?? undefined,
      message,
      attributes: messageAttributes(form),
      publisher: arn,
      at: new Date().toISOString(),
    };
    sns.messages.push(published);
    if (sns.messages.length > 1000) sns.messages.shift();
    return `<PublishResponse xmlns="${NS}"><PublishResult><MessageId>${published.messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`;
  });
}
