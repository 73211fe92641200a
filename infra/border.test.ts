// The portal API's border under the Pulumi mocks and the strict IAM evaluator (issue 24 item 4): the
// resource policy's explicit Deny for callers not through our execute-api endpoint, no way to /api/internal/*
// through the API, the endpoint's own policy, stage throttling, the function's reserved concurrency, the WAF
// web ACL on the stage, and Cognito threat protection ENFORCED where the stage says so (production).
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInfraConfig, type InfraConfig } from './config';
import { buildExecuteApiEndpointPolicy } from './network';
import { checkPrivateApi, evaluate, isAllowed } from './policy-check';
import type { Portal } from './portal-args';
import { INTERNAL_PATHS } from './portal-api';
import { WAF_MANAGED_RULE_GROUPS } from './api-border';
import { stages } from './stages';
import { promiseOf, resourcesOfType, T } from './testing/pulumi-mocks';
import { buildTestConfig, createTestPortal, EXECUTE_API_VPCE, SHARED_ACCOUNT } from './testing/fixtures';

let config: InfraConfig;
let portal: Portal;
let apiId: string;

beforeAll(async () => {
  config = buildTestConfig({ portal: { ...stages.production.portal, authMode: 'password', customDomain: undefined } });
  portal = await createTestPortal({ config });
  apiId = await promiseOf(portal.api.id);
});

/** The API's policy with API Gateway's `execute-api:/` shorthand expanded to this API's ARN (as it does on save). */
function apiPolicy(): string {
  const policy = String(resourcesOfType(T.restApi)[0].inputs.policy);
  return policy.replaceAll('"execute-api:/', `"arn:aws:execute-api:us-east-1:${SHARED_ACCOUNT}:${apiId}/`);
}
const invoke = (method: string, path: string, vpce: string | undefined) => ({
  principal: 'arn:aws:iam::123456789012:role/anyone',
  action: 'execute-api:Invoke',
  resource: `arn:aws:execute-api:us-east-1:${SHARED_ACCOUNT}:${apiId}/portal/${method}${path}`,
  keys: vpce ? { 'aws:SourceVpce': vpce } : {},
});

describe('the API resource policy', () => {
  it('lets callers through our execute-api endpoint invoke the portal', () => {
    expect(
      checkPrivateApi(
        { endpointConfiguration: { types: 'PRIVATE' }, policy: resourcesOfType(T.restApi)[0].inputs.policy },
        EXECUTE_API_VPCE,
      ),
    ).toEqual([]);
    for (const [method, path] of [
      ['GET', '/signin'],
      ['GET', '/admin/users'],
      ['POST', '/api/studio/user-lob-a'],
      ['GET', '/api/health'],
    ]) {
      expect(isAllowed(apiPolicy(), invoke(method, path, EXECUTE_API_VPCE)), `${method} ${path}`).toBe(true);
    }
  });

  it('explicitly denies every caller not arriving through that endpoint', () => {
    expect(evaluate(apiPolicy(), invoke('GET', '/signin', 'vpce-0someoneelse0001')).decision).toBe('ExplicitlyDenied');
    expect(evaluate(apiPolicy(), invoke('GET', '/signin', undefined)).decision).toBe('ExplicitlyDenied');
    // The Deny stands even next to an Allow for everyone (a later mistake cannot open the API).
    const widened = JSON.parse(apiPolicy());
    widened.Statement.push({ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: '*' });
    expect(evaluate(JSON.stringify(widened), invoke('GET', '/signin', 'vpce-0someoneelse0001')).decision).toBe(
      'ExplicitlyDenied',
    );
  });

  it('refuses /api/internal/* to everyone, our endpoint included: the jobs reach the function directly', () => {
    for (const [method, path] of [
      ['POST', '/api/internal/jobs'],
      ['GET', '/api/internal'],
      ['POST', '/api/internal/anything/else'],
    ]) {
      expect(evaluate(apiPolicy(), invoke(method, path, EXECUTE_API_VPCE)).decision, `${method} ${path}`).toBe(
        'ExplicitlyDenied',
      );
    }
    expect(
      JSON.parse(resourcesOfType(T.restApi)[0].inputs.policy).Statement.find(
        (s: { Sid: string }) => s.Sid === 'NoInternalRoutes',
      ).Resource,
    ).toEqual(INTERNAL_PATHS);
    // The schedules invoke the function itself (infra/monitoring.test.ts); its adapter posts them to the jobs route.
    expect(portal.fn).toBeDefined();
  });
});

