// A dev stage with the optional on-prem simulator wired in (own process: Pulumi mocks are per process).
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInfraConfig } from './config';
import { stages } from './stages';
import { installPulumiMocks, promiseOf, resourcesOfType, settle, T } from './testing/pulumi-mocks';
import { homeEfsRetention, tableDeletionProtection, userPoolMfa } from './testing/resource-checks';

const withSimulator = (stage: string) =>
  parseInfraConfig({
    ...stages[stage],
    onPremSimulator: { cidr: '192.168.10.0/24', azId: 'use1-az1', amiId: 'ami-0windows' },
  });
let stack: import('./stack').Stack;

beforeAll(async () => {
  await installPulumiMocks('dev');
  const { createAccountProviders, createStack } = await import('./stack');
  const config = withSimulator('dev');
  stack = createStack({
    app: 'studio-portal',
    stage: 'dev',
    config,
    providers: createAccountProviders(config, {}),
    bundlePath: '/unused',
    nextAuthSecret: pulumi.secret('d'.repeat(48)),
  });
  await promiseOf(stack.onPremSimulator!.instance.id);
  await settle();
});

describe('dev stage with the on-prem simulator', () => {
  it('password mode: no Cognito hosted UI domain, and nothing is deletion-protected', () => {
    expect(resourcesOfType(T.userPoolDomain)).toEqual([]);
    expect(tableDeletionProtection().every((enabled) => enabled === false)).toBe(true);
    for (const retention of homeEfsRetention()) expect(retention).toBe('Delete');
  });

  it('dev keeps the user pool MFA optional (TOTP available) and the console does not demand it', () => {
    const { pool, consoleRequireMfa } = userPoolMfa();
    expect(pool.mfaConfiguration).toBe('OPTIONAL');
    expect(pool.softwareTokenMfaConfiguration).toEqual({ enabled: true });
    expect(consoleRequireMfa).toBe('false');
  });

  it('the simulator resolves the central Studio and execute-api zones and is routed from the shared private subnets', async () => {
    const zones = await Promise.all(
      [stack.network.hostedZones.studio.zoneId, stack.network.hostedZones.executeApi.zoneId].map((z) => promiseOf(z)),
    );
    expect(
      resourcesOfType('aws:route53/zoneAssociation:ZoneAssociation')
        .map((a) => a.inputs.zoneId)
        .sort(),
    ).toEqual(zones.sort());
    const sharedRt = await promiseOf(stack.network.privateRouteTable.id);
    const toSim = resourcesOfType(T.route).filter(
      (r) => r.inputs.routeTableId === sharedRt && r.inputs.destinationCidrBlock === '192.168.10.0/24',
    );
    expect(toSim).toHaveLength(1);
    expect(toSim[0].inputs.vpcPeeringConnectionId).toBe(await promiseOf(stack.onPremSimulator!.peering.id));
  });

  it('production refuses the simulator', async () => {
    const { createAccountProviders, createStack } = await import('./stack');
    const config = withSimulator('production');
    expect(() =>
      createStack({
        app: 'x',
        stage: 'production',
        config,
        providers: createAccountProviders(config, {}),
        bundlePath: '/unused',
        nextAuthSecret: 'unused',
      }),
    ).toThrow(/not for production/);
  });
});
