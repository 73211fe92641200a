// Shared network in the shared-services account: VPC, Transit Gateway (shared through RAM), central
// interface endpoints with private hosted zones, and Route 53 Resolver endpoints + forwarding rules.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { carveSubnet, hostAddress, parseCidr } from './cidr';
import type { InfraConfig } from './config';
import { buildPolicyDocument } from './policy-document';
import { allow, securityGroup } from './security-groups';

export interface InterfaceEndpointSpec {
  key: string;
  serviceName: string;
  /** private hosted zone that makes the service name resolve to this endpoint */
  zoneName: string;
  /** record names inside the zone: '' = apex, '*' = wildcard */
  records: string[];
}

/** The central interface endpoints (issue 6 item 3): every VPC and on-prem reach AWS through these. */
export function listInterfaceEndpoints(region: string): InterfaceEndpointSpec[] {
  /** An AWS service `com.amazonaws.<region>.<service>` whose private zone is `zoneName`. */
  const awsService = (key: string, service: string, zoneName: string, records = ['']) => ({
    key,
    serviceName: `com.amazonaws.${region}.${service}`,
    zoneName,
    records,
  });
  return [
    awsService('executeApi', 'execute-api', `execute-api.${region}.amazonaws.com`, ['*']),
    awsService('sts', 'sts', `sts.${region}.amazonaws.com`),
    awsService('sagemakerApi', 'sagemaker.api', `api.sagemaker.${region}.amazonaws.com`),
    // Studio's own service name is not under com.amazonaws.
    {
      key: 'studio',
      serviceName: `aws.sagemaker.${region}.studio`,
      zoneName: `studio.${region}.sagemaker.aws`,
      records: ['*'],
    },
    awsService('cognitoIdp', 'cognito-idp', `cognito-idp.${region}.amazonaws.com`),
    awsService('logs', 'logs', `logs.${region}.amazonaws.com`),
    awsService('sns', 'sns', `sns.${region}.amazonaws.com`),
    awsService('ecrApi', 'ecr.api', `api.ecr.${region}.amazonaws.com`),
    awsService('ecrDkr', 'ecr.dkr', `dkr.ecr.${region}.amazonaws.com`, ['', '*']),
  ];
}

export interface SharedNetworkArgs {
  /** resource name prefix, e.g. `studio-portal-dev` */
  name: string;
  config: InfraConfig;
  tags?: Record<string, string>;
}

/** What createSharedNetwork made (its return value is the one list of them). */
export type SharedNetwork = ReturnType<typeof createSharedNetwork>;

const ENDPOINT_PORT = 443;

/**
 * Endpoint policy of the central execute-api endpoint: it invokes private APIs of the shared-services
 * account only (the portal's), so it cannot carry traffic to an API elsewhere; each API's own resource
 * policy in turn accepts callers through this endpoint only (infra/portal-api.ts).
 */
export function buildExecuteApiEndpointPolicy(region: string, sharedAccountId: string): string {
  return buildPolicyDocument([
    {
      Sid: 'SharedServicesApisOnly',
      Effect: 'Allow',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: `arn:aws:execute-api:${region}:${sharedAccountId}:*`,
    },
  ]);
}

/** CIDRs that may reach central endpoints and resolvers: corporate ranges and LOB VPCs, nothing else. */
export function listClientCidrs(config: InfraConfig): string[] {
  return [...config.corporateCidrs, ...config.lobs.map((l) => l.vpcCidr)];
}

export interface SubnetPlan {
  private: string[];
  transitGateway: string[];
}

export interface TieredSubnets {
  privateSubnets: aws.ec2.Subnet[];
  transitGatewaySubnets: aws.ec2.Subnet[];
  privateRouteTable: aws.ec2.RouteTable;
  transitGatewayRouteTable: aws.ec2.RouteTable;
}

/** A VPC's Transit Gateway attachment, through its attachment subnets (createTieredSubnets), DNS support on. */
export function attachToTransitGateway(
  name: string,
  args: {
    transitGatewayId: pulumi.Input<string>;
    vpcId: pulumi.Input<string>;
    subnets: aws.ec2.Subnet[];
    tags: Record<string, string>;
  },
  opts: pulumi.CustomResourceOptions,
): aws.ec2transitgateway.VpcAttachment {
  const { transitGatewayId, vpcId, subnets, tags } = args;
  const subnetIds = subnets.map((s) => s.id);
  return new aws.ec2transitgateway.VpcAttachment(
    `${name}-tgw-attachment`,
    { transitGatewayId, vpcId, subnetIds, dnsSupport: 'enable', tags },
    opts,
  );
}

