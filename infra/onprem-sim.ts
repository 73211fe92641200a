// Optional stand-in for the corporate network (the AWS reference solution's on-premise simulator), for
// trying the portal without VPN / Direct Connect. Not part of the stack by default; never in production.
// A VPC inside a corporate CIDR, peered with the shared VPC, resolving the Studio and execute-api names
// through the central private hosted zones, with one private test instance reached via Session Manager
// (port forwarding for RDP/VNC): no bastion, no public IP, no inbound rule.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { carveSubnet, cidrContains } from './cidr';
import type { InfraConfig } from './config';
import { buildPolicyDocument } from './policy-document';
import { allow, securityGroup } from './security-groups';

export interface OnPremSimulatorArgs {
  name: string;
  config: InfraConfig;
  /** the simulator's VPC range; must lie inside one of config.corporateCidrs (so endpoint rules admit it) */
  cidr: string;
  azId: string;
  shared: {
    vpcId: pulumi.Input<string>;
    vpcCidr: string;
    privateRouteTableId: pulumi.Input<string>;
    /** central zones the "corporate DNS" must answer from (Studio, execute-api, the portal's custom domain) */
    zoneIds: pulumi.Input<string>[];
  };
  /** test desktop (e.g. a Windows AMI with a browser) */
  instance: { amiId: pulumi.Input<string>; instanceType?: string };
  tags?: Record<string, string>;
}

export interface OnPremSimulator {
  vpc: aws.ec2.Vpc;
  peering: aws.ec2.VpcPeeringConnection;
  instance: aws.ec2.Instance;
}

export function createOnPremSimulator(args: OnPremSimulatorArgs, opts: pulumi.CustomResourceOptions): OnPremSimulator {
  const { name, config } = args;
  if (!config.corporateCidrs.some((c) => cidrContains(c, args.cidr))) {
    throw new Error(
      `on-prem simulator CIDR ${args.cidr} must lie inside a corporate CIDR (${config.corporateCidrs.join(', ')})`,
    );
  }
  const tags = (suffix: string) => ({ ...args.tags, purpose: 'onprem-simulator', Name: `${name}-${suffix}` });
  const vpc = new aws.ec2.Vpc(
    `${name}-vpc`,
    { cidrBlock: args.cidr, enableDnsSupport: true, enableDnsHostnames: true, tags: tags('vpc') },
    opts,
  );
  const subnet = new aws.ec2.Subnet(
    `${name}-subnet`,
    {
      vpcId: vpc.id,
      cidrBlock: carveSubnet(args.cidr, 1, 0),
      availabilityZoneId: args.azId,
      mapPublicIpOnLaunch: false,
      tags: tags('private'),
    },
    opts,
  );
  const routeTable = new aws.ec2.RouteTable(`${name}-rt`, { vpcId: vpc.id, tags: tags('private') }, opts);
  new aws.ec2.RouteTableAssociation(`${name}-rta`, { subnetId: subnet.id, routeTableId: routeTable.id }, opts);

  // Same account and region: the peering is accepted on creation. The shared VPC's route to this (more
  // specific) range wins over its corporate route through the Transit Gateway.
  const peering = new aws.ec2.VpcPeeringConnection(
    `${name}-peering`,
    { vpcId: vpc.id, peerVpcId: args.shared.vpcId, autoAccept: true, tags: tags('peering') },
    opts,
  );
  new aws.ec2.Route(
    `${name}-to-shared`,
    { routeTableId: routeTable.id, destinationCidrBlock: args.shared.vpcCidr, vpcPeeringConnectionId: peering.id },
    opts,
  );
  new aws.ec2.Route(
    `${name}-from-shared`,
    {
      routeTableId: args.shared.privateRouteTableId,
      destinationCidrBlock: args.cidr,
      vpcPeeringConnectionId: peering.id,
    },
    opts,
  );
  // What corporate DNS forwarding does for real: Studio and portal names answer with the central endpoints.
  args.shared.zoneIds.forEach(
    (zoneId, i) => new aws.route53.ZoneAssociation(`${name}-zone-${i}`, { zoneId, vpcId: vpc.id }, opts),
  );

  const sg = securityGroup(
    { name, vpcId: vpc.id, tags, opts },
    'desktop',
    'On-prem test desktop: no inbound; HTTPS out',
  );
  const desktop = { group: sg.id, ports: 443 };
  allow(
    'out',
    `${name}-desktop-https`,
    { ...desktop, peer: { cidr: '0.0.0.0/0' }, description: 'HTTPS (peered shared VPC and local SSM endpoints)' },
    opts,
  );
  // Session Manager needs these three endpoints inside the VPC (no internet here).
  for (const service of ['ssm', 'ssmmessages', 'ec2messages']) {
    new aws.ec2.VpcEndpoint(
      `${name}-vpce-${service}`,
      {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${config.region}.${service}`,
        vpcEndpointType: 'Interface',
        subnetIds: [subnet.id],
        securityGroupIds: [sg.id],
        privateDnsEnabled: true,
        tags: tags(service),
      },
      opts,
    );
  }
  allow(
    'in',
    `${name}-endpoints-from-desktop`,
    { ...desktop, peer: { group: sg.id }, description: 'desktop -> SSM endpoints' },
    opts,
  );

  const role = new aws.iam.Role(
    `${name}-desktop-role`,
    {
      assumeRolePolicy: buildPolicyDocument([
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]),
      tags: tags('desktop'),
    },
    opts,
  );
  new aws.iam.RolePolicyAttachment(
    `${name}-desktop-ssm`,
    { role: role.name, policyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' },
    opts,
  );
  const profile = new aws.iam.InstanceProfile(`${name}-desktop-profile`, { role: role.name }, opts);
  const instance = new aws.ec2.Instance(
    `${name}-desktop`,
    {
      ami: args.instance.amiId,
      instanceType: args.instance.instanceType ?? 't3.medium',
      subnetId: subnet.id,
      vpcSecurityGroupIds: [sg.id],
      associatePublicIpAddress: false,
      iamInstanceProfile: profile.name,
      metadataOptions: { httpTokens: 'required' },
      tags: tags('desktop'),
    },
    opts,
  );
  return { vpc, peering, instance };
}
