import { isThrottlingError } from '@smithy/core/retry';
import { PortalError, isPortalError, type ErrorCode } from '../errors';

interface SdkErrorLike {
  name?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

function asSdkError(error: unknown): SdkErrorLike {
  return typeof error === 'object' && error !== null ? (error as SdkErrorLike) : {};
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);

/** True for throttling after the SDK's own retries gave up. */
export function isThrottled(error: unknown): boolean {
  const e = asSdkError(error);
  return (
    isThrottlingError(error as Parameters<typeof isThrottlingError>[0]) ||
    e.name === 'ProvisionedThroughputExceededException' ||
    e.name === 'RequestLimitExceeded' ||
    e.name === 'TooManyRequestsException'
  );
}

/** True when the service could not be reached or answered with a 5xx. */
export function isUnavailable(error: unknown): boolean {
  const e = asSdkError(error);
  const status = e.$metadata?.httpStatusCode;
  return (
    (status !== undefined && status >= 500) ||
    e.$fault === 'server' && status === undefined ||
    (e.code !== undefined && NETWORK_CODES.has(e.code)) ||
    e.name === 'TimeoutError' ||
    e.name === 'RequestTimeout' ||
    e.name === 'ServiceUnavailable' ||
    e.name === 'InternalServerError'
  );
}

export function isAccessDenied(error: unknown): boolean {
  const name = asSdkError(error).name;
  return name === 'AccessDenied' || name === 'AccessDeniedException' || name === 'InvalidClientTokenId';
}

export function isResourceNotFound(error: unknown): boolean {
  const name = asSdkError(error).name;
  return name === 'ResourceNotFound' || name === 'ResourceNotFoundException';
}

/** DynamoDB failures as PortalErrors: throttling -> aws.throttled, everything else -> directory.unavailable. */
export function translateDirectoryError(error: unknown, operation: string): PortalError {
  if (isPortalError(error)) return error;
  const code: ErrorCode = isThrottled(error) ? 'aws.throttled' : 'directory.unavailable';
  return new PortalError(code, undefined, { cause: error, details: { service: 'dynamodb', operation, awsError: asSdkError(error).name } });
}

/** Failures while obtaining a LOB's credentials (STS AssumeRole). */
export function translateAssumeRoleError(error: unknown, roleArn: string): PortalError {
  if (isPortalError(error)) return error;
  const details = { service: 'sts', roleArn, awsError: asSdkError(error).name };
  if (isThrottled(error)) return new PortalError('aws.throttled', undefined, { cause: error, details });
  // An outage is not the role's fault: retry later, and don't send admins to the trust policy.
  if (isUnavailable(error)) {
    return new PortalError('aws.unavailable', 'AWS STS is unavailable right now. Please try again in a moment.', { cause: error, details });
  }
  // Access denied or a missing role leave the user unable to reach this LOB.
  return new PortalError('lob.role_denied', undefined, { cause: error, details });
}

/** Failures of SageMaker calls other than a missing profile (handled by the caller). */
export function translateSageMakerError(error: unknown, operation: string): PortalError {
  if (isPortalError(error)) return error;
  const details = { service: 'sagemaker', operation, awsError: asSdkError(error).name };
  if (isThrottled(error)) return new PortalError('aws.throttled', undefined, { cause: error, details });
  if (isAccessDenied(error)) return new PortalError('lob.role_denied', undefined, { cause: error, details });
  if (isUnavailable(error)) {
    return new PortalError('aws.unavailable', 'SageMaker is unavailable right now. Please try again in a moment.', { cause: error, details });
  }
  return new PortalError('internal', 'SageMaker could not create the Studio URL.', { cause: error, details });
}
