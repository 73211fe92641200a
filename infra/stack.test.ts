// The composition sst.config.ts runs: providers per account and the wiring between modules.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInfraConfig } from './config';
import { checkNoPublicAccess, checkSourceVpce, parsePolicy } from './policy-check';
import { stages } from './stages';
import { allResources, installPulumiMocks, promiseOf, resourcesOfType, settle, T } from './testing/pulumi-mocks';
import {
  homeEfsRetention,
  privateApiViolations,
  tableDeletionProtection,
  trustViolations,
  userPoolMfa,
} from './testing/resource-checks';

let stack: import('./stack').Stack;
const config = parseInfraConfig(stages.production);

beforeAll(async () => {
  await installPulumiMocks('production');
  const { createAccountProviders, createStack } = await import('./stack');
  const providers = createAccountProviders(config, { app: 'studio-portal', stage: 'production' });
  stack = createStack({
    app: 'studio-portal',
    stage: 'production',
    config,
    providers,
    bundlePath: mkdtempSync(path.join(tmpdir(), 'bundle-')),
    nextAuthSecret: pulumi.secret('s'.repeat(48)),
  });
  await Promise.all(Object.values(stack.lobs).map((l) => promiseOf(l.lobItem.id)));
  await settle();
});

describe('stack composition (sst.config.ts run())', () => {
  it('creates one aws provider per account, each assuming the deploy role there and pinned to that account', () => {
    const providers = resourcesOfType(T.provider);
    const roles = providers.map((p) => JSON.stringify(p.inputs.assumeRoles)).join(' ');
    for (const account of ['999999999999', '111111111111', '222222222222']) {
      expect(roles).toContain(`arn:aws:iam::${account}:role/StudioPortalDeploy`);
    }
    expect(providers).toHaveLength(3);
    expect(providers.map((p) => p.inputs.allowedAccountIds).join(' ')).toMatch(/111111111111/);
  });

  it('places the network and portal in the shared-services account and each LOB in its own account', () => {
    expect(resourcesOfType(T.transitGateway).map((r) => r.account)).toEqual(['999999999999']);
    expect(resourcesOfType(T.lambda).map((r) => r.account)).toEqual(['999999999999']);
    expect(resourcesOfType(T.table).every((r) => r.account === '999999999999')).toBe(true);
    expect(
      resourcesOfType(T.sagemakerDomain)
        .map((r) => r.account)
        .sort(),
    ).toEqual(['111111111111', '222222222222']);
    expect(resourcesOfType(T.tableItem).every((r) => r.account === '999999999999')).toBe(true);
  });

  it('generator roles trust exactly the deployed portal function role', async () => {
    const portalRoleArn = await promiseOf(stack.portal.functionRole.arn);
    const generators = resourcesOfType(T.role).filter((r) => r.inputs.name === 'PresignedUrlGenerator');
    expect(generators).toHaveLength(2);
    for (const role of generators) expect(trustViolations(role, [portalRoleArn])).toEqual([]);
  });

  it('generator policies are pinned to the deployed shared SageMaker API endpoint', async () => {
    const vpce = await promiseOf(stack.network.interfaceEndpoints.sagemakerApi.id);
    const policies = resourcesOfType(T.rolePolicy).filter((p) => p.name.endsWith('-generator-policy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) expect(checkSourceVpce(policy.inputs.policy, vpce)).toEqual([]);
  });

  it('the portal API is PRIVATE and invokable only through the deployed execute-api endpoint', async () => {
    const vpce = await promiseOf(stack.network.interfaceEndpoints.executeApi.id);
    const [api] = resourcesOfType(T.restApi);
    expect(privateApiViolations(api, vpce)).toEqual([]);
  });

  it('production: hosted UI domain exists (hosted-ui mode), tables and user pool are deletion-protected, Studio home EFS retained', () => {
    expect(resourcesOfType(T.userPoolDomain)).toHaveLength(1);
    expect(tableDeletionProtection().every((enabled) => enabled === true)).toBe(true);
    expect(resourcesOfType(T.userPool)[0].inputs.deletionProtection).toBe('ACTIVE');
    for (const retention of homeEfsRetention()) expect(retention).toBe('Retain');
  });

  it('production: the user pool requires MFA with software tokens (TOTP) only, and the console demands it', () => {
    const { pool, consoleRequireMfa } = userPoolMfa();
    expect(pool.mfaConfiguration).toBe('ON');
    expect(pool.softwareTokenMfaConfiguration).toEqual({ enabled: true });
    // No SMS or email factor can be configured: TOTP is the only one.
    expect(pool.smsConfiguration).toBeUndefined();
    expect(pool.emailMfaConfiguration).toBeUndefined();
    expect(consoleRequireMfa).toBe('true');
  });

  it('hosted-ui mode: the web client uses the code flow with the portal callback URL', async () => {
    const web = resourcesOfType(T.userPoolClient).find((c) => c.inputs.name === 'portal-web')!;
    expect(web.inputs.allowedOauthFlows).toEqual(['code']);
    expect(web.inputs.callbackUrls[0]).toBe(`${await promiseOf(stack.portal.url)}/api/auth/callback/cognito`);
  });

  it('hosted-ui mode: sign-out ends the hosted-UI session (Cognito /logout URL set, portal sign-in page allowed as logout_uri)', async () => {
    const web = resourcesOfType(T.userPoolClient).find((c) => c.inputs.name === 'portal-web')!;
    expect(web.inputs.logoutUrls).toEqual([`${await promiseOf(stack.portal.url)}/signin?signedOut=1`]);
    const [domain] = resourcesOfType(T.userPoolDomain);
    const env = resourcesOfType(T.lambda)[0].inputs.environment.variables;
    expect(env.COGNITO_LOGOUT_URL).toBe(`https://${domain.inputs.domain}.auth.us-east-1.amazoncognito.com/logout`);
  });

  it('nothing in the whole stack trusts * or is public', () => {
    for (const role of resourcesOfType(T.role)) {
      const principals = parsePolicy(role.inputs.assumeRolePolicy).Statement.flatMap((s) =>
        s.Principal === '*' ? ['*'] : Object.values(s.Principal ?? {}).flat(),
      );
      expect(principals, role.name).not.toContain('*');
    }
    const types = new Set(allResources().map((r) => r.type));
    for (const t of types)
      expect(t).not.toMatch(/cloudfront|functionUrl|internetGateway|natGateway|eip:Eip|apigatewayv2/i);
    for (const api of resourcesOfType(T.restApi))
      expect(checkNoPublicAccess(api.inputs.policy, api.inputs.endpointConfiguration.vpcEndpointIds[0])).toEqual([]);
    for (const rule of resourcesOfType(T.ingressRule)) expect(rule.inputs.cidrIpv4 ?? '').not.toBe('0.0.0.0/0');
  });
});
