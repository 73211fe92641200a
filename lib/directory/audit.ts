import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateDirectoryError } from '../aws/errors';
import { toAuditItem } from './items';
import type { AuditRecord } from './types';

/** Appends records to the audit table (launches and admin changes). */
export class AuditWriter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async write(record: AuditRecord): Promise<void> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: toAuditItem(record) }));
    } catch (error) {
      throw translateDirectoryError(error, 'audit.write');
    }
  }
}
