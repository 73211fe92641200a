import type { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, translateDirectoryError } from '../aws/errors';

/**
 * The data layer's one error border: runs a DynamoDB call (or one paginated run of calls) and translates
 * a failure once, naming `operation` (lib/aws/errors.ts: throttling -> aws.throttled, anything else ->
 * directory.unavailable; portal errors pass unchanged). `expected` sees the raw error first and answers
 * for the failures its caller expects (a failed condition): a result, or its own error thrown; undefined
 * lets the error be translated.
 */
export async function send<T>(
  operation: string,
  call: () => Promise<T>,
  expected?: (error: unknown) => T | undefined,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const answer = expected?.(error);
    if (answer !== undefined) return answer;
    throw translateDirectoryError(error, operation);
  }
}

/** A conditional put that claims its item: true when this call wrote it, false when its condition failed. */
export function claimPut(operation: string, doc: DynamoDBDocumentClient, put: PutCommand): Promise<boolean> {
  return send(
    operation,
    async () => {
      await doc.send(put);
      return true;
    },
    (error) => (isConditionalCheckFailed(error) ? false : undefined),
  );
}

type StartKey = Record<string, unknown> | undefined;

/**
 * Every page of a Query or Scan, as one `send`: `page` fetches the page after `startKey`, `reshape` turns each
 * item (inside the border, so a bad item fails as the run does).
 */
export async function sendAllPages<I, T>(
  operation: string,
  page: (startKey: StartKey) => Promise<{ Items?: I[]; LastEvaluatedKey?: StartKey }>,
  reshape: (item: I) => T,
): Promise<T[]> {
  const found: T[] = [];
  await send(operation, async () => {
    let startKey: StartKey;
    do {
      const out = await page(startKey);
      found.push(...(out.Items ?? []).map(reshape));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  });
  return found;
}