describe('the execute-api endpoint policy', () => {
  it('invokes private APIs of the shared-services account only', () => {
    const policy = buildExecuteApiEndpointPolicy('us-east-1', SHARED_ACCOUNT);
    expect(isAllowed(policy, invoke('GET', '/signin', EXECUTE_API_VPCE))).toBe(true);
    const elsewhere = {
      ...invoke('GET', '/signin', EXECUTE_API_VPCE),
      resource: 'arn:aws:execute-api:us-east-1:444444444444:abcdef1234/prod/GET/signin',
    };
    expect(isAllowed(policy, elsewhere)).toBe(false);
    expect(isAllowed(policy, { ...elsewhere, action: 'execute-api:ManageConnections' })).toBe(false);
  });
});

describe('throttling, concurrency and WAF (stage settings)', () => {
  it('throttles every method of the stage at the configured rate and burst', async () => {
    const [settings] = resourcesOfType('aws:apigateway/methodSettings:MethodSettings');
    expect(settings.inputs).toMatchObject({ restApi: apiId, stageName: 'portal', methodPath: '*/*' });
    expect(settings.inputs.settings).toMatchObject({ throttlingRateLimit: 100, throttlingBurstLimit: 200 });
    expect(config.portal.border).toEqual(stages.production.portal!.border);
  });

  it('reserves concurrency for the function', () => {
    const fn = resourcesOfType('aws:lambda/function:Function')[0];
    expect(fn.inputs.reservedConcurrentExecutions).toBe(100);
    expect(parseInfraConfig(stages.dev).portal.border.reservedConcurrency).toBe(50);
  });

  it('associates a web ACL with the stage: AWS managed common, known-bad-inputs, IP reputation, and a per-IP rate rule', async () => {
    const [acl] = resourcesOfType('aws:wafv2/webAcl:WebAcl');
    const [association] = resourcesOfType('aws:wafv2/webAclAssociation:WebAclAssociation');
    expect(association.inputs.resourceArn).toBe(await promiseOf(portal.stage.arn));
    expect(association.inputs.webAclArn).toBe(acl.state.arn);
    expect(acl.inputs.scope).toBe('REGIONAL');
    expect(acl.inputs.defaultAction).toEqual({ allow: {} });
    const rules = acl.inputs.rules as {
      name: string;
      action?: unknown;
      statement: { managedRuleGroupStatement?: { name: string }; rateBasedStatement?: Record<string, unknown> };
    }[];
    expect(rules.map((r) => r.statement.managedRuleGroupStatement?.name).filter(Boolean)).toEqual([
      ...WAF_MANAGED_RULE_GROUPS,
    ]);
    const rate = rules.find((r) => r.statement.rateBasedStatement)!;
    expect(rate.statement.rateBasedStatement).toMatchObject({ limit: 2000, aggregateKeyType: 'IP' });
    expect(rate.action).toEqual({ block: {} });
  });
});

describe('Cognito threat protection', () => {
  it('is ENFORCED on the production user pool (a stage setting; off in dev)', () => {
    const [pool] = resourcesOfType(T.userPool);
    expect(pool.inputs.userPoolAddOns).toEqual({ advancedSecurityMode: 'ENFORCED' });
    expect(pool.inputs.userPoolTier).toBe('PLUS');
    expect(parseInfraConfig(stages.production).portal.threatProtection).toBe('ENFORCED');
    expect(parseInfraConfig(stages.dev).portal.threatProtection).toBe('OFF');
  });
});
