import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { ResourceNotFound, SageMakerServiceException } from '@aws-sdk/client-sagemaker';
import { STSServiceException } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import {
  classifyAwsError,
  translateAssumeRoleError,
  translateCognitoError,
  translateDirectoryError,
  translateSageMakerError,
} from '@/lib/aws/errors';
import { LobExistsError, LobInUseError, VersionConflictError } from '@/lib/admin/errors';
import { ERROR_STATUS, InputInvalidError, PortalError } from '@/lib/errors';

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

/** What the SDK throws for an error its model does not list: a service exception with the wire name. */
function unmodeled(
  Base: typeof SageMakerServiceException | typeof STSServiceException,
  name: string,
  status: number,
  fault: 'client' | 'server',
) {
  return new Base({ name, message: name, $fault: fault, ...meta(status) });
}

describe('Function: classifyAwsError', () => {
  it('recognises the SDK exception classes', () => {
    expect(classifyAwsError(new ProvisionedThroughputExceededException({ message: 'busy', ...meta(400) }))).toBe(
      'throttled',
    );
    expect(classifyAwsError(new ThrottlingException({ message: 'busy', ...meta(400) }))).toBe('throttled');
    expect(classifyAwsError(new ConditionalCheckFailedException({ message: 'no', ...meta(400) }))).toBe(
      'condition_failed',
    );
    expect(classifyAwsError(new TransactionCanceledException({ message: 'no', ...meta(400) }))).toBe(
      'transaction_canceled',
    );
    expect(classifyAwsError(new ResourceNotFound({ message: 'gone', ...meta(400) }))).toBe('not_found');
  });

  it('recognises unmodeled errors by name, status and fault', () => {
    expect(classifyAwsError(unmodeled(SageMakerServiceException, 'AccessDeniedException', 400, 'client'))).toBe(
      'access_denied',
    );
    expect(classifyAwsError(unmodeled(STSServiceException, 'AccessDenied', 403, 'client'))).toBe('access_denied');
    expect(classifyAwsError(unmodeled(SageMakerServiceException, 'ThrottlingException', 400, 'client'))).toBe(
      'throttled',
    );
    expect(classifyAwsError(unmodeled(SageMakerServiceException, 'ServiceUnavailable', 503, 'server'))).toBe(
      'unavailable',
    );
    expect(classifyAwsError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      'unavailable',
    );
    expect(classifyAwsError(unmodeled(SageMakerServiceException, 'ValidationException', 400, 'client'))).toBe('other');
    expect(classifyAwsError('not an error')).toBe('other');
  });
});

describe('Function: translate*Error', () => {
  it('maps throttling to aws.throttled everywhere, keeping the SDK error as cause', () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'busy', ...meta(400) });
    for (const error of [
      translateDirectoryError(throttled, 'GetItem'),
      translateCognitoError(unmodeled(STSServiceException, 'TooManyRequestsException', 400, 'client')),
      translateAssumeRoleError(unmodeled(STSServiceException, 'Throttling', 400, 'client'), 'arn:aws:iam::1:role/r'),
      translateSageMakerError(
        unmodeled(SageMakerServiceException, 'ThrottlingException', 400, 'client'),
        'CreatePresignedDomainUrl',
      ),
    ]) {
      expect(error.code).toBe('aws.throttled');
      expect(error.cause).toBeDefined();
    }
    expect(translateDirectoryError(throttled, 'GetItem').details).toMatchObject({
      operation: 'GetItem',
      awsError: 'ProvisionedThroughputExceededException',
    });
  });

  it('tells an outage from a refused role and passes portal errors through', () => {
    const outage = unmodeled(STSServiceException, 'ServiceUnavailable', 503, 'server');
    expect(translateAssumeRoleError(outage, 'arn').code).toBe('aws.unavailable');
    expect(translateAssumeRoleError(unmodeled(STSServiceException, 'AccessDenied', 403, 'client'), 'arn').code).toBe(
      'lob.role_denied',
    );
    expect(
      translateSageMakerError(unmodeled(SageMakerServiceException, 'AccessDeniedException', 400, 'client'), 'op').code,
    ).toBe('lob.presign_denied');
    expect(translateSageMakerError(outage, 'op').code).toBe('aws.unavailable');
    expect(translateDirectoryError(outage).code).toBe('directory.unavailable');
    const own = new InputInvalidError('bad');
    expect(translateDirectoryError(own)).toBe(own);
  });
});

describe('Error classes', () => {
  it('each carries its own stable code and the status of that code', () => {
    const errors: PortalError[] = [
      new LobInUseError('lob-a', 2),
      new LobExistsError('lob-a'),
      new VersionConflictError('lob-a', null),
      new InputInvalidError('x'),
    ];
    expect(errors.map((e) => e.code)).toEqual(['lob.in_use', 'lob.exists', 'conflict.version', 'input.invalid']);
    for (const e of errors) expect(e.status).toBe(ERROR_STATUS[e.code]);
    expect(new LobInUseError('lob-a', 2).message).toContain('still assigned to 2 users');
  });
});