/**
 * One private subnet and one Transit Gateway attachment subnet per AZ (from planSubnets), each tier with its own
 * route table and no route to the internet. Used by the shared-services VPC and every LOB VPC.
 */
export function createTieredSubnets(
  args: {
    name: string;
    vpc: aws.ec2.Vpc;
    plan: SubnetPlan;
    azIds: string[];
    tags: (suffix: string) => Record<string, string>;
  },
  opts: pulumi.CustomResourceOptions,
): TieredSubnets {
  const { name, vpc, plan, azIds, tags } = args;
  const tier = (kind: 'private' | 'tgw', cidrs: string[]) => {
    const subnets = azIds.map(
      (azId, i) =>
        new aws.ec2.Subnet(
          `${name}-${kind}-${i}`,
          {
            vpcId: vpc.id,
            cidrBlock: cidrs[i],
            availabilityZoneId: azId,
            mapPublicIpOnLaunch: false,
            tags: tags(`${kind}-${azId}`),
          },
          opts,
        ),
    );
    const routeTable = new aws.ec2.RouteTable(`${name}-${kind}-rt`, { vpcId: vpc.id, tags: tags(kind) }, opts);
    subnets.forEach(
      (subnet, i) =>
        new aws.ec2.RouteTableAssociation(
          `${name}-${kind}-rta-${i}`,
          { subnetId: subnet.id, routeTableId: routeTable.id },
          opts,
        ),
    );
    return { subnets, routeTable };
  };
  const privateTier = tier('private', plan.private);
  const tgwTier = tier('tgw', plan.transitGateway);
  return {
    privateSubnets: privateTier.subnets,
    transitGatewaySubnets: tgwTier.subnets,
    privateRouteTable: privateTier.routeTable,
    transitGatewayRouteTable: tgwTier.routeTable,
  };
}

/** Private subnets take the first quarters of the VPC, Transit Gateway /28s sit in the last quarter. */
export function planSubnets(vpcCidr: string, azCount: number): SubnetPlan {
  const prefix = parseCidr(vpcCidr)!.prefix;
  const attachBlock = carveSubnet(vpcCidr, 2, 3);
  return {
    private: Array.from({ length: azCount }, (_, i) => carveSubnet(vpcCidr, 2, i)),
    transitGateway: Array.from({ length: azCount }, (_, i) => carveSubnet(attachBlock, 28 - (prefix + 2), i)),
  };
}

