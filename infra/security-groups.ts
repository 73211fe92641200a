// Security groups and their rules, as every part of the stack declares them: one group per role (VPC,
// description, Name tag) and one resource per rule (aws.vpc.SecurityGroupIngressRule / EgressRule).
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';

/** What a rule lets traffic come from or go to: an address range, another group, or a managed prefix list. */
export type RulePeer =
  { cidr: pulumi.Input<string> } | { group: pulumi.Input<string> } | { prefixList: pulumi.Input<string> };

export interface RuleSpec {
  /** the group the rule belongs to */
  group: pulumi.Input<string>;
  peer: RulePeer;
  /** one port, or [from, to] */
  ports: number | [number, number];
  /** default tcp */
  protocol?: 'tcp' | 'udp';
  description: string;
}

function ruleArgs(spec: RuleSpec) {
  const [fromPort, toPort] = typeof spec.ports === 'number' ? [spec.ports, spec.ports] : spec.ports;
  const peer =
    'cidr' in spec.peer
      ? { cidrIpv4: spec.peer.cidr }
      : 'group' in spec.peer
        ? { referencedSecurityGroupId: spec.peer.group }
        : { prefixListId: spec.peer.prefixList };
  return {
    securityGroupId: spec.group,
    ipProtocol: spec.protocol ?? 'tcp',
    fromPort,
    toPort,
    ...peer,
    description: spec.description,
  };
}

/** A rule of `spec.group`: ingress (`in`) or egress (`out`). */
export function allow(
  direction: 'in' | 'out',
  name: string,
  spec: RuleSpec,
  opts: pulumi.CustomResourceOptions,
): aws.vpc.SecurityGroupIngressRule | aws.vpc.SecurityGroupEgressRule {
  const Rule = direction === 'in' ? aws.vpc.SecurityGroupIngressRule : aws.vpc.SecurityGroupEgressRule;
  return new Rule(name, ruleArgs(spec), opts);
}

/** Where a part of the stack makes its groups: its name prefix, VPC, Name tags and resource options. */
export interface GroupScope {
  name: string;
  vpcId: pulumi.Input<string>;
  tags: (suffix: string) => Record<string, string>;
  opts: pulumi.CustomResourceOptions;
}

/** The group `<name>-<role>-sg`, tagged `<role>`, with no rules of its own (they are separate resources: allow). */
export function securityGroup(scope: GroupScope, role: string, description: string): aws.ec2.SecurityGroup {
  return new aws.ec2.SecurityGroup(
    `${scope.name}-${role}-sg`,
    { vpcId: scope.vpcId, description, tags: scope.tags(role) },
    scope.opts,
  );
}
