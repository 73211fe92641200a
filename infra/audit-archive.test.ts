// Evidence that lasts (issue 24 item 6) under the Pulumi mocks and the strict IAM evaluator: the portal's role
// puts audit records but may not update or delete them; every record goes from the audit table's stream
// through EventBridge Pipes and Firehose (no code of ours) to an S3 bucket with Object Lock in compliance
// mode (the stage's retention), encrypted with the stage's key, with a Glue table for Athena.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInfraConfig } from './config';
import { evaluate, isAllowed } from './policy-check';
import type { Portal } from './portal-args';
import { ARCHIVE_PREFIX } from './audit-archive';
import { stages } from './stages';
import { promiseOf, resourcesOfType, T, type RecordedResource } from './testing/pulumi-mocks';
import { buildTestConfig, createTestPortal, SHARED_ACCOUNT } from './testing/fixtures';

let portal: Portal;
const one = (type: string, nameEnds = ''): RecordedResource =>
  resourcesOfType(type).find((r) => r.name.endsWith(nameEnds))!;

beforeAll(async () => {
  portal = await createTestPortal({
    config: buildTestConfig({ portal: { ...stages.production.portal, authMode: 'password', customDomain: undefined } }),
  });
});

describe('the portal role and the audit table', () => {
  it('may put and read audit records, never update or delete them (explicit Deny); other tables stay writable', async () => {
    const policy = String(one(T.rolePolicy, '-server-policy').inputs.policy);
    const audit = await promiseOf(portal.tables.audit.arn);
    const users = await promiseOf(portal.tables.users.arn);
    const request = (action: string, resource: string) => ({
      principal: `arn:aws:iam::${SHARED_ACCOUNT}:role/sp-test-server`,
      action,
      resource,
    });
    expect(isAllowed(policy, request('dynamodb:PutItem', audit))).toBe(true);
    expect(isAllowed(policy, request('dynamodb:Query', `${audit}/index/byUser`))).toBe(true);
    for (const action of [
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:UpdateTimeToLive',
      'dynamodb:DeleteTable',
    ]) {
      expect(evaluate(policy, request(action, audit)).decision, action).toBe('ExplicitlyDenied');
    }
    expect(isAllowed(policy, request('dynamodb:UpdateItem', users))).toBe(true);
    expect(isAllowed(policy, request('dynamodb:DeleteItem', users))).toBe(true);
  });
});

