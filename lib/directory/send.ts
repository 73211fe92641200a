import { translateDirectoryError } from '../aws/errors';

/**
 * The data layer's one error border: runs a DynamoDB call (or one paginated run of calls) and translates
 * a failure once, naming `operation` (lib/aws/errors.ts: throttling -> aws.throttled, anything else ->
 * directory.unavailable; portal errors pass unchanged). `expected` sees the raw error first and answers
 * for the failures its caller expects (a failed condition): a result, or its own error thrown; undefined
 * lets the error be translated.
 */
export async function send<T>(operation: string, call: () => Promise<T>, expected?: (error: unknown) => T | undefined): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const answer = expected?.(error);
    if (answer !== undefined) return answer;
    throw translateDirectoryError(error, operation);
  }
}
