// Security groups and their rules, as every part of the stack declares them: one group per role (VPC,
// description, Name tag) and one resource per rule (aws.vpc.SecurityGroupIngressRule / EgressRule).
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';

/** What a rule lets traffic come from or go to: an address range, another group, or a managed prefix list. */
export type RulePeer = { cidr: pulumi.Input<string> } | { group: pulumi.Input<string> } | { prefixList: pulumi.Input<string> };

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
  return { securityGroupId: spec.group, ipProtocol: spec.protocol ?? 'tcp', fromPort, toPort, ...peer, description: spec.description };
}

/** An ingress rule of `spec.group`. */
export function allowIn(name: string, spec: RuleSpec, opts: pulumi.CustomResourceOptions): aws.vpc.SecurityGroupIngressRule {
  return new aws.vpc.SecurityGroupIngressRule(name, ruleArgs(spec), opts);
}

/** An egress rule of `spec.group`. */
export function allowOut(name: string, spec: RuleSpec, opts: pulumi.CustomResourceOptions): aws.vpc.SecurityGroupEgressRule {
  return new aws.vpc.SecurityGroupEgressRule(name, ruleArgs(spec), opts);
}

/** A security group with no rules of its own (they are separate resources: allowIn / allowOut). */
export function securityGroup(
  name: string,
  args: { vpcId: pulumi.Input<string>; description: string; tags: Record<string, string> },
  opts: pulumi.CustomResourceOptions,
): aws.ec2.SecurityGroup {
  return new aws.ec2.SecurityGroup(name, args, opts);
}
