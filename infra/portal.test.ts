import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatorRoleArn, type InfraConfig } from './config';
import { checkActionsAndResources, checkIngress, checkNoPublicAccess, parsePolicy } from './policy-check';
import type { Portal } from './portal-args';
import { allResources, promiseOf, resourcesOfType, T } from './testing/pulumi-mocks';
import { buildTestConfig, createTestPortal, ENDPOINTS_SG, EXECUTE_API_VPCE } from './testing/fixtures';
import { privateApiViolations, trustViolations } from './testing/resource-checks';

let config: InfraConfig;
let portal: Portal;

function dummyBundle(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'portal-bundle-'));
  writeFileSync(path.join(dir, 'run.sh'), '#!/bin/sh\nexec node server.js\n');
  writeFileSync(path.join(dir, 'server.js'), '');
  return dir;
}

beforeAll(async () => {
  config = buildTestConfig();
  portal = await createTestPortal({ config, bundlePath: dummyBundle() });
});

describe('portal (shared-services account)', () => {
  it('has Users, LOBs, Audit and Usage tables with the contract keys and indexes', () => {
    const tables = Object.fromEntries(resourcesOfType(T.table).map((t) => [t.inputs.name, t.inputs]));
    expect(Object.keys(tables).sort()).toEqual([
      'studio-portal-audit',
      'studio-portal-lobs',
      'studio-portal-requests',
      'studio-portal-reviews',
      'studio-portal-usage',
      'studio-portal-users',
    ]);
    expect(tables['studio-portal-requests'].globalSecondaryIndexes.map((i: { name: string }) => i.name).sort()).toEqual(
      ['byRequester', 'lapsesDue', 'pendingByLob'],
    );
    expect(tables['studio-portal-users'].hashKey).toBe('username');
    expect(tables['studio-portal-users'].globalSecondaryIndexes.map((i: { name: string }) => i.name)).toEqual([
      'byUsername',
    ]);
    expect(tables['studio-portal-lobs'].hashKey).toBe('lob');
    expect([tables['studio-portal-audit'].hashKey, tables['studio-portal-audit'].rangeKey]).toEqual(['pk', 'sk']);
    expect(tables['studio-portal-audit'].globalSecondaryIndexes.map((i: { name: string }) => i.name).sort()).toEqual([
      'byLob',
      'byUser',
    ]);
  });

  it('tables are on-demand, encrypted with a KMS key, with point-in-time recovery and (production) deletion protection', () => {
    for (const table of resourcesOfType(T.table)) {
      expect(table.inputs.billingMode).toBe('PAY_PER_REQUEST');
      expect(table.inputs.pointInTimeRecovery).toEqual({ enabled: true });
      expect(table.inputs.serverSideEncryption.enabled).toBe(true);
      expect(table.inputs.serverSideEncryption.kmsKeyArn).toMatch(/^arn:aws:kms:/);
      expect(table.inputs.deletionProtectionEnabled).toBe(true);
    }
  });

  it('audit table expires items through TTL on `ttl`', () => {
    const audit = resourcesOfType(T.table).find((t) => t.inputs.name === 'studio-portal-audit')!;
    expect(audit.inputs.ttl).toEqual({ attributeName: 'ttl', enabled: true });
  });

  it('has a Cognito user pool without self sign-up, a web client, a CLI client and the portal-admins group; no hosted UI domain in password mode', () => {
    const [pool] = resourcesOfType(T.userPool);
    expect(pool.inputs.adminCreateUserConfig.allowAdminCreateUserOnly).toBe(true);
    expect(pool.inputs.deletionProtection).toBe('ACTIVE');
    expect(
      resourcesOfType(T.userPoolClient)
        .map((c) => c.inputs.name)
        .sort(),
    ).toEqual(['portal-cli', 'portal-web']);
    expect(resourcesOfType(T.userPoolGroup).map((g) => g.inputs.name)).toEqual(['portal-admins']);
    expect(resourcesOfType(T.userPoolDomain)).toEqual([]);
  });

  it('runs the Next.js standalone server as a Lambda function in the shared VPC private subnets with the Web Adapter', () => {
    const [fn] = resourcesOfType(T.lambda);
    expect(fn.inputs.vpcConfig.subnetIds).toEqual(['subnet-a', 'subnet-b']);
    expect(fn.inputs.handler).toBe('run.sh');
    expect(fn.inputs.layers[0]).toMatch(
      /^arn:aws:lambda:us-east-1:753240598075:layer:LambdaAdapterLayer(Arm64|X86):\d+$/,
    );
    const env = fn.inputs.environment.variables;
    expect(env).toMatchObject({
      AWS_LAMBDA_EXEC_WRAPPER: '/opt/bootstrap',
      AWS_LWA_READINESS_CHECK_PATH: '/api/health',
      AUTH_MODE: 'password',
      ADMIN_GROUP: 'portal-admins',
    });
    expect(env.AWS_LWA_PORT).toBe(env.PORT);
  });

  it('runs on the Node major that the tests run on and package.json pins (npm `node`): nodejs22.x', async () => {
    const { pinnedNodeMajor } = await import('../scripts/project-node.mjs');
    const [fn] = resourcesOfType(T.lambda);
    const lambdaMajor = Number(/^nodejs(\d+)\.x$/.exec(fn.inputs.runtime)?.[1]);
    expect(lambdaMajor).toBe(pinnedNodeMajor(path.resolve(__dirname, '..')));
    expect(lambdaMajor).toBe(Number(process.versions.node.split('.')[0]));
  });

  it('sets every portal environment variable of docs/contracts.md from the deployed resources', () => {
    const env = resourcesOfType(T.lambda)[0].inputs.environment.variables;
    for (const key of [
      'NEXTAUTH_URL',
      'NEXTAUTH_SECRET',
      'COGNITO_ISSUER',
      'COGNITO_USER_POOL_ID',
      'COGNITO_CLIENT_ID',
      'COGNITO_CLIENT_SECRET',
      'COGNITO_ALLOWED_CLIENT_IDS',
      'TABLE_USERS',
      'TABLE_LOBS',
      'TABLE_AUDIT',
      'PRESIGNED_URL_EXPIRES_SECONDS',
    ]) {
      expect(env[key], key).toBeTruthy();
    }
    expect(env.TABLE_USERS).toBe('studio-portal-users');
    expect(env.COGNITO_ISSUER).toBe(`https://cognito-idp.us-east-1.amazonaws.com/${env.COGNITO_USER_POOL_ID}`);
    expect(env.COGNITO_ALLOWED_CLIENT_IDS.split(',')).toHaveLength(2);
    // AWS_REGION is reserved in Lambda (the runtime sets it).
    expect(env.AWS_REGION).toBeUndefined();
  });

  it('secrets come from SST secrets, not code: NEXTAUTH_SECRET is the secret passed in, the environment stays a Pulumi secret and is KMS-encrypted', async () => {
    const vars = portal.fn.environment.apply((e) => e!.variables!);
    expect(await pulumi.isSecret(vars)).toBe(true);
    const [fn] = resourcesOfType(T.lambda);
    expect(fn.inputs.environment.variables.NEXTAUTH_SECRET).toBe('x'.repeat(48));
    expect(fn.inputs.environment.variables.COGNITO_CLIENT_SECRET).toBe('mock-client-secret');
    expect(fn.inputs.kmsKeyArn).toMatch(/^arn:aws:kms:/);
  });

  it('portal API is PRIVATE and its policy allows Invoke only from our execute-api endpoint', () => {
    const [api] = resourcesOfType(T.restApi);
    expect(privateApiViolations(api, EXECUTE_API_VPCE)).toEqual([]);
    expect(api.inputs.endpointConfiguration.vpcEndpointIds).toEqual([EXECUTE_API_VPCE]);
  });

  it('API routes every path (/ and /{proxy+}) to the function, so static assets are served privately too', () => {
    const integrations = resourcesOfType(T.integration);
    expect(integrations).toHaveLength(2);
    for (const i of integrations) expect(i.inputs).toMatchObject({ type: 'AWS_PROXY', integrationHttpMethod: 'POST' });
    expect(resourcesOfType(T.restApi)[0].inputs.binaryMediaTypes).toEqual(['*/*']);
  });

  it('nothing public in the portal: no CloudFront, no function URL, no HTTP API, no public Lambda permission, no open ingress', () => {
    const types = allResources().map((r) => r.type);
    expect(
      types.filter(
        (t) =>
          t.startsWith('aws:cloudfront') ||
          t === T.functionUrl ||
          t.startsWith('aws:apigatewayv2') ||
          t.startsWith('aws:lb/'),
      ),
    ).toEqual([]);
    for (const permission of resourcesOfType(T.lambdaPermission)) {
      expect(permission.inputs.principal).toBe('apigateway.amazonaws.com');
      expect(permission.inputs.sourceArn).toMatch(/^arn:aws:execute-api:/);
    }
    const ingress = resourcesOfType(T.ingressRule).map((r) => ({
      protocol: r.inputs.ipProtocol,
      fromPort: r.inputs.fromPort,
      toPort: r.inputs.toPort,
      cidrBlocks: r.inputs.cidrIpv4 ? [r.inputs.cidrIpv4] : [],
      sourceSecurityGroupId: r.inputs.referencedSecurityGroupId,
    }));
    expect(checkIngress(ingress, config.corporateCidrs, [443])).toEqual([]);
    for (const doc of [...resourcesOfType(T.restApi).map((a) => a.inputs.policy)])
      expect(checkNoPublicAccess(doc, EXECUTE_API_VPCE)).toEqual([]);
  });

  it("the function's role may only assume the configured LOBs' generator roles and use the three tables", async () => {
    const role = resourcesOfType(T.role).find((r) => r.inputs.name === 'sp-test-server')!;
    expect(trustViolations(role, ['lambda.amazonaws.com'])).toEqual([]);
    expect(role.inputs.managedPolicyArns ?? []).toEqual([]);
    expect(resourcesOfType(T.rolePolicyAttachment)).toEqual([]);
    const policies = resourcesOfType(T.rolePolicy).filter((p) => p.inputs.role === 'sp-test-server');
    expect(policies).toHaveLength(1);
    const [policy] = policies;
    const tableArns = await Promise.all(Object.values(portal.tables).map((t) => promiseOf(t.arn)));
    const poolArn = await promiseOf(portal.userPool.arn);
    const topicArn = await promiseOf(portal.notifications.arn);
    const generatorArns = config.lobs.map(generatorRoleArn);
    const isTable = (r: string) => tableArns.some((arn) => r === arn || r === `${arn}/index/*`);
    const allowed: Record<string, (r: string) => boolean> = {
      'sts:AssumeRole': (r) => generatorArns.includes(r),
      'sts:SetSourceIdentity': (r) => generatorArns.includes(r),
      'sts:TagSession': (r) => generatorArns.includes(r),
      ...Object.fromEntries(
        [
          'GetItem',
          'BatchGetItem',
          'Query',
          'Scan',
          'PutItem',
          'UpdateItem',
          'DeleteItem',
          'BatchWriteItem',
          'ConditionCheckItem',
        ].map((a) => [`dynamodb:${a}`, isTable]),
      ),
      'cognito-idp:AdminGetUser': (r) => r === poolArn,
      'cognito-idp:AdminListGroupsForUser': (r) => r === poolArn,
      'cognito-idp:ListUsers': (r) => r === poolArn,
      'cognito-idp:CreateUserPoolClient': (r) => r === poolArn,
      'cognito-idp:DeleteUserPoolClient': (r) => r === poolArn,
      'logs:CreateLogStream': (r) =>
        r.startsWith('arn:aws:logs:us-east-1:') && r.includes('log-group:/aws/lambda/sp-test-server'),
      'logs:PutLogEvents': (r) =>
        r.startsWith('arn:aws:logs:us-east-1:') && r.includes('log-group:/aws/lambda/sp-test-server'),
      'kms:Decrypt': (r) => r.startsWith('arn:aws:kms:'),
      'kms:GenerateDataKey*': (r) => r.startsWith('arn:aws:kms:'),
      'sns:Publish': (r) => r === topicArn,
      ...Object.fromEntries(
        [
          'CreateNetworkInterface',
          'DescribeNetworkInterfaces',
          'DescribeSubnets',
          'DeleteNetworkInterface',
          'AssignPrivateIpAddresses',
          'UnassignPrivateIpAddresses',
        ].map((a) => [`ec2:${a}`, (r: string) => r === '*']),
      ),
    };
    expect(checkActionsAndResources(policy.inputs.policy, allowed)).toEqual([]);
    const assume = parsePolicy(policy.inputs.policy).Statement.find((s) => s.Sid === 'AssumeLobGeneratorRoles')!;
    // Per-user sessions: the portal may set the source identity and session tags on exactly these roles.
    expect(assume.Action).toEqual(['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession']);
    expect(assume.Resource).toEqual([
      'arn:aws:iam::111111111111:role/PresignedUrlGenerator',
      'arn:aws:iam::222222222222:role/PresignedUrlGenerator',
    ]);
  });

  it('API access logs carry no query strings or headers, and API Gateway gets its CloudWatch role', () => {
    const [stage] = resourcesOfType(T.stage);
    const format = stage.inputs.accessLogSettings.format as string;
    expect(format).not.toMatch(/querystring|header|\$context\.path\b|authorizer/i);
    const [account] = resourcesOfType('aws:apigateway/account:Account');
    const logsRole = resourcesOfType(T.role).find((r) => r.inputs.managedPolicyArns?.length)!;
    expect(logsRole.inputs.managedPolicyArns).toEqual([
      'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
    ]);
    expect(trustViolations(logsRole, ['apigateway.amazonaws.com'])).toEqual([]);
    expect(account.inputs.cloudwatchRoleArn).toBe(logsRole.state.arn);
  });

  it('portal function has no ingress and reaches only the central endpoints and DynamoDB', async () => {
    const sgId = await promiseOf(portal.securityGroup.id);
    expect(resourcesOfType(T.ingressRule).filter((r) => r.inputs.securityGroupId === sgId)).toEqual([]);
    const egress = resourcesOfType(T.egressRule).filter((r) => r.inputs.securityGroupId === sgId);
    expect(
      egress.map((r) => r.inputs.referencedSecurityGroupId ?? r.inputs.prefixListId ?? r.inputs.cidrIpv4).sort(),
    ).toEqual(['pl-02cd2c6b', ENDPOINTS_SG]);
  });
});
