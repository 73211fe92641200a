// Portal variant with a private custom domain (own process: Pulumi mocks are per process).
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPrivateApi } from './policy-check';
import { installPulumiMocks, promiseOf, resourcesOfType, settle, T } from './testing/pulumi-mocks';
import { buildTestConfig } from './testing/fixtures';

const VPCE = 'vpce-0executeapi000001';
let portal: import('./portal').Portal;

beforeAll(async () => {
  await installPulumiMocks();
  const { createPortal } = await import('./portal');
  const config = buildTestConfig({ portal: { customDomain: { domainName: 'studio.corp.example.com', certificateArn: 'arn:aws:acm:us-east-1:999999999999:certificate/abc' } } });
  portal = createPortal(
    {
      name: 'sp-test',
      config,
      production: false,
      bundlePath: '/nonexistent-in-tests',
      nextAuthSecret: pulumi.secret('y'.repeat(48)),
      network: {
        vpcId: 'vpc-0shared',
        vpcCidr: '10.0.0.0/16',
        privateSubnetIds: ['subnet-a', 'subnet-b'],
        endpointSecurityGroupId: 'sg-0endpoints',
        executeApiEndpointId: VPCE,
        executeApiEndpointDns: { dnsName: `${VPCE}.execute-api.us-east-1.vpce.amazonaws.com`, hostedZoneId: 'Z7HUB22UULQXV' },
        dynamodbPrefixListId: 'pl-02cd2c6b',
      },
    },
    {},
  );
  await promiseOf(portal.stage.id);
  await settle();
});

describe('portal with a private custom domain', () => {
  it('the custom domain is PRIVATE, only invokable through our execute-api endpoint, and associated with it', () => {
    const [domain] = resourcesOfType(T.domainName);
    expect(checkPrivateApi({ endpointConfiguration: domain.inputs.endpointConfiguration, policy: domain.inputs.policy }, VPCE)).toEqual([]);
    const [association] = resourcesOfType('aws:apigateway/domainNameAccessAssociation:DomainNameAccessAssociation');
    expect(association.inputs).toMatchObject({ accessAssociationSource: VPCE, accessAssociationSourceType: 'VPCE' });
  });

  it('NEXTAUTH_URL is the custom domain (no stage prefix) and a private zone points it at the endpoint', async () => {
    expect(await promiseOf(portal.url)).toBe('https://studio.corp.example.com');
    expect(resourcesOfType(T.lambda)[0].inputs.environment.variables.NEXTAUTH_URL).toBe('https://studio.corp.example.com');
    const zone = resourcesOfType(T.zone).find((z) => z.inputs.name === 'studio.corp.example.com')!;
    expect(zone.inputs.vpcs).toEqual([{ vpcId: 'vpc-0shared', vpcRegion: 'us-east-1' }]);
    const record = resourcesOfType(T.record)[0];
    expect(record.inputs.aliases[0].name).toContain(VPCE);
  });

  it('non-production tables and user pool can be removed', () => {
    expect(resourcesOfType(T.table).every((t) => t.inputs.deletionProtectionEnabled === false)).toBe(true);
    expect(resourcesOfType(T.userPool)[0].inputs.deletionProtection).toBe('INACTIVE');
  });
});
