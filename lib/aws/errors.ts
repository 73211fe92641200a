/**
 * The one translator from AWS SDK errors to the portal's errors. Modeled exceptions are recognised by
 * the SDK's own classes (instanceof); what a service returns unmodeled (STS's AccessDenied, SageMaker's
 * AccessDeniedException, throttling from any service) by smithy's retry classification, the HTTP status
 * and `$fault`. Callers say which operation failed; the portal error keeps the SDK error as `cause`.
 */
import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { InvalidParameterException, UserNotFoundException } from '@aws-sdk/client-cognito-identity-provider';
import { ResourceInUse, ResourceNotFound } from '@aws-sdk/client-sagemaker';
import { isThrottlingError } from '@smithy/core/retry';
import { PortalError, isPortalError, type ErrorCode } from '@/lib/errors';

/** What the portal needs to know about a failed AWS call. */
export type AwsErrorKind =
  'throttled' | 'unavailable' | 'access_denied' | 'not_found' | 'condition_failed' | 'transaction_canceled' | 'other';

interface SdkErrorShape {
  name?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

function shapeOf(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
}

/** Node's socket errors: the service was never reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
]);
/** Unmodeled error names of the services the portal calls (STS and SageMaker model neither). */
const ACCESS_DENIED_NAMES = new Set(['AccessDenied', 'AccessDeniedException', 'InvalidClientTokenId']);
const UNAVAILABLE_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'ServiceUnavailable',
  'InternalServerError',
  'InternalFailure',
]);

export function classifyAwsError(error: unknown): AwsErrorKind {
  if (
    error instanceof ProvisionedThroughputExceededException ||
    error instanceof RequestLimitExceeded ||
    error instanceof ThrottlingException
  ) {
    return 'throttled';
  }
  if (error instanceof ConditionalCheckFailedException) return 'condition_failed';
  if (error instanceof TransactionCanceledException) return 'transaction_canceled';
  if (error instanceof ResourceNotFoundException || error instanceof ResourceNotFound) return 'not_found';
  if (error instanceof InternalServerError) return 'unavailable';
  const e = shapeOf(error);
  if (e.name && isThrottlingError(error as Parameters<typeof isThrottlingError>[0])) return 'throttled';
  if (e.name && ACCESS_DENIED_NAMES.has(e.name)) return 'access_denied';
  if (e.name === 'ResourceNotFound' || e.name === 'ResourceNotFoundException') return 'not_found';
  const status = e.$metadata?.httpStatusCode;
  if (
    (status !== undefined && status >= 500) ||
    (e.$fault === 'server' && status === undefined) ||
    (e.code !== undefined && NETWORK_CODES.has(e.code)) ||
    (e.name !== undefined && UNAVAILABLE_NAMES.has(e.name))
  ) {
    return 'unavailable';
  }
  return 'other';
}

/** True for throttling after the SDK's own retries gave up. */
export const isThrottled = (error: unknown) => classifyAwsError(error) === 'throttled';
/** True when the service could not be reached or answered with a 5xx. */
export const isUnavailable = (error: unknown) => classifyAwsError(error) === 'unavailable';
export const isAccessDenied = (error: unknown) => classifyAwsError(error) === 'access_denied';
export const isResourceNotFound = (error: unknown) => classifyAwsError(error) === 'not_found';
/** SageMaker: the resource is busy (an app already Deleting, a profile Updating). */
export const isResourceInUse = (error: unknown) => error instanceof ResourceInUse;
/**
 * A DynamoDB ConditionExpression did not hold (someone else changed or created the item): alone
 * (ConditionalCheckFailedException) or inside a cancelled transaction, where another transaction on the
 * same item (TransactionConflict) counts too (it is a concurrent edit).
 */
export function isConditionalCheckFailed(error: unknown): boolean {
  // The data layer wraps a cancelled transaction in its own error (TransactionCancelledError), cause kept.
  if (isPortalError(error)) return error.code === 'conflict.transaction' && isConditionalCheckFailed(error.cause);
  const kind = classifyAwsError(error);
  if (kind === 'condition_failed') return true;
  return (cancellationReasons(error) ?? []).some((r) => r === 'ConditionalCheckFailed' || r === 'TransactionConflict');
}

