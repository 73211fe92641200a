// Static checks over IAM / resource policies and security-group rules. The infra tests run them on
// what the modules produce, and on deliberately broken variants to show that they bite.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { cidrContains, parseCidr } from './cidr';

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, string | string[]>;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: Statement[];
}

export interface Violation {
  rule: string;
  detail: string;
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Accepts a JSON string or an object; Statement is normalised to an array. */
export function parsePolicy(policy: string | PolicyDocument | { Statement: Statement | Statement[] }): PolicyDocument {
  const doc =
    typeof policy === 'string'
      ? (JSON.parse(policy) as { Statement: Statement | Statement[]; Version?: string })
      : policy;
  if (!doc || typeof doc !== 'object' || !('Statement' in doc))
    throw new Error('not an IAM policy document (no Statement)');
  return { Version: (doc as PolicyDocument).Version, Statement: asArray(doc.Statement as Statement | Statement[]) };
}

const allowStatements = (doc: PolicyDocument) => doc.Statement.filter((s) => s.Effect === 'Allow');

/** Every principal string an Allow statement names (`*` for an anonymous principal). */
export function principalsOf(statement: Statement): string[] {
  if (statement.Principal === undefined) return [];
  if (statement.Principal === '*') return ['*'];
  return Object.values(statement.Principal).flatMap((p) => asArray(p));
}

export function actionsOf(statement: Statement): string[] {
  return asArray(statement.Action);
}

export function resourcesOf(statement: Statement): string[] {
  return asArray(statement.Resource);
}

/** Value of a condition key under any operator that pins it (StringEquals, ForAnyValue:StringEquals...). */
export function conditionValues(
  statement: Statement,
  key: string,
  operators = ['StringEquals', 'ArnEquals'],
): string[] {
  const out: string[] = [];
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    if (!operators.some((op) => operator === op || operator.endsWith(`:${op}`))) continue;
    for (const [k, v] of Object.entries(entries)) {
      if (k.toLowerCase() === key.toLowerCase()) out.push(...asArray(v).map(String));
    }
  }
  return out;
}

/** A trust policy must allow sts:AssumeRole to exactly the expected principals: never `*`, never an account root. */
export function checkTrustPolicy(policy: string | PolicyDocument, allowedPrincipals: string[]): Violation[] {
  const doc = parsePolicy(policy);
  const violations: Violation[] = [];
  for (const s of allowStatements(doc)) {
    if (s.NotPrincipal !== undefined)
      violations.push({ rule: 'trust.not_principal', detail: 'NotPrincipal in an Allow trusts everyone else' });
    for (const principal of principalsOf(s)) {
      if (principal === '*' || principal.includes('*'))
        violations.push({ rule: 'trust.wildcard', detail: `trusts ${principal}` });
      else if (/:root$/.test(principal) || /^\d{12}$/.test(principal))
        violations.push({ rule: 'trust.account_root', detail: `trusts the whole account ${principal}` });
      else if (!allowedPrincipals.includes(principal))
        violations.push({ rule: 'trust.unexpected_principal', detail: `trusts ${principal}` });
    }
    const actions = actionsOf(s);
    if (actions.some((a) => a === '*' || a === 'sts:*'))
      violations.push({ rule: 'trust.wildcard_action', detail: `allows ${actions.join(', ')}` });
  }
  if (allowStatements(doc).length === 0) violations.push({ rule: 'trust.empty', detail: 'no Allow statement' });
  return violations;
}

/** Every Allow statement must be pinned to the given VPC endpoint through aws:SourceVpce. */
export function checkSourceVpce(policy: string | PolicyDocument, vpceId: string): Violation[] {
  const violations: Violation[] = [];
  for (const s of allowStatements(parsePolicy(policy))) {
    const pinned = conditionValues(s, 'aws:SourceVpce');
    if (pinned.length === 0)
      violations.push({
        rule: 'vpce.missing',
        detail: `${s.Sid ?? actionsOf(s).join(',')} has no aws:SourceVpce condition`,
      });
    else if (pinned.some((v) => v !== vpceId))
      violations.push({ rule: 'vpce.other', detail: `${s.Sid ?? ''} allows endpoints ${pinned.join(', ')}` });
  }
  return violations;
}

