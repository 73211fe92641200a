// The audit archive (issue 24 item 6): every audit record also lands, within minutes, in an S3 bucket with
// Object Lock in compliance mode, through AWS's own plumbing and no code of ours: the audit table's stream ->
// EventBridge Pipes -> Amazon Data Firehose -> S3 (encrypted with the stage's KMS key), with a Glue table
// over it for Athena. The table's TTL keeps the hot copy (400 days); the archive keeps the evidence for the
// stage's retention (default 7 years), which nobody, the account's root included, can shorten or delete.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { InfraConfig } from './config';
import { buildPolicyDocument } from './policy-document';

export interface AuditArchiveArgs {
  name: string;
  config: InfraConfig;
  key: aws.kms.Key;
  auditTable: aws.dynamodb.Table;
  tags?: Record<string, string>;
}

export interface AuditArchive {
  bucket: aws.s3.Bucket;
  lock: aws.s3.BucketObjectLockConfiguration;
  delivery: aws.kinesis.FirehoseDeliveryStream;
  pipe: aws.pipes.Pipe;
  database: aws.glue.CatalogDatabase;
  table: aws.glue.CatalogTable;
  pipeRole: aws.iam.Role;
  deliveryRole: aws.iam.Role;
}

/** Where Firehose writes: one folder per arrival year and month (the Glue table projects them as partitions). */
export const ARCHIVE_PREFIX = 'records/year=!{timestamp:yyyy}/month=!{timestamp:MM}/';

/** Glue/Athena names: `<database>.records`. */
export const archiveDatabaseName = (name: string) => `${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_audit`;

const text = 'struct<s:string>';
/** The attributes of an audit item the archive's table exposes (DynamoDB JSON: each is {"S": "..."}). */
const IMAGE = `struct<pk:${text},sk:${text},type:${text},at:${text},user:${text},requestid:${text},lob:${text},action:${text},target:${text},before:${text},after:${text},outcome:${text},channel:${text},app:${text},accountid:${text},domainid:${text},rolesession:${text},sourceidentity:${text},review:${text},followsup:${text},previousoutcome:${text},copyof:${text}>`;

/** The Glue columns of one archived stream record (what EventBridge Pipes hands Firehose, unchanged). */
export const ARCHIVE_COLUMNS = [
  { name: 'eventid', type: 'string' },
  {
    name: 'eventname',
    type: 'string',
    comment: 'INSERT for a new record; MODIFY / REMOVE would show tampering (REMOVE by dynamodb.amazonaws.com: TTL)',
  },
  { name: 'useridentity', type: 'struct<type:string,principalid:string>' },
  {
    name: 'dynamodb',
    type: `struct<approximatecreationdatetime:double,sequencenumber:string,newimage:${IMAGE},oldimage:${IMAGE}>`,
  },
];

