// The portal API's border beyond its resource policy (infra/portal-api.ts): stage throttling and an AWS WAF
// web ACL on the stage (AWS managed common, known-bad-inputs and IP-reputation rule groups, and a per-IP
// rate rule). Every number is a stage setting (config portal.border, infra/stages.ts).
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import type { InfraConfig } from './config';
import type { PortalArgs } from './portal-args';

/** The AWS managed rule groups the web ACL runs, in priority order. */
export const WAF_MANAGED_RULE_GROUPS = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesAmazonIpReputationList',
] as const;

const visibility = (metricName: string) => ({
  cloudwatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/** The web ACL's rules: the managed groups (their own actions) and the per-IP rate rule (block). */
export function buildWafRules(border: InfraConfig['portal']['border']): aws.types.input.wafv2.WebAclRule[] {
  const managed = WAF_MANAGED_RULE_GROUPS.map((group, i) => ({
    name: group,
    priority: i + 1,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: group } },
    visibilityConfig: visibility(group),
  }));
  const perIp = {
    name: 'PerIpRateLimit',
    priority: managed.length + 1,
    action: { block: {} },
    statement: {
      rateBasedStatement: { limit: border.wafRequestsPerIpPer5Min, aggregateKeyType: 'IP', evaluationWindowSec: 300 },
    },
    visibilityConfig: visibility('PerIpRateLimit'),
  };
  return [...managed, perIp];
}

export interface StageGuard {
  settings: aws.apigateway.MethodSettings;
  webAcl: aws.wafv2.WebAcl;
  association: aws.wafv2.WebAclAssociation;
}

/** Throttling on every method of the stage, and the web ACL associated with it. */
export function guardStage(
  args: PortalArgs,
  api: aws.apigateway.RestApi,
  stage: aws.apigateway.Stage,
  opts: pulumi.CustomResourceOptions,
): StageGuard {
  const { name } = args;
  const border = args.config.portal.border;
  const settings = new aws.apigateway.MethodSettings(
    `${name}-api-throttling`,
    {
      restApi: api.id,
      stageName: stage.stageName,
      methodPath: '*/*',
      settings: {
        throttlingRateLimit: border.throttleRatePerSecond,
        throttlingBurstLimit: border.throttleBurst,
        metricsEnabled: true,
      },
    },
    opts,
  );
  const webAcl = new aws.wafv2.WebAcl(
    `${name}-api-waf`,
    {
      name: `${name}-api`,
      description: 'Studio Portal API: AWS managed rules and a per-IP rate limit',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rules: buildWafRules(border),
      visibilityConfig: visibility(`${name}-api`),
      tags: args.tags,
    },
    opts,
  );
  const association = new aws.wafv2.WebAclAssociation(
    `${name}-api-waf-stage`,
    { resourceArn: stage.arn, webAclArn: webAcl.arn },
    opts,
  );
  return { settings, webAcl, association };
}
