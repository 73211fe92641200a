import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PortalConfig } from '../config';

/** The portal's table names (config.tables). */
export type DirectoryTables = PortalConfig['tables'];

/**
 * What every data-layer function needs: the document client and the table names. Callers (lib/admin,
 * lib/usage, scripts, bench) pass it through without touching either: only lib/directory sends commands.
 */
export interface TableAccess {
  ddb: DynamoDBDocumentClient;
  tables: DirectoryTables;
}

/** The document client type, for callers that hold one without sending commands on it. */
export type DocumentClient = DynamoDBDocumentClient;

/** Table access that needs only some of the tables (tools that write one table, e.g. scripts/populate.ts). */
export interface TableAccessTo<K extends keyof DirectoryTables> {
  ddb: DynamoDBDocumentClient;
  tables: Pick<DirectoryTables, K>;
}
