import { beforeAll, describe, expect, it } from 'vitest';
import type { InfraConfig } from './config';
import { checkIngress, type IngressRule } from './policy-check';
import { allResources, promiseOf, resourcesOfType, synthesize, T, type RecordedResource } from './testing/pulumi-mocks';
import { buildTestConfig, LOB_A_ACCOUNT, LOB_B_ACCOUNT, SHARED_ACCOUNT } from './testing/fixtures';
import { buildExecuteApiEndpointPolicy } from './network';

let config: InfraConfig;
let network: import('./network').SharedNetwork;

const toIngress = (rules: RecordedResource[]): IngressRule[] =>
  rules.map((r) => ({
    protocol: r.inputs.ipProtocol,
    fromPort: r.inputs.fromPort,
    toPort: r.inputs.toPort,
    cidrBlocks: r.inputs.cidrIpv4 ? [r.inputs.cidrIpv4] : [],
    ipv6CidrBlocks: r.inputs.cidrIpv6 ? [r.inputs.cidrIpv6] : [],
    sourceSecurityGroupId: r.inputs.referencedSecurityGroupId,
  }));

beforeAll(async () => {
  config = buildTestConfig();
  network = await synthesize(
    async () => (await import('./network')).createSharedNetwork({ name: 'sp-test', config }, {}),
    (built) => promiseOf(built.vpc.id),
  );
});

/** The names users reach Studio and the portal's API by: a private zone each, and a forwarding rule each. */
const STUDIO_AND_API_ZONES = ['studio.us-east-1.sagemaker.aws', 'execute-api.us-east-1.amazonaws.com'];