/** Flags `*` / `service:*` actions and NotAction in Allow statements. */
export function checkNoWildcardActions(policy: string | PolicyDocument): Violation[] {
  const violations: Violation[] = [];
  for (const s of allowStatements(parsePolicy(policy))) {
    if (s.NotAction !== undefined) violations.push({ rule: 'action.not_action', detail: 'NotAction in an Allow' });
    for (const action of actionsOf(s)) {
      if (action === '*' || action.endsWith(':*'))
        violations.push({ rule: 'action.wildcard', detail: `allows ${action}` });
    }
  }
  return violations;
}

/**
 * Each Allow statement's actions must be in `allowed` (prefix `service:` keys map to resource matchers);
 * a resource is accepted when a matcher of its action's service accepts it. Unlisted actions are violations.
 */
export function checkActionsAndResources(
  policy: string | PolicyDocument,
  allowed: Record<string, (resource: string) => boolean>,
): Violation[] {
  const violations: Violation[] = [];
  for (const s of allowStatements(parsePolicy(policy))) {
    if (s.NotResource !== undefined)
      violations.push({ rule: 'resource.not_resource', detail: 'NotResource in an Allow' });
    for (const action of actionsOf(s)) {
      const matcher = allowed[action];
      if (!matcher) {
        violations.push({ rule: 'action.unexpected', detail: `allows ${action}` });
        continue;
      }
      for (const resource of resourcesOf(s)) {
        if (!matcher(resource)) violations.push({ rule: 'resource.unscoped', detail: `${action} on ${resource}` });
      }
      if (resourcesOf(s).length === 0)
        violations.push({ rule: 'resource.missing', detail: `${action} without Resource` });
    }
  }
  return violations;
}

/** A resource policy (API, bucket...) must not allow an anonymous principal unless pinned to `vpceId`. */
export function checkNoPublicAccess(policy: string | PolicyDocument, vpceId: string): Violation[] {
  const violations: Violation[] = [];
  for (const s of allowStatements(parsePolicy(policy))) {
    const anonymous = principalsOf(s).some((p) => p === '*') || s.NotPrincipal !== undefined;
    if (!anonymous) continue;
    const pinned = conditionValues(s, 'aws:SourceVpce');
    if (pinned.length === 0 || pinned.some((v) => v !== vpceId)) {
      violations.push({
        rule: 'public.principal',
        detail: `${s.Sid ?? 'statement'} allows ${actionsOf(s).join(',')} to anyone`,
      });
    }
  }
  return violations;
}

export interface ApiShape {
  endpointConfiguration?: { types?: string | string[]; vpcEndpointIds?: string[] };
  policy?: string;
}

/** The portal API must be PRIVATE, bound to our execute-api endpoint, and invokable only through it. */
export function checkPrivateApi(api: ApiShape, executeApiVpceId: string): Violation[] {
  const violations: Violation[] = [];
  const types = asArray(api.endpointConfiguration?.types);
  if (types.length !== 1 || types[0] !== 'PRIVATE')
    violations.push({ rule: 'api.not_private', detail: `endpoint types ${types.join(',') || '(none)'}` });
  if (!api.policy) return [...violations, { rule: 'api.no_policy', detail: 'a private API needs a resource policy' }];
  const doc = parsePolicy(api.policy);
  const allows = allowStatements(doc);
  if (!allows.some((s) => actionsOf(s).includes('execute-api:Invoke')))
    violations.push({ rule: 'api.no_invoke', detail: 'nothing allows execute-api:Invoke' });
  for (const s of allows) {
    const pinned = conditionValues(s, 'aws:SourceVpce');
    if (pinned.length === 0 || pinned.some((v) => v !== executeApiVpceId)) {
      violations.push({
        rule: 'api.invoke_unpinned',
        detail: `${s.Sid ?? 'statement'} allows ${actionsOf(s).join(',')} without aws:SourceVpce = ${executeApiVpceId}`,
      });
    }
    for (const action of actionsOf(s)) {
      if (action !== 'execute-api:Invoke') violations.push({ rule: 'api.extra_action', detail: `allows ${action}` });
    }
  }
  return violations;
}