describe('the archive bucket', () => {
  it('has Object Lock in compliance mode with the stage retention (default 7 years)', async () => {
    const bucket = one('aws:s3/bucket:Bucket', '-audit-archive');
    expect(bucket.inputs.objectLockEnabled).toBe(true);
    const lock = one('aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration');
    expect(lock.inputs.bucket).toBe(bucket.state.id ?? (await promiseOf(portal.auditArchive.bucket.id)));
    expect(lock.inputs).toMatchObject({
      objectLockEnabled: 'Enabled',
      rule: { defaultRetention: { mode: 'COMPLIANCE', years: 7 } },
    });
    expect(one('aws:s3/bucketVersioning:BucketVersioning').inputs.versioningConfiguration).toEqual({
      status: 'Enabled',
    });
    expect(parseInfraConfig(stages.dev).portal.auditArchive.retentionYears).toBe(7);
    expect(
      parseInfraConfig({ ...stages.dev, portal: { auditArchive: { retentionYears: 10 } } }).portal.auditArchive
        .retentionYears,
    ).toBe(10);
  });

  it("is encrypted with the stage's KMS key, closed to the public, TLS only", async () => {
    const key = await promiseOf(portal.key.arn);
    const sse = one('aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration');
    expect(sse.inputs.rules[0].applyServerSideEncryptionByDefault).toEqual({
      sseAlgorithm: 'aws:kms',
      kmsMasterKeyId: key,
    });
    expect(one('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock').inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const bucketArn = await promiseOf(portal.auditArchive.bucket.arn);
    const policy = String(one('aws:s3/bucketPolicy:BucketPolicy').inputs.policy);
    expect(
      evaluate(policy, {
        principal: `arn:aws:iam::${SHARED_ACCOUNT}:role/x`,
        action: 's3:GetObject',
        resource: `${bucketArn}/records/a`,
        keys: { 'aws:SecureTransport': 'false' },
      }).decision,
    ).toBe('ExplicitlyDenied');
  });
});

describe('the pipe from the stream to the bucket (no code of ours on the path)', () => {
  it('audit table stream (new and old images) -> Pipes -> Firehose -> the bucket, with the stage key', async () => {
    const table = resourcesOfType(T.table).find((t) => t.inputs.name === 'studio-portal-audit')!;
    expect(table.inputs).toMatchObject({ streamEnabled: true, streamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(table.inputs.ttl).toEqual({ attributeName: 'ttl', enabled: true }); // TTL stays as the hot copy
    const pipe = one('aws:pipes/pipe:Pipe');
    const delivery = one('aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream');
    expect(pipe.inputs.source).toBe(table.state.streamArn);
    expect(pipe.inputs.target).toBe(delivery.state.arn);
    expect(pipe.inputs.enrichment).toBeUndefined();
    expect(pipe.inputs.sourceParameters.dynamodbStreamParameters.startingPosition).toBe('TRIM_HORIZON');
    const s3 = delivery.inputs.extendedS3Configuration;
    expect(s3.bucketArn).toBe(await promiseOf(portal.auditArchive.bucket.arn));
    expect(s3.kmsKeyArn).toBe(await promiseOf(portal.key.arn));
    expect(s3.prefix).toBe(ARCHIVE_PREFIX);
    expect(s3.bufferingInterval).toBeLessThanOrEqual(900); // within minutes
    expect(s3.processingConfiguration.processors.map((p: { type: string }) => p.type)).toEqual([
      'AppendDelimiterToRecord',
    ]);
    expect(JSON.stringify(delivery.inputs)).not.toMatch(/lambda/i);
    expect(resourcesOfType(T.lambda).map((f) => f.inputs.name)).toEqual(['sp-test-server']);
  });

  it('the pipe role reads only the audit stream and writes only the delivery stream; the delivery role only the bucket', async () => {
    const stream = resourcesOfType(T.table).find((t) => t.inputs.name === 'studio-portal-audit')!.state
      .streamArn as string;
    const deliveryArn = one('aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream').state.arn as string;
    const pipePolicy = String(one(T.rolePolicy, '-audit-archive-pipe-policy').inputs.policy);
    const as = (action: string, resource: string) => ({
      principal: `arn:aws:iam::${SHARED_ACCOUNT}:role/sp-test-audit-archive-pipe`,
      action,
      resource,
    });
    expect(isAllowed(pipePolicy, as('dynamodb:GetRecords', stream))).toBe(true);
    expect(
      isAllowed(pipePolicy, as('dynamodb:GetRecords', stream.replace('studio-portal-audit', 'studio-portal-users'))),
    ).toBe(false);
    expect(isAllowed(pipePolicy, as('firehose:PutRecordBatch', deliveryArn))).toBe(true);
    expect(isAllowed(pipePolicy, as('dynamodb:PutItem', await promiseOf(portal.tables.audit.arn)))).toBe(false);
    const bucketArn = await promiseOf(portal.auditArchive.bucket.arn);
    const deliveryPolicy = String(one(T.rolePolicy, '-audit-archive-delivery-policy').inputs.policy);
    expect(isAllowed(deliveryPolicy, as('s3:PutObject', `${bucketArn}/records/year=2026/month=01/x.gz`))).toBe(true);
    expect(isAllowed(deliveryPolicy, as('s3:DeleteObject', `${bucketArn}/records/year=2026/month=01/x.gz`))).toBe(
      false,
    );
    expect(isAllowed(deliveryPolicy, as('s3:PutObject', 'arn:aws:s3:::someone-elses-bucket/x'))).toBe(false);
  });

  it('a Glue table over the bucket for Athena (JSON, partitioned by year and month)', async () => {
    const table = one('aws:glue/catalogTable:CatalogTable');
    const bucket = await promiseOf(portal.auditArchive.bucket.bucket);
    expect(table.inputs.storageDescriptor.location).toBe(`s3://${bucket}/records/`);
    expect(table.inputs.partitionKeys.map((k: { name: string }) => k.name)).toEqual(['year', 'month']);
    expect(table.inputs.parameters['projection.enabled']).toBe('true');
    expect(table.inputs.storageDescriptor.columns.map((c: { name: string }) => c.name)).toEqual([
      'eventid',
      'eventname',
      'useridentity',
      'dynamodb',
    ]);
  });
});
