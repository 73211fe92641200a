/**
 * The benches' lines of business: LOB `k` of a numbered set (its own account and domain), and the LOB's AWS
 * side in the stand-ins (an account whose generator role the portal may assume, a VpcOnly Studio domain).
 */
import type { Lob } from '../../lib/directory/types';
import type { AwsState, StudioDomain } from '../../local/aws/state';
import { lobRow } from '../../local/lob-row';

export interface BenchLobSet {
  name: (k: number) => string;
  /** "Cost LOB" -> "Cost LOB 7" */
  displayName: string;
  /** the first LOB's 12-digit account id; LOB k has accountBase + k */
  accountBase: number;
  /** "d-cost" -> "d-cost0007" */
  domainPrefix: string;
}

export function benchLob(set: BenchLobSet, k: number, changes: Partial<Lob> = {}): Lob {
  const domainId = `${set.domainPrefix}${String(k).padStart(4, '0')}`;
  return lobRow(set.name(k), {
    displayName: `${set.displayName} ${k}`,
    accountId: String(set.accountBase + k),
    domainId,
    ...changes,
  });
}

/** The LOB's account (generator role, SourceIdentity required) and its InService VpcOnly domain. */
export function addLobToAws(aws: AwsState, lob: Lob): StudioDomain {
  const { accountId, domainId, region } = lob;
  aws.accounts.set(accountId, { accountId, label: lob.lob, roleNames: new Set([lob.roleName]) });
  const domain = { domainId, domainName: `${lob.lob}-studio`, accountId, region, status: 'InService' as const };
  return aws.addDomain({ ...domain, appNetworkAccessType: 'VpcOnly' });
}
