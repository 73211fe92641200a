import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDocumentClient } from '../aws/clients';
import { createClock } from '../clock';
import { getConfig, type PortalConfig } from '../config';
import { AuditWriter } from './audit';
import { CachedLobReader, LobsRepository } from './lobs';

export * from './types';
export * from './items';
export { AuditWriter, BatchingAuditWriter } from './audit';
export { CachedLobReader, LobsRepository, type LobReader } from './lobs';
export type { TableAccess, DirectoryTables, DocumentClient } from './access';
export {
  countPendingRequests,
  getAccessRequest,
  queryPendingRequests,
  queryRequestsOf,
  requestWrites,
  type AccessRequest,
  type RequestStatus,
} from './requests';
export {
  DEFAULT_DUE_DAYS,
  getReviewHeader,
  reviewWrites,
  type Review,
  type ReviewDecision,
  type ReviewRow,
  type ReviewSettings,
  type ReviewStatus,
} from './reviews';

export interface Directory {
  doc: DynamoDBDocumentClient;
  /** Uncached LOB reads (admin console). */
  lobsRepository: LobsRepository;
  /** Cached LOB reads (launch path); call `lobs.invalidate()` after an admin write. */
  lobs: CachedLobReader;
  audit: AuditWriter;
}

export function createDirectory(config: PortalConfig): Directory {
  const doc = createDynamoDocumentClient(config);
  const lobsRepository = new LobsRepository(doc, config.tables.lobs);
  const clock = createClock(config);
  return {
    doc,
    lobsRepository,
    lobs: new CachedLobReader(lobsRepository, config.lobCacheSeconds, () => clock().getTime()),
    audit: new AuditWriter(doc, config.tables.audit),
  };
}

let directory: Directory | undefined;

/** The process-wide directory built from getConfig() (one DynamoDB client, one LOB cache). */
export function getDirectory(): Directory {
  directory ??= createDirectory(getConfig());
  return directory;
}
