import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateDirectoryError } from '../aws/errors';
import { reshapeUserItem } from './items';
import type { UserMapping } from './types';

/** Reads explicit user -> LOB mappings (Users table). */
export class UsersRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The user's mapping, or undefined when the user has no row. One GetItem. */
  async getUser(username: string): Promise<UserMapping | undefined> {
    try {
      const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { username } }));
      return out.Item ? reshapeUserItem(out.Item) : undefined;
    } catch (error) {
      throw translateDirectoryError(error, 'users.get');
    }
  }
}