export interface IngressRule {
  protocol: string;
  fromPort: number;
  toPort: number;
  cidrBlocks?: string[];
  ipv6CidrBlocks?: string[];
  /** a referenced security group instead of CIDRs */
  sourceSecurityGroupId?: string;
}

/** Ingress only on the given ports, only from inside the allowed ranges (or from a security group). */
export function checkIngress(rules: IngressRule[], allowedCidrs: string[], allowedPorts: number[]): Violation[] {
  const violations: Violation[] = [];
  for (const rule of rules) {
    if (rule.protocol === '-1' || rule.fromPort !== rule.toPort || !allowedPorts.includes(rule.fromPort)) {
      violations.push({ rule: 'ingress.port', detail: `${rule.protocol} ${rule.fromPort}-${rule.toPort}` });
    }
    if ((rule.ipv6CidrBlocks ?? []).length > 0)
      violations.push({ rule: 'ingress.ipv6', detail: (rule.ipv6CidrBlocks ?? []).join(',') });
    for (const cidr of rule.cidrBlocks ?? []) {
      if (!parseCidr(cidr) || !allowedCidrs.some((allowed) => cidrContains(allowed, cidr))) {
        violations.push({ rule: 'ingress.source', detail: `from ${cidr}` });
      }
    }
    if ((rule.cidrBlocks ?? []).length === 0 && !rule.sourceSecurityGroupId)
      violations.push({ rule: 'ingress.no_source', detail: 'rule without a source' });
  }
  return violations;
}

/** What a request carries into IAM evaluation. */
export interface RequestContext {
  /** the calling principal's ARN (trust and other resource policies) */
  principal?: string;
  action: string;
  resource?: string;
  /**
   * Condition keys the caller sends, e.g. aws:SourceVpce, sts:SourceIdentity, aws:RequestTag/<key>. Only
   * the keys the Service Authorization Reference documents for `action` (and the global keys) reach the
   * evaluation; the rest are dropped, as AWS does.
   */
  keys?: Record<string, string | string[] | undefined>;
  /** the session's principal tags (session tags): ${aws:PrincipalTag/<key>}, case-insensitive keys */
  principalTags?: Record<string, string>;
}

/** What the strict evaluator answered, with the keys it dropped because the reference does not list them. */
export interface Evaluation {
  decision: 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';
  /** For a resource policy: whether that policy itself grants (Allowed / AllowedForAccount) or not. */
  resourceDecision?: string;
  ignoredContextKeys: string[];
}

/** Account of an ARN (`arn:aws:svc:region:account:...`), if it names one. */
const accountOf = (arn: string | undefined) => /^arn:aws[\w-]*:[^:]*:[^:]*:(\d{12}):/.exec(arn ?? '')?.[1];
const EVALUATED_ACCOUNT = '111111111111';
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

let bridge: { worker: Worker; port: MessagePort; flag: Int32Array } | undefined;

/** The iam-simulate worker (infra/testing/iam-simulate-worker.mjs), started on first use. */
function simulator() {
  if (bridge) return bridge;
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./testing/iam-simulate-worker.mjs', import.meta.url), {
    workerData: { port: port2, flag: flag.buffer },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  bridge = { worker, port: port1, flag };
  return bridge;
}

/** One simulation, synchronously: the caller blocks until the worker answers (tests stay synchronous). */
function simulate(simulation: object): {
  overall?: Evaluation['decision'];
  resource?: string;
  ignoredContextKeys?: string[];
  error?: string;
  details?: string;
} {
  const { port, flag } = simulator();
  Atomics.store(flag, 0, 0);
  port.postMessage(simulation);
  if (Atomics.wait(flag, 0, 0, 60_000) === 'timed-out') throw new Error('iam-simulate did not answer within 60 s');
  const answer = receiveMessageOnPort(port);
  if (!answer) throw new Error('iam-simulate woke the caller without an answer');
  return answer.message;
}

/**
 * Evaluates one request against one policy with @cloud-copilot/iam-simulate, built from AWS's Service
 * Authorization Reference: actions, resource types and the condition keys each action documents (a key
 * the reference does not list for the action is not in the request, as with AWS), every condition
 * operator, policy variables, explicit Deny over Allow over the implicit deny.
 *
 * A policy with a Principal is a resource policy (a role's trust policy, an API's resource policy): it is
 * evaluated with an identity policy that allows everything, and the answer is whether it grants the
 * request itself. Otherwise it is the caller's identity policy.
 */
