// The portal in the shared-services account, composed of its pieces: the DynamoDB tables, key and
// notifications topic (here), the user pool (portal-user-pool.ts), the function (portal-function.ts) and the
// private API (portal-api.ts).
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { perTable, type TableSchema } from '../lib/directory/schema';
import { tableArgsFor } from './table-schema';
import { createNotificationsTopic } from './notifications';
import { createPrivateApi, routeApiToFunction } from './portal-api';
import { createPortalFunction } from './portal-function';
import { createPortalUserPool } from './portal-user-pool';
import type { Portal, PortalArgs } from './portal-args';
import { createAuditArchive } from './audit-archive';

function createTables(args: PortalArgs, key: aws.kms.Key, opts: pulumi.CustomResourceOptions) {
  const { name, config, production } = args;
  const common = {
    billingMode: 'PAY_PER_REQUEST',
    pointInTimeRecovery: { enabled: true },
    serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
    deletionProtectionEnabled: production,
    tags: args.tags,
  };
  // Keys and indexes from the one schema source (lib/directory/schema.ts).
  // The audit table streams every change to the archive (infra/audit-archive.ts).
  const stream = (schema: TableSchema) =>
    schema.id === 'audit' ? { streamEnabled: true, streamViewType: 'NEW_AND_OLD_IMAGES' } : {};
  const table = (schema: TableSchema) =>
    new aws.dynamodb.Table(
      `${name}-${schema.id}`,
      { ...common, name: config.portal.tables[schema.id], ...tableArgsFor(schema), ...stream(schema) },
      opts,
    );
  return perTable(table);
}

export function createPortal(args: PortalArgs, opts: pulumi.CustomResourceOptions): Portal {
  const { name } = args;
  const tags = (suffix: string) => ({ ...args.tags, Name: `${name}-${suffix}` });

  const key = new aws.kms.Key(
    `${name}-key`,
    {
      description: `${name}: portal tables and function environment`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags: tags('key'),
    },
    opts,
  );
  const tables = createTables(args, key, opts);
  const notifications = createNotificationsTopic({ name, key, tags: args.tags ?? {} }, opts);
  const { api, apiPolicy, url } = createPrivateApi(args, opts);
  const pool = createPortalUserPool(args, url, opts);
  const { functionRole, functionPolicy, securityGroup, fn } = createPortalFunction(
    args,
    { key, tables, notifications, pool, url },
    opts,
  );
  const { stage, customDomain, customDomainZone } = routeApiToFunction(args, { api, apiPolicy, url }, fn, opts);
  const { userPool, webClient, cliClient, adminGroup, hostedUiDomain } = pool;
  const auditArchive = createAuditArchive(
    { name, config: args.config, key, auditTable: tables.audit, tags: args.tags },
    opts,
  );

  return {
    tables,
    notifications,
    key,
    userPool,
    webClient,
    cliClient,
    adminGroup,
    hostedUiDomain,
    functionRole,
    functionPolicy,
    securityGroup,
    fn,
    api,
    stage,
    customDomain,
    customDomainZone,
    url,
    auditArchive,
  };
}
