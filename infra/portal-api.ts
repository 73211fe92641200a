// The portal's PRIVATE REST API (reachable only through the shared execute-api endpoint): ANY / and
// ANY /{proxy+} to the function, the stage with access logs, and the optional private custom domain.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { PortalArgs } from './portal-args';
import { buildPolicyDocument } from './policy-document';
import { guardStage } from './api-border';

export const API_STAGE_NAME = 'portal';

/** Where the scheduled jobs are posted inside the function (the Lambda Web Adapter's pass-through path). */
export const INTERNAL_PATHS = ['execute-api:/*/*/api/internal', 'execute-api:/*/*/api/internal/*'];

/**
 * Resource policy of the API: Invoke only through our execute-api endpoint, with an explicit Deny for any
 * other caller (so no Allow added later can open it), and an explicit Deny of `/api/internal/*` for
 * everyone: the scheduled jobs reach the function directly (EventBridge Scheduler -> Lambda ->
 * the adapter's pass-through path), never through the API. `forDomain`: the private custom domain's
 * policy, which takes no paths (the API's own policy still applies behind it).
 */
export function buildApiPolicy(executeApiEndpointId: string, options: { forDomain?: boolean } = {}): string {
  return buildPolicyDocument([
    {
      Sid: 'InvokeThroughOurEndpointOnly',
      Effect: 'Allow',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: 'execute-api:/*',
      Condition: { StringEquals: { 'aws:SourceVpce': executeApiEndpointId } },
    },
    {
      Sid: 'DenyEveryOtherWay',
      Effect: 'Deny',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: 'execute-api:/*',
      Condition: { StringNotEquals: { 'aws:SourceVpce': executeApiEndpointId } },
    },
    ...(options.forDomain
      ? []
      : [
          {
            Sid: 'NoInternalRoutes',
            Effect: 'Deny',
            Principal: '*',
            Action: 'execute-api:Invoke',
            Resource: INTERNAL_PATHS,
          },
        ]),
  ]);
}

export interface PrivateApi {
  api: aws.apigateway.RestApi;
  /** the resource policy (also the custom domain's) */
  apiPolicy: pulumi.Output<string>;
  /** the portal's URL as users type it */
  url: pulumi.Output<string>;
}

/** The API itself, first: the function's NEXTAUTH_URL and the OAuth callback need its id. */
export function createPrivateApi(args: PortalArgs, opts: pulumi.CustomResourceOptions): PrivateApi {
  const { name, config, network } = args;
  const { region, portal } = config;
  const tags = (suffix: string) => ({ ...args.tags, Name: `${name}-${suffix}` });
  const apiPolicy = pulumi.output(network.executeApiEndpointId).apply(buildApiPolicy);
  const api = new aws.apigateway.RestApi(
    `${name}-api`,
    {
      name: `${name}-portal`,
      description: 'Studio Portal (private: reachable only through the shared execute-api endpoint)',
      endpointConfiguration: { types: 'PRIVATE', vpcEndpointIds: [network.executeApiEndpointId] },
      policy: apiPolicy,
      // Static assets (fonts, images) pass through as binary.
      binaryMediaTypes: ['*/*'],
      tags: tags('api'),
    },
    opts,
  );
  const url = portal.customDomain
    ? pulumi.output(`https://${portal.customDomain.domainName}`)
    : pulumi.interpolate`https://${api.id}.execute-api.${region}.amazonaws.com/${API_STAGE_NAME}`;
  return { api, apiPolicy, url };
}

export interface ApiRoutes {
  stage: aws.apigateway.Stage;
  customDomain?: aws.apigateway.DomainName;
  customDomainZone?: aws.route53.Zone;
}