describe('shared network (shared-services account)', () => {
  it('has a VPC with private and Transit Gateway subnets in at least two AZs', async () => {
    const subnets = resourcesOfType(T.subnet);
    const privateAzs = new Set(
      subnets.filter((s) => s.name.includes('-private-')).map((s) => s.inputs.availabilityZoneId),
    );
    const tgwAzs = new Set(subnets.filter((s) => s.name.includes('-tgw-')).map((s) => s.inputs.availabilityZoneId));
    expect(privateAzs.size).toBeGreaterThanOrEqual(2);
    expect(tgwAzs.size).toBeGreaterThanOrEqual(2);
    expect(subnets.every((s) => s.inputs.mapPublicIpOnLaunch === false)).toBe(true);
  });

  it('has no internet gateway, NAT gateway or public IP', () => {
    const types = allResources().map((r) => r.type);
    expect(types.filter((t) => /internetGateway|natGateway|eip:Eip|egressOnlyInternetGateway/i.test(t))).toEqual([]);
  });

  it('shares the Transit Gateway and the forwarding rules through RAM with the LOB accounts only, inside the organization', async () => {
    const [share] = resourcesOfType(T.ramShare);
    expect(share.inputs.allowExternalPrincipals).toBe(false);
    const principals = resourcesOfType(T.ramPrincipal)
      .map((p) => p.inputs.principal)
      .sort();
    expect(principals).toEqual([LOB_A_ACCOUNT, LOB_B_ACCOUNT]);
    const shared = resourcesOfType(T.ramResource).map((r) => r.inputs.resourceArn as string);
    expect(shared).toContain(await promiseOf(network.transitGateway.arn));
    const ruleArns = await Promise.all(network.forwardingRules.map((r) => promiseOf(r.arn)));
    for (const arn of ruleArns) expect(shared).toContain(arn);
  });

  it('does not auto-accept Transit Gateway attachments', () => {
    const [tgw] = resourcesOfType(T.transitGateway);
    expect(tgw.inputs.autoAcceptSharedAttachments).toBe('disable');
  });

  it('has interface endpoints for execute-api, sts, sagemaker.api, Studio, cognito-idp, logs, sns, ecr.api and ecr.dkr, and a DynamoDB gateway endpoint', () => {
    const endpoints = resourcesOfType(T.vpcEndpoint);
    const interfaces = endpoints
      .filter((e) => e.inputs.vpcEndpointType === 'Interface')
      .map((e) => e.inputs.serviceName)
      .sort();
    expect(interfaces).toEqual(
      [
        'aws.sagemaker.us-east-1.studio',
        'com.amazonaws.us-east-1.cognito-idp',
        'com.amazonaws.us-east-1.ecr.api',
        'com.amazonaws.us-east-1.ecr.dkr',
        'com.amazonaws.us-east-1.execute-api',
        'com.amazonaws.us-east-1.logs',
        'com.amazonaws.us-east-1.sagemaker.api',
        'com.amazonaws.us-east-1.sns',
        'com.amazonaws.us-east-1.sts',
      ].sort(),
    );
    for (const e of endpoints.filter((x) => x.inputs.vpcEndpointType === 'Interface'))
      expect(e.inputs.subnetIds).toHaveLength(2);
    const gateway = endpoints.filter((e) => e.inputs.vpcEndpointType === 'Gateway');
    expect(gateway.map((e) => e.inputs.serviceName)).toEqual(['com.amazonaws.us-east-1.dynamodb']);
  });

  it('the execute-api endpoint has an endpoint policy: private APIs of the shared-services account only', () => {
    const executeApi = resourcesOfType(T.vpcEndpoint).find((e) =>
      String(e.inputs.serviceName).endsWith('.execute-api'),
    )!;
    expect(executeApi.inputs.policy).toBe(buildExecuteApiEndpointPolicy('us-east-1', SHARED_ACCOUNT));
  });

  it('endpoint security group allows only HTTPS (443) from the corporate and LOB ranges', async () => {
    const sgId = await promiseOf(network.endpointSecurityGroup.id);
    const rules = resourcesOfType(T.ingressRule).filter((r) => r.inputs.securityGroupId === sgId);
    expect(rules.length).toBeGreaterThan(0);
    expect(
      checkIngress(toIngress(rules), [...config.corporateCidrs, ...config.lobs.map((l) => l.vpcCidr)], [443]),
    ).toEqual([]);
  });

  it('every ingress rule in the shared VPC comes from corporate, LOB or shared ranges, on 443 or DNS only', () => {
    const allowed = [...config.corporateCidrs, ...config.lobs.map((l) => l.vpcCidr), config.sharedServices.vpcCidr];
    expect(checkIngress(toIngress(resourcesOfType(T.ingressRule)), allowed, [443, 53])).toEqual([]);
  });

  it('private hosted zones resolve the central endpoints, including *.studio.<region>.sagemaker.aws to the Studio endpoint', async () => {
    const zones = resourcesOfType(T.zone);
    expect(zones.map((z) => z.inputs.name)).toEqual(
      expect.arrayContaining([
        ...STUDIO_AND_API_ZONES,
        'api.sagemaker.us-east-1.amazonaws.com',
        'sts.us-east-1.amazonaws.com',
      ]),
    );
    const vpcId = await promiseOf(network.vpc.id);
    for (const zone of zones) expect(zone.inputs.vpcs).toEqual([{ vpcId, vpcRegion: 'us-east-1' }]);
    const studioDns = (await promiseOf(network.interfaceEndpoints.studio.dnsEntries))[0].dnsName;
    const studioRecord = resourcesOfType(T.record).find((r) => r.inputs.name === '*.studio.us-east-1.sagemaker.aws');
    expect(studioRecord?.inputs.aliases[0].name).toBe(studioDns);
  });

  it('has a Resolver inbound endpoint for on-prem DNS and an outbound endpoint whose forwarding rules target it', async () => {
    const endpoints = resourcesOfType(T.resolverEndpoint);
    expect(endpoints.map((e) => e.inputs.direction).sort()).toEqual(['INBOUND', 'OUTBOUND']);
    const inbound = endpoints.find((e) => e.inputs.direction === 'INBOUND')!;
    expect(inbound.inputs.ipAddresses).toHaveLength(2);
    const inboundIps = inbound.inputs.ipAddresses.map((a: { ip: string }) => a.ip);
    const outboundId = await promiseOf(network.resolverOutbound.id);
    const rules = resourcesOfType(T.resolverRule);
    expect(rules.map((r) => r.inputs.domainName)).toEqual(
      expect.arrayContaining([...STUDIO_AND_API_ZONES, 'corp.example.com']),
    );
    for (const rule of rules.filter((r) => r.inputs.domainName !== 'corp.example.com')) {
      expect(rule.inputs.resolverEndpointId).toBe(outboundId);
      expect(rule.inputs.targetIps.map((t: { ip: string }) => t.ip)).toEqual(inboundIps);
    }
  });

  it('routes corporate and LOB ranges through the Transit Gateway', async () => {
    const tgwId = await promiseOf(network.transitGateway.id);
    const destinations = resourcesOfType(T.route)
      .filter((r) => r.inputs.transitGatewayId === tgwId)
      .map((r) => r.inputs.destinationCidrBlock)
      .sort();
    expect(destinations).toEqual(['10.1.0.0/16', '10.2.0.0/16', '192.168.0.0/16']);
  });
});
