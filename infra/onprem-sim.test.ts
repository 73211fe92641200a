import { beforeAll, describe, expect, it } from 'vitest';
import { installPulumiMocks, promiseOf, resourcesOfType, settle, T } from './testing/pulumi-mocks';
import { buildTestConfig } from './testing/fixtures';

let sim: import('./onprem-sim').OnPremSimulator;

beforeAll(async () => {
  await installPulumiMocks();
  const { createOnPremSimulator } = await import('./onprem-sim');
  sim = createOnPremSimulator(
    {
      name: 'sp-sim',
      config: buildTestConfig(),
      cidr: '192.168.10.0/24',
      azId: 'use1-az1',
      shared: {
        vpcId: 'vpc-0shared',
        vpcCidr: '10.0.0.0/16',
        privateRouteTableId: 'rtb-0shared',
        zoneIds: ['ZSTUDIO', 'ZEXECUTEAPI'],
      },
      instance: { amiId: 'ami-0windows' },
    },
    {},
  );
  await promiseOf(sim.instance.id);
  await settle();
});

describe('on-prem simulator (optional)', () => {
  it('peers with the shared VPC and routes both ways', async () => {
    const peeringId = await promiseOf(sim.peering.id);
    const routes = resourcesOfType(T.route).map((r) => [
      r.inputs.routeTableId === 'rtb-0shared' ? 'shared' : 'sim',
      r.inputs.destinationCidrBlock,
      r.inputs.vpcPeeringConnectionId,
    ]);
    expect(routes.sort()).toEqual([
      ['shared', '192.168.10.0/24', peeringId],
      ['sim', '10.0.0.0/16', peeringId],
    ]);
  });

  it('resolves the central Studio and execute-api zones like corporate DNS would', () => {
    expect(
      resourcesOfType('aws:route53/zoneAssociation:ZoneAssociation')
        .map((a) => a.inputs.zoneId)
        .sort(),
    ).toEqual(['ZEXECUTEAPI', 'ZSTUDIO']);
  });

  it('has no public IP, no internet gateway and no inbound rule from outside', () => {
    const [instance] = resourcesOfType('aws:ec2/instance:Instance');
    expect(instance.inputs.associatePublicIpAddress).toBe(false);
    expect(resourcesOfType('aws:ec2/internetGateway:InternetGateway')).toEqual([]);
    for (const rule of resourcesOfType(T.ingressRule))
      expect(rule.inputs.referencedSecurityGroupId).toBe(rule.inputs.securityGroupId);
  });

  it('refuses a CIDR outside the corporate ranges (the central endpoints would not admit it)', async () => {
    const { createOnPremSimulator } = await import('./onprem-sim');
    expect(() =>
      createOnPremSimulator(
        {
          name: 'bad',
          config: buildTestConfig(),
          cidr: '172.16.0.0/24',
          azId: 'use1-az1',
          shared: { vpcId: 'v', vpcCidr: '10.0.0.0/16', privateRouteTableId: 'r', zoneIds: [] },
          instance: { amiId: 'ami' },
        },
        {},
      ),
    ).toThrow(/must lie inside a corporate CIDR/);
  });
});