/** Routes every path to the function, deploys the stage, and maps the custom domain when configured. */
export function routeApiToFunction(
  args: PortalArgs,
  { api, apiPolicy }: PrivateApi,
  fn: aws.lambda.Function,
  opts: pulumi.CustomResourceOptions,
): ApiRoutes {
  const { name, config, network } = args;
  const { region, portal } = config;

  const proxy = new aws.apigateway.Resource(
    `${name}-api-proxy`,
    { restApi: api.id, parentId: api.rootResourceId, pathPart: '{proxy+}' },
    opts,
  );
  const routes = [
    { key: 'root', resourceId: api.rootResourceId },
    { key: 'proxy', resourceId: proxy.id },
  ].map(({ key, resourceId }) => {
    // Identity is checked by the portal itself on every route (next-auth session or Cognito bearer token).
    const method = new aws.apigateway.Method(
      `${name}-api-${key}-any`,
      { restApi: api.id, resourceId, httpMethod: 'ANY', authorization: 'NONE' },
      opts,
    );
    return new aws.apigateway.Integration(
      `${name}-api-${key}-lambda`,
      {
        restApi: api.id,
        resourceId,
        httpMethod: method.httpMethod,
        type: 'AWS_PROXY',
        integrationHttpMethod: 'POST',
        uri: fn.invokeArn,
      },
      opts,
    );
  });
  new aws.lambda.Permission(
    `${name}-api-invoke`,
    {
      action: 'lambda:InvokeFunction',
      function: fn.name,
      principal: 'apigateway.amazonaws.com',
      sourceArn: pulumi.interpolate`${api.executionArn}/*/*`,
    },
    opts,
  );
  const deployment = new aws.apigateway.Deployment(
    `${name}-api-deployment`,
    { restApi: api.id, triggers: { policy: apiPolicy, routes: 'root+proxy:ANY:AWS_PROXY' } },
    { ...opts, dependsOn: routes },
  );
  const stageDependencies: pulumi.Resource[] = [];
  if (portal.manageApiGatewayAccount) {
    // Region-wide setting of the shared-services account: the role API Gateway writes access logs with.
    const apiLogsRole = new aws.iam.Role(
      `${name}-apigw-logs-role`,
      {
        assumeRolePolicy: buildPolicyDocument([
          { Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ]),
        managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
        tags: args.tags,
      },
      opts,
    );
    stageDependencies.push(
      new aws.apigateway.Account(`${name}-apigw-account`, { cloudwatchRoleArn: apiLogsRole.arn }, opts),
    );
  }
  const accessLogs = new aws.cloudwatch.LogGroup(
    `${name}-api-logs`,
    { name: `/aws/apigateway/${name}-portal`, retentionInDays: portal.logRetentionDays, tags: args.tags },
    opts,
  );
  const stage = new aws.apigateway.Stage(
    `${name}-api-stage`,
    {
      restApi: api.id,
      deployment: deployment.id,
      stageName: API_STAGE_NAME,
      accessLogSettings: {
        destinationArn: accessLogs.arn,
        // No query strings or headers: presigned URLs and tokens never reach the access log.
        format: JSON.stringify({
          requestId: '$context.requestId',
          ip: '$context.identity.sourceIp',
          vpce: '$context.identity.vpceId',
          method: '$context.httpMethod',
          path: '$context.resourcePath',
          status: '$context.status',
          latencyMs: '$context.responseLatency',
        }),
      },
      tags: args.tags,
    },
    { ...opts, dependsOn: stageDependencies },
  );
  guardStage(args, api, stage, opts);

  let customDomain: aws.apigateway.DomainName | undefined;
  let customDomainZone: aws.route53.Zone | undefined;
  if (portal.customDomain) {
    const { domainName, certificateArn } = portal.customDomain;
    customDomain = new aws.apigateway.DomainName(
      `${name}-domain`,
      {
        domainName,
        certificateArn,
        endpointConfiguration: { types: 'PRIVATE' },
        securityPolicy: 'TLS_1_2',
        policy: pulumi.output(network.executeApiEndpointId).apply((id) => buildApiPolicy(id, { forDomain: true })),
        tags: args.tags,
      },
      opts,
    );
    new aws.apigateway.DomainNameAccessAssociation(
      `${name}-domain-access`,
      {
        domainNameArn: customDomain.arn,
        accessAssociationSource: network.executeApiEndpointId,
        accessAssociationSourceType: 'VPCE',
      },
      opts,
    );
    new aws.apigateway.BasePathMapping(
      `${name}-domain-mapping`,
      {
        restApi: api.id,
        stageName: stage.stageName,
        domainName: customDomain.domainName,
        domainNameId: customDomain.domainNameId,
      },
      opts,
    );
    const zone = new aws.route53.Zone(
      `${name}-domain-zone`,
      { name: domainName, vpcs: [{ vpcId: network.vpcId, vpcRegion: region }], forceDestroy: true, tags: args.tags },
      { ...opts, ignoreChanges: ['vpcs'] },
    );
    customDomainZone = zone;
    const target = pulumi.output(network.executeApiEndpointDns);
    new aws.route53.Record(
      `${name}-domain-record`,
      {
        zoneId: zone.zoneId,
        name: domainName,
        type: 'A',
        aliases: [{ name: target.dnsName, zoneId: target.hostedZoneId, evaluateTargetHealth: false }],
      },
      opts,
    );
  }

  return { stage, customDomain, customDomainZone };
}
