// Portal variant with a private custom domain (own process: Pulumi mocks are per process).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Portal } from './portal-args';
import { promiseOf, resourcesOfType, T } from './testing/pulumi-mocks';
import { buildTestConfig, createTestPortal, EXECUTE_API_VPCE } from './testing/fixtures';
import { privateApiViolations, tableDeletionProtection } from './testing/resource-checks';

let portal: Portal;

beforeAll(async () => {
  const config = buildTestConfig({
    portal: {
      customDomain: {
        domainName: 'studio.corp.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:999999999999:certificate/abc',
      },
    },
  });
  portal = await createTestPortal({ config, production: false });
});

describe('portal with a private custom domain', () => {
  it('the custom domain is PRIVATE, only invokable through our execute-api endpoint, and associated with it', () => {
    const [domain] = resourcesOfType(T.domainName);
    expect(privateApiViolations(domain, EXECUTE_API_VPCE)).toEqual([]);
    const [association] = resourcesOfType('aws:apigateway/domainNameAccessAssociation:DomainNameAccessAssociation');
    expect(association.inputs).toMatchObject({
      accessAssociationSource: EXECUTE_API_VPCE,
      accessAssociationSourceType: 'VPCE',
    });
  });

  it('NEXTAUTH_URL is the custom domain (no stage prefix) and a private zone points it at the endpoint', async () => {
    expect(await promiseOf(portal.url)).toBe('https://studio.corp.example.com');
    expect(resourcesOfType(T.lambda)[0].inputs.environment.variables.NEXTAUTH_URL).toBe(
      'https://studio.corp.example.com',
    );
    const zone = resourcesOfType(T.zone).find((z) => z.inputs.name === 'studio.corp.example.com')!;
    expect(zone.inputs.vpcs).toEqual([{ vpcId: 'vpc-0shared', vpcRegion: 'us-east-1' }]);
    const record = resourcesOfType(T.record)[0];
    expect(record.inputs.aliases[0].name).toContain(EXECUTE_API_VPCE);
  });

  it('non-production tables and user pool can be removed', () => {
    expect(tableDeletionProtection().every((enabled) => enabled === false)).toBe(true);
    expect(resourcesOfType(T.userPool)[0].inputs.deletionProtection).toBe('INACTIVE');
  });
});