export function evaluate(policy: string | PolicyDocument, ctx: RequestContext): Evaluation {
  const doc = parsePolicy(policy);
  const resourcePolicy = doc.Statement.some((s) => s.Principal !== undefined || s.NotPrincipal !== undefined);
  const trust = resourcePolicy && /^sts:/i.test(ctx.action);
  const resource = ctx.resource ?? (trust ? `arn:aws:iam::${EVALUATED_ACCOUNT}:role/evaluated-role` : '*');
  const accountId = accountOf(resource) ?? accountOf(ctx.principal) ?? EVALUATED_ACCOUNT;
  const contextVariables: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(ctx.keys ?? {})) if (value !== undefined) contextVariables[key] = value;
  for (const [key, value] of Object.entries(ctx.principalTags ?? {}))
    contextVariables[`aws:PrincipalTag/${key}`] = value;
  const answer = simulate({
    request: {
      principal: ctx.principal ?? `arn:aws:iam::${accountId}:role/evaluated-principal`,
      action: ctx.action,
      resource: { resource, accountId },
      contextVariables,
    },
    identityPolicies: [
      {
        name: resourcePolicy ? 'allow-all' : 'evaluated',
        policy: resourcePolicy ? ALLOW_ALL : { Version: '2012-10-17', ...doc },
      },
    ],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy ? { resourcePolicy: { Version: '2012-10-17', ...doc } } : {}),
  });
  if (answer.error)
    throw new Error(
      `iam-simulate refused the request ${ctx.action} on ${resource}: ${answer.error} ${answer.details ?? ''}`,
    );
  return {
    decision: answer.overall!,
    resourceDecision: answer.resource,
    ignoredContextKeys: answer.ignoredContextKeys ?? [],
  };
}

/**
 * True when `policy` allows the request, evaluated as AWS does (see evaluate). For a resource policy the
 * policy itself must grant: an identity policy elsewhere cannot stand in for it.
 */
export function isAllowed(policy: string | PolicyDocument, ctx: RequestContext): boolean {
  const result = evaluate(policy, ctx);
  if (result.decision !== 'Allowed') return false;
  return result.resourceDecision === undefined || result.resourceDecision === 'NotApplicable'
    ? !hasPrincipal(policy)
    : result.resourceDecision.startsWith('Allowed');
}

const hasPrincipal = (policy: string | PolicyDocument) =>
  parsePolicy(policy).Statement.some((s) => s.Principal !== undefined || s.NotPrincipal !== undefined);

export interface AssumeRoleRequest {
  /** who calls sts:AssumeRole */
  principal: string;
  /** the role being assumed */
  roleArn?: string;
  /** SourceIdentity passed to AssumeRole (then the trust policy must also allow sts:SetSourceIdentity) */
  sourceIdentity?: string;
  /** session tags passed to AssumeRole (then the trust policy must also allow sts:TagSession) */
  tags?: Record<string, string>;
  roleSessionName?: string;
}

/**
 * An AssumeRole call as STS authorizes it against the role's trust policy: sts:AssumeRole, plus
 * sts:SetSourceIdentity when a source identity is passed and sts:TagSession when session tags are, each
 * evaluated with the condition keys the reference documents for it (sts:SourceIdentity is not among
 * TagSession's). Every one of them must be allowed.
 */
export function isAssumeRoleAllowed(trust: string | PolicyDocument, request: AssumeRoleRequest): boolean {
  const tagKeys = {
    ...Object.fromEntries(Object.entries(request.tags ?? {}).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    ...(request.tags ? { 'aws:TagKeys': Object.keys(request.tags) } : {}),
  };
  const keys = {
    'sts:SourceIdentity': request.sourceIdentity,
    'sts:RoleSessionName': request.roleSessionName,
    ...tagKeys,
  };
  const actions = [
    'sts:AssumeRole',
    ...(request.sourceIdentity !== undefined ? ['sts:SetSourceIdentity'] : []),
    ...(request.tags ? ['sts:TagSession'] : []),
  ];
  return actions.every((action) =>
    isAllowed(trust, { principal: request.principal, action, resource: request.roleArn, keys }),
  );
}
