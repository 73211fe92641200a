// A two-AZ, two-LOB configuration shared by the infra tests (the demo accounts of docs/contracts.md), and the
// portal synthesized from it.
import * as pulumi from '@pulumi/pulumi';
import { parseInfraConfig, type InfraConfig, type InfraConfigInput } from '../config';
import type { Portal, PortalArgs } from '../portal-args';
import { installPulumiMocks, promiseOf, settle } from './pulumi-mocks';

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
      {
        name: 'lob-a',
        displayName: 'Line of Business A',
        accountId: LOB_A_ACCOUNT,
        vpcCidr: '10.1.0.0/16',
        users: ['user-lob-a', 'user-multi'],
        groups: ['lob-a-users'],
      },
      {
        name: 'lob-b',
        displayName: 'Line of Business B',
        accountId: LOB_B_ACCOUNT,
        vpcCidr: '10.2.0.0/16',
        users: ['user-lob-b'],
        groups: ['lob-b-users'],
        autoCreateProfile: true,
      },
    ],
    ...overrides,
  });
}

export const EXECUTE_API_VPCE = 'vpce-0executeapi000001';
export const ENDPOINTS_SG = 'sg-0endpoints00000001';

/**
 * The portal alone (shared-services account) under the Pulumi mocks, with the network the shared network hands
 * it and `overrides` (default: production, the test config). Call it once per test file: the mocks are per process.
 */
export async function createTestPortal(overrides: Partial<PortalArgs> = {}): Promise<Portal> {
  await installPulumiMocks();
  const { createPortal } = await import('../portal');
  const config = overrides.config ?? buildTestConfig();
  const portal = createPortal(
    {
      name: 'sp-test',
      config,
      production: true,
      bundlePath: '/nonexistent-in-tests',
      nextAuthSecret: pulumi.secret('x'.repeat(48)),
      network: {
        vpcId: 'vpc-0shared',
        vpcCidr: config.sharedServices.vpcCidr,
        privateSubnetIds: ['subnet-a', 'subnet-b'],
        endpointSecurityGroupId: ENDPOINTS_SG,
        executeApiEndpointId: EXECUTE_API_VPCE,
        executeApiEndpointDns: {
          dnsName: `${EXECUTE_API_VPCE}.execute-api.us-east-1.vpce.amazonaws.com`,
          hostedZoneId: 'Z7HUB22UULQXV',
        },
        dynamodbPrefixListId: 'pl-02cd2c6b',
      },
      ...overrides,
    },
    {},
  );
  await promiseOf(portal.stage.id);
  await settle();
  return portal;
}
