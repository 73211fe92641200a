// A two-AZ, two-LOB configuration shared by the infra tests (the demo accounts of docs/contracts.md).
import { parseInfraConfig, type InfraConfig, type InfraConfigInput } from '../config';

export const SHARED_ACCOUNT = '999999999999';
export const LOB_A_ACCOUNT = '111111111111';
export const LOB_B_ACCOUNT = '222222222222';

export function buildTestConfig(overrides: Partial<InfraConfigInput> = {}): InfraConfig {
  return parseInfraConfig({
    region: 'us-east-1',
    azIds: ['use1-az1', 'use1-az2'],
    corporateCidrs: ['192.168.0.0/16'],
    sharedServices: { accountId: SHARED_ACCOUNT, vpcCidr: '10.0.0.0/16' },
    onPremDns: { domainName: 'corp.example.com', resolverIps: ['192.168.10.2', '192.168.10.3'] },
    lobs: [
      { name: 'lob-a', displayName: 'Line of Business A', accountId: LOB_A_ACCOUNT, vpcCidr: '10.1.0.0/16', users: ['user-lob-a', 'user-multi'], groups: ['lob-a-users'] },
      { name: 'lob-b', displayName: 'Line of Business B', accountId: LOB_B_ACCOUNT, vpcCidr: '10.2.0.0/16', users: ['user-lob-b'], groups: ['lob-b-users'], autoCreateProfile: true },
    ],
    ...overrides,
  });
}