/**
 * The per-item reason codes of a cancelled TransactWriteItems (`ConditionalCheckFailed`,
 * `TransactionConflict`; undefined for items that were fine), in TransactItems order; undefined for any
 * other error.
 */
export function cancellationReasons(error: unknown): (string | undefined)[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((r) => (r.Code && r.Code !== 'None' ? r.Code : undefined));
}

/** Cognito: the user is not in the pool (AdminGetUser and friends). */
export const isUserNotFound = (error: unknown) => error instanceof UserNotFoundException;
/** Cognito: a parameter was refused (an expired or foreign ListUsers pagination token, among others). */
export const isInvalidParameter = (error: unknown) => error instanceof InvalidParameterException;
/** A DynamoDB TransactWriteItems was refused (a condition failed or a conflicting transaction ran). */
export const isTransactionCanceled = (error: unknown) => classifyAwsError(error) === 'transaction_canceled';

function portalError(code: ErrorCode, error: unknown, details: Record<string, unknown>, message?: string): PortalError {
  return new PortalError(code, message, { cause: error, details: { ...details, awsError: shapeOf(error).name } });
}

/** `service` could not be reached or answered with a 5xx: the caller may retry in a moment. */
function unavailable(service: string, error: unknown, details: Record<string, unknown>): PortalError {
  return portalError(
    'aws.unavailable',
    error,
    details,
    `${service} is unavailable right now. Please try again in a moment.`,
  );
}

/** DynamoDB failures: throttling -> aws.throttled, everything else -> directory.unavailable. */
export function translateDirectoryError(error: unknown, operation?: string): PortalError {
  if (isPortalError(error)) return error;
  const code: ErrorCode = isThrottled(error) ? 'aws.throttled' : 'directory.unavailable';
  return portalError(code, error, { service: 'dynamodb', operation });
}

/** Cognito user-pool failures (admin listing and lookups): throttling, else the user pool is unavailable. */
export function translateCognitoError(error: unknown, operation?: string): PortalError {
  if (isPortalError(error)) return error;
  if (isThrottled(error)) return portalError('aws.throttled', error, { service: 'cognito', operation });
  return portalError(
    'directory.unavailable',
    error,
    { service: 'cognito', operation },
    'The user pool is unavailable right now. Please try again shortly.',
  );
}

/** Failures while obtaining a LOB's credentials (STS AssumeRole). */
export function translateAssumeRoleError(error: unknown, roleArn: string): PortalError {
  if (isPortalError(error)) return error;
  const kind = classifyAwsError(error);
  if (kind === 'throttled') return portalError('aws.throttled', error, { service: 'sts', roleArn });
  // An outage is not the role's fault: retry later, and don't send admins to the trust policy.
  if (kind === 'unavailable') {
    return unavailable('AWS STS', error, { service: 'sts', roleArn });
  }
  // Access denied or a missing role leave the user unable to reach this LOB.
  return portalError('lob.role_denied', error, { service: 'sts', roleArn });
}

/** Failures of SageMaker calls (with the LOB's assumed-role credentials) other than a missing profile (handled by the caller). */
export function translateSageMakerError(error: unknown, operation: string): PortalError {
  if (isPortalError(error)) return error;
  const kind = classifyAwsError(error);
  if (kind === 'throttled') return portalError('aws.throttled', error, { service: 'sagemaker', operation });
  // The role was assumed (or the credentials would not exist): a denial here is the role's permissions
  // policy in the LOB account, not its trust policy, so a different team fixes it.
  if (kind === 'access_denied') return portalError('lob.presign_denied', error, { service: 'sagemaker', operation });
  if (kind === 'unavailable') {
    return unavailable('SageMaker', error, { service: 'sagemaker', operation });
  }
  return portalError(
    'internal',
    error,
    { service: 'sagemaker', operation },
    'SageMaker could not create the Studio URL.',
  );
}