export function createAuditArchive(args: AuditArchiveArgs, opts: pulumi.CustomResourceOptions): AuditArchive {
  const { name, config, key, auditTable } = args;
  const { region } = config;
  const account = config.sharedServices.accountId;
  const archive = config.portal.auditArchive;
  const serviceTrust = (service: string) =>
    buildPolicyDocument([
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
      },
    ]);

  const bucket = new aws.s3.Bucket(
    `${name}-audit-archive`,
    // Object Lock can only be switched on when the bucket is created; it implies versioning.
    { bucket: `${name}-audit-archive-${account}`, objectLockEnabled: true, forceDestroy: false, tags: args.tags },
    { ...opts, protect: true },
  );
  new aws.s3.BucketVersioning(
    `${name}-audit-archive-versioning`,
    { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } },
    opts,
  );
  const lock = new aws.s3.BucketObjectLockConfiguration(
    `${name}-audit-archive-lock`,
    {
      bucket: bucket.id,
      objectLockEnabled: 'Enabled',
      rule: { defaultRetention: { mode: 'COMPLIANCE', years: archive.retentionYears } },
    },
    opts,
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-audit-archive-sse`,
    {
      bucket: bucket.id,
      rules: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.arn },
          bucketKeyEnabled: true,
        },
      ],
    },
    opts,
  );
  new aws.s3.BucketPublicAccessBlock(
    `${name}-audit-archive-public`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  new aws.s3.BucketPolicy(
    `${name}-audit-archive-policy`,
    {
      bucket: bucket.id,
      policy: bucket.arn.apply((arn) =>
        buildPolicyDocument([
          {
            Sid: 'TlsOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [arn, `${arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ]),
      ),
    },
    opts,
  );

  const deliveryRole = new aws.iam.Role(
    `${name}-audit-archive-delivery-role`,
    {
      name: `${name}-audit-archive-delivery`,
      assumeRolePolicy: serviceTrust('firehose.amazonaws.com'),
      tags: args.tags,
    },
    opts,
  );
  new aws.iam.RolePolicy(
    `${name}-audit-archive-delivery-policy`,
    {
      role: deliveryRole.name,
      policy: pulumi
        .all([bucket.arn, key.arn])
        .apply(([bucketArn, keyArn]) => buildDeliveryPolicy(bucketArn, keyArn, region)),
    },
    opts,
  );
  const delivery = new aws.kinesis.FirehoseDeliveryStream(
    `${name}-audit-archive`,
    {
      name: `${name}-audit-archive`,
      destination: 'extended_s3',
      serverSideEncryption: { enabled: true, keyType: 'CUSTOMER_MANAGED_CMK', keyArn: key.arn },
      extendedS3Configuration: {
        bucketArn: bucket.arn,
        roleArn: deliveryRole.arn,
        bufferingInterval: archive.bufferSeconds,
        bufferingSize: 5,
        compressionFormat: 'GZIP',
        kmsKeyArn: key.arn,
        prefix: ARCHIVE_PREFIX,
        errorOutputPrefix: 'errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/',
        // One JSON record per line for Athena; a built-in processor, not a Lambda.
        processingConfiguration: { enabled: true, processors: [{ type: 'AppendDelimiterToRecord' }] },
      },
      tags: args.tags,
    },
    { ...opts, dependsOn: [lock] },
  );

  const pipeRole = new aws.iam.Role(
    `${name}-audit-archive-pipe-role`,
    { name: `${name}-audit-archive-pipe`, assumeRolePolicy: serviceTrust('pipes.amazonaws.com'), tags: args.tags },
    opts,
  );
  const pipePolicy = new aws.iam.RolePolicy(
    `${name}-audit-archive-pipe-policy`,
    {
      role: pipeRole.name,
      policy: pulumi
        .all([auditTable.streamArn, delivery.arn, key.arn])
        .apply(([streamArn, deliveryArn, keyArn]) => buildPipePolicy(streamArn, deliveryArn, keyArn)),
    },
    opts,
  );
  const pipe = new aws.pipes.Pipe(
    `${name}-audit-archive`,
    {
      name: `${name}-audit-archive`,
      description: 'Audit table stream -> Firehose -> S3 Object Lock archive (no code on the path)',
      roleArn: pipeRole.arn,
      source: auditTable.streamArn,
      // Every change: INSERTs are the records; a MODIFY or REMOVE not made by TTL would show tampering.
      sourceParameters: {
        dynamodbStreamParameters: {
          startingPosition: 'TRIM_HORIZON',
          batchSize: 100,
          maximumBatchingWindowInSeconds: 60,
          maximumRetryAttempts: 185,
        },
      },
      target: delivery.arn,
      kmsKeyIdentifier: key.arn,
      tags: args.tags,
    },
    { ...opts, dependsOn: [pipePolicy] },
  );

  const database = new aws.glue.CatalogDatabase(
    `${name}-audit-archive-db`,
    { name: archiveDatabaseName(name), description: 'Studio Portal audit archive (Athena)' },
    opts,
  );
  const table = new aws.glue.CatalogTable(
    `${name}-audit-archive-table`,
    {
      databaseName: database.name,
      name: 'records',
      tableType: 'EXTERNAL_TABLE',
      parameters: {
        classification: 'json',
        'projection.enabled': 'true',
        'projection.year.type': 'integer',
        'projection.year.range': '2025,2100',
        'projection.month.type': 'integer',
        'projection.month.range': '1,12',
        'projection.month.digits': '2',
        'storage.location.template': pulumi.interpolate`s3://${bucket.bucket}/records/year=\${year}/month=\${month}/`,
      },
      partitionKeys: [
        { name: 'year', type: 'string' },
        { name: 'month', type: 'string' },
      ],
      storageDescriptor: {
        location: pulumi.interpolate`s3://${bucket.bucket}/records/`,
        inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        serDeInfo: {
          serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
          parameters: { 'case.insensitive': 'true', 'ignore.malformed.json': 'true' },
        },
        columns: ARCHIVE_COLUMNS,
      },
    },
    opts,
  );
  return { bucket, lock, delivery, pipe, database, table, pipeRole, deliveryRole };
}

/** Firehose may write objects into the archive bucket with the stage key, and nothing else. */
export function buildDeliveryPolicy(bucketArn: string, keyArn: string, region: string): string {
  return buildPolicyDocument([
    {
      Sid: 'WriteArchive',
      Effect: 'Allow',
      Action: [
        's3:PutObject',
        's3:AbortMultipartUpload',
        's3:GetBucketLocation',
        's3:ListBucket',
        's3:ListBucketMultipartUploads',
      ],
      Resource: [bucketArn, `${bucketArn}/*`],
    },
    {
      Sid: 'EncryptWithStageKey',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: keyArn,
      Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
    },
  ]);
}

/** The pipe may read the audit table's stream and hand records to the delivery stream, and nothing else. */
export function buildPipePolicy(streamArn: string, deliveryArn: string, keyArn: string): string {
  return buildPolicyDocument([
    {
      Sid: 'ReadAuditStream',
      Effect: 'Allow',
      Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
      Resource: streamArn,
    },
    { Sid: 'ListStreams', Effect: 'Allow', Action: 'dynamodb:ListStreams', Resource: '*' },
    {
      Sid: 'Deliver',
      Effect: 'Allow',
      Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
      Resource: deliveryArn,
    },
    { Sid: 'StageKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: keyArn },
  ]);
}