export function createSharedNetwork(args: SharedNetworkArgs, opts: pulumi.CustomResourceOptions) {
  const { name, config } = args;
  const region = config.region;
  const vpcCidr = config.sharedServices.vpcCidr;
  const tags = (suffix: string) => ({ ...args.tags, Name: `${name}-${suffix}` });
  const clientCidrs = listClientCidrs(config);

  const vpc = new aws.ec2.Vpc(
    `${name}-vpc`,
    { cidrBlock: vpcCidr, enableDnsSupport: true, enableDnsHostnames: true, tags: tags('shared') },
    opts,
  );
  // The default security group allows all traffic between its members: strip it so nothing uses it by accident.
  new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, tags: tags('default-locked') }, opts);

  const plan = planSubnets(vpcCidr, config.azIds.length);
  const { privateSubnets, transitGatewaySubnets, privateRouteTable } = createTieredSubnets(
    { name, vpc, plan, azIds: config.azIds, tags },
    opts,
  );

  // --- Transit Gateway, shared with the LOB accounts (or an OU) through RAM -------------------------------
  const transitGateway = new aws.ec2transitgateway.TransitGateway(
    `${name}-tgw`,
    {
      description: `${name} hub: corporate network, shared services and LOB VPCs`,
      // Attachments from LOB accounts are accepted by the deploy (VpcAttachmentAccepter), not blindly.
      autoAcceptSharedAttachments: 'disable',
      defaultRouteTableAssociation: 'enable',
      defaultRouteTablePropagation: 'enable',
      dnsSupport: 'enable',
      tags: tags('tgw'),
    },
    opts,
  );
  const transitGatewayAttachment = attachToTransitGateway(
    name,
    { transitGatewayId: transitGateway.id, vpcId: vpc.id, subnets: transitGatewaySubnets, tags: tags('shared') },
    opts,
  );
  for (const [i, destination] of clientCidrs.entries()) {
    new aws.ec2.Route(
      `${name}-private-route-${i}`,
      { routeTableId: privateRouteTable.id, destinationCidrBlock: destination, transitGatewayId: transitGateway.id },
      { ...opts, dependsOn: [transitGatewayAttachment] },
    );
  }

  const resourceShare = new aws.ram.ResourceShare(
    `${name}-network-share`,
    // Only inside the organization: an account outside it can never be handed the TGW or the rules.
    { name: `${name}-network`, allowExternalPrincipals: false, tags: tags('network-share') },
    opts,
  );
  new aws.ram.ResourceAssociation(
    `${name}-share-tgw`,
    { resourceShareArn: resourceShare.arn, resourceArn: transitGateway.arn },
    opts,
  );
  const principals = config.sharedServices.ramPrincipal
    ? [config.sharedServices.ramPrincipal]
    : config.lobs.map((l) => l.accountId);
  const ramPrincipals = principals.map(
    (principal, i) =>
      new aws.ram.PrincipalAssociation(
        `${name}-share-principal-${i}`,
        { resourceShareArn: resourceShare.arn, principal },
        opts,
      ),
  );

  // --- Central interface endpoints ---------------------------------------------------------------------
  const groups = { name, vpcId: vpc.id, tags, opts };
  const endpointSecurityGroup = securityGroup(
    groups,
    'endpoints',
    'Central VPC endpoints: HTTPS from corporate and LOB ranges only',
  );
  clientCidrs.forEach((cidr, i) =>
    allow(
      'in',
      `${name}-endpoints-in-${i}`,
      {
        group: endpointSecurityGroup.id,
        peer: { cidr },
        ports: ENDPOINT_PORT,
        description: 'HTTPS from a corporate or LOB range',
      },
      opts,
    ),
  );

  const interfaceEndpoints: Record<string, aws.ec2.VpcEndpoint> = {};
  const hostedZones: Record<string, aws.route53.Zone> = {};
  for (const spec of listInterfaceEndpoints(region)) {
    const endpoint = new aws.ec2.VpcEndpoint(
      `${name}-vpce-${spec.key}`,
      {
        vpcId: vpc.id,
        serviceName: spec.serviceName,
        vpcEndpointType: 'Interface',
        subnetIds: privateSubnets.map((s) => s.id),
        securityGroupIds: [endpointSecurityGroup.id],
        // Our own hosted zones (below) answer for the service names, so LOB VPCs and on-prem resolve them too.
        privateDnsEnabled: false,
        ...(spec.key === 'executeApi'
          ? { policy: buildExecuteApiEndpointPolicy(region, config.sharedServices.accountId) }
          : {}),
        tags: tags(`vpce-${spec.key}`),
      },
      opts,
    );
    interfaceEndpoints[spec.key] = endpoint;
    const zone = new aws.route53.Zone(
      `${name}-phz-${spec.key}`,
      {
        name: spec.zoneName,
        comment: `${spec.serviceName} -> central endpoint`,
        vpcs: [{ vpcId: vpc.id, vpcRegion: region }],
        forceDestroy: true,
        tags: tags(`phz-${spec.key}`),
      },
      // Extra VPCs (e.g. the on-prem simulator) join through ZoneAssociation; don't undo them here.
      { ...opts, ignoreChanges: ['vpcs'] },
    );
    hostedZones[spec.key] = zone;
    for (const record of spec.records) {
      new aws.route53.Record(
        `${name}-phz-${spec.key}-${record === '*' ? 'wildcard' : 'apex'}`,
        {
          zoneId: zone.zoneId,
          name: record === '' ? spec.zoneName : `${record}.${spec.zoneName}`,
          type: 'A',
          aliases: [
            {
              name: endpoint.dnsEntries.apply((entries) => entries[0].dnsName),
              zoneId: endpoint.dnsEntries.apply((entries) => entries[0].hostedZoneId),
              evaluateTargetHealth: false,
            },
          ],
        },
        opts,
      );
    }
  }

  const dynamodbEndpoint = new aws.ec2.VpcEndpoint(
    `${name}-vpce-dynamodb`,
    {
      vpcId: vpc.id,
      serviceName: `com.amazonaws.${region}.dynamodb`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [privateRouteTable.id],
      // Only tables of the shared-services account: the endpoint cannot be used to move data elsewhere.
      policy: buildPolicyDocument([
        {
          Sid: 'OwnTablesOnly',
          Effect: 'Allow',
          Principal: '*',
          Action: 'dynamodb:*',
          Resource: [`arn:aws:dynamodb:${region}:${config.sharedServices.accountId}:table/*`],
          Condition: { StringEquals: { 'aws:PrincipalAccount': config.sharedServices.accountId } },
        },
      ]),
      tags: tags('vpce-dynamodb'),
    },
    opts,
  );

  // --- Route 53 Resolver: inbound for on-prem and LOB forwarding, outbound for the forwarding rules -------
  const resolverInboundIps = plan.private.map((cidr) => hostAddress(cidr, 10));
  /** A Resolver endpoint with an address in each private subnet, its security group open for DNS (53, UDP and TCP) from or to `peerCidrs`. */
  const createResolverEndpoint = (
    side: 'in' | 'out',
    spec: { description: string; peerCidrs: string[]; ips: string[] },
  ) => {
    const group = securityGroup(groups, `resolver-${side}`, spec.description);
    spec.peerCidrs.forEach((cidr, i) =>
      (['udp', 'tcp'] as const).forEach((protocol) =>
        allow(
          side,
          `${name}-resolver-${side}-${protocol}-${i}`,
          { group: group.id, peer: { cidr }, ports: 53, protocol, description: `DNS/${protocol}` },
          opts,
        ),
      ),
    );
    const direction = side === 'in' ? 'INBOUND' : 'OUTBOUND';
    return new aws.route53.ResolverEndpoint(
      `${name}-resolver-${side}`,
      {
        name: `${name}-${direction.toLowerCase()}`,
        direction,
        securityGroupIds: [group.id],
        ipAddresses: privateSubnets.map((s, i) => ({ subnetId: s.id, ip: spec.ips[i] })),
        tags: tags(`resolver-${side}`),
      },
      opts,
    );
  };
  const resolverInbound = createResolverEndpoint('in', {
    description: 'Resolver inbound: DNS from corporate, LOB and shared ranges',
    peerCidrs: [...clientCidrs, vpcCidr],
    ips: resolverInboundIps,
  });
  const resolverOutbound = createResolverEndpoint('out', {
    description: 'Resolver outbound: DNS to the inbound endpoint and on-prem resolvers',
    peerCidrs: [vpcCidr, ...(config.onPremDns ? config.onPremDns.resolverIps.map((ip) => `${ip}/32`) : [])],
    ips: plan.private.map((cidr) => hostAddress(cidr, 11)),
  });

  // LOB VPCs forward the central service names to the inbound endpoint, which answers from the zones above.
  const forwardingRules = listInterfaceEndpoints(region).map(
    (spec) =>
      new aws.route53.ResolverRule(
        `${name}-fwd-${spec.key}`,
        {
          name: `${name}-fwd-${spec.key}`,
          domainName: spec.zoneName,
          ruleType: 'FORWARD',
          resolverEndpointId: resolverOutbound.id,
          targetIps: resolverInboundIps.map((ip) => ({ ip, port: 53 })),
          tags: tags(`fwd-${spec.key}`),
        },
        { ...opts, dependsOn: [resolverInbound] },
      ),
  );
  if (config.onPremDns) {
    const onPremRule = new aws.route53.ResolverRule(
      `${name}-fwd-onprem`,
      {
        name: `${name}-fwd-onprem`,
        domainName: config.onPremDns.domainName,
        ruleType: 'FORWARD',
        resolverEndpointId: resolverOutbound.id,
        targetIps: config.onPremDns.resolverIps.map((ip) => ({ ip, port: 53 })),
        tags: tags('fwd-onprem'),
      },
      opts,
    );
    new aws.route53.ResolverRuleAssociation(
      `${name}-fwd-onprem-shared`,
      { resolverRuleId: onPremRule.id, vpcId: vpc.id },
      opts,
    );
    forwardingRules.push(onPremRule);
  }
  forwardingRules.forEach(
    (rule, i) =>
      new aws.ram.ResourceAssociation(
        `${name}-share-rule-${i}`,
        { resourceShareArn: resourceShare.arn, resourceArn: rule.arn },
        opts,
      ),
  );

  return {
    vpc,
    vpcCidr,
    privateSubnets,
    transitGatewaySubnets,
    privateRouteTable,
    transitGateway,
    transitGatewayAttachment,
    resourceShare,
    ramPrincipals,
    endpointSecurityGroup,
    interfaceEndpoints,
    dynamodbEndpoint,
    hostedZones,
    resolverInbound,
    resolverInboundIps,
    resolverOutbound,
    /** forwarding rules LOB VPCs associate (shared through RAM) */
    forwardingRules,
  };
}
