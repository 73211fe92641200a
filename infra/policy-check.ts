// Static checks over IAM / resource policies and security-group rules. The infra tests run them on
// what the modules produce, and on deliberately broken variants to show that they bite.
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

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Accepts a JSON string or an object; Statement is normalised to an array. */
export function parsePolicy(policy: string | PolicyDocument | { Statement: Statement | Statement[] }): PolicyDocument {
  const doc = typeof policy === 'string' ? (JSON.parse(policy) as { Statement: Statement | Statement[]; Version?: string }) : policy;
  if (!doc || typeof doc !== 'object' || !('Statement' in doc)) throw new Error('not an IAM policy document (no Statement)');
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
export function conditionValues(statement: Statement, key: string, operators = ['StringEquals', 'ArnEquals']): string[] {
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
    if (s.NotPrincipal !== undefined) violations.push({ rule: 'trust.not_principal', detail: 'NotPrincipal in an Allow trusts everyone else' });
    for (const principal of principalsOf(s)) {
      if (principal === '*' || principal.includes('*')) violations.push({ rule: 'trust.wildcard', detail: `trusts ${principal}` });
      else if (/:root$/.test(principal) || /^\d{12}$/.test(principal)) violations.push({ rule: 'trust.account_root', detail: `trusts the whole account ${principal}` });
      else if (!allowedPrincipals.includes(principal)) violations.push({ rule: 'trust.unexpected_principal', detail: `trusts ${principal}` });
    }
    const actions = actionsOf(s);
    if (actions.some((a) => a === '*' || a === 'sts:*')) violations.push({ rule: 'trust.wildcard_action', detail: `allows ${actions.join(', ')}` });
  }
  if (allowStatements(doc).length === 0) violations.push({ rule: 'trust.empty', detail: 'no Allow statement' });
  return violations;
}

/** Every Allow statement must be pinned to the given VPC endpoint through aws:SourceVpce. */
export function checkSourceVpce(policy: string | PolicyDocument, vpceId: string): Violation[] {
  const violations: Violation[] = [];
  for (const s of allowStatements(parsePolicy(policy))) {
    const pinned = conditionValues(s, 'aws:SourceVpce');
    if (pinned.length === 0) violations.push({ rule: 'vpce.missing', detail: `${s.Sid ?? actionsOf(s).join(',')} has no aws:SourceVpce condition` });
    else if (pinned.some((v) => v !== vpceId)) violations.push({ rule: 'vpce.other', detail: `${s.Sid ?? ''} allows endpoints ${pinned.join(', ')}` });
  }
  return violations;
}

/** Flags `*` / `service:*` actions and NotAction in Allow statements. */
export function checkNoWildcardActions(policy: string | PolicyDocument): Violation[] {
  const violations: Violation[] = [];
  for (const s of allowStatements(parsePolicy(policy))) {
    if (s.NotAction !== undefined) violations.push({ rule: 'action.not_action', detail: 'NotAction in an Allow' });
    for (const action of actionsOf(s)) {
      if (action === '*' || action.endsWith(':*')) violations.push({ rule: 'action.wildcard', detail: `allows ${action}` });
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
    if (s.NotResource !== undefined) violations.push({ rule: 'resource.not_resource', detail: 'NotResource in an Allow' });
    for (const action of actionsOf(s)) {
      const matcher = allowed[action];
      if (!matcher) {
        violations.push({ rule: 'action.unexpected', detail: `allows ${action}` });
        continue;
      }
      for (const resource of resourcesOf(s)) {
        if (!matcher(resource)) violations.push({ rule: 'resource.unscoped', detail: `${action} on ${resource}` });
      }
      if (resourcesOf(s).length === 0) violations.push({ rule: 'resource.missing', detail: `${action} without Resource` });
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
      violations.push({ rule: 'public.principal', detail: `${s.Sid ?? 'statement'} allows ${actionsOf(s).join(',')} to anyone` });
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
  if (types.length !== 1 || types[0] !== 'PRIVATE') violations.push({ rule: 'api.not_private', detail: `endpoint types ${types.join(',') || '(none)'}` });
  if (!api.policy) return [...violations, { rule: 'api.no_policy', detail: 'a private API needs a resource policy' }];
  const doc = parsePolicy(api.policy);
  const allows = allowStatements(doc);
  if (!allows.some((s) => actionsOf(s).includes('execute-api:Invoke'))) violations.push({ rule: 'api.no_invoke', detail: 'nothing allows execute-api:Invoke' });
  for (const s of allows) {
    const pinned = conditionValues(s, 'aws:SourceVpce');
    if (pinned.length === 0 || pinned.some((v) => v !== executeApiVpceId)) {
      violations.push({ rule: 'api.invoke_unpinned', detail: `${s.Sid ?? 'statement'} allows ${actionsOf(s).join(',')} without aws:SourceVpce = ${executeApiVpceId}` });
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
    if ((rule.ipv6CidrBlocks ?? []).length > 0) violations.push({ rule: 'ingress.ipv6', detail: (rule.ipv6CidrBlocks ?? []).join(',') });
    for (const cidr of rule.cidrBlocks ?? []) {
      if (!parseCidr(cidr) || !allowedCidrs.some((allowed) => cidrContains(allowed, cidr))) {
        violations.push({ rule: 'ingress.source', detail: `from ${cidr}` });
      }
    }
    if ((rule.cidrBlocks ?? []).length === 0 && !rule.sourceSecurityGroupId) violations.push({ rule: 'ingress.no_source', detail: 'rule without a source' });
  }
  return violations;
}

/** What a request carries into IAM evaluation (only what our policies use). */
export interface RequestContext {
  /** the calling principal's ARN (trust policies) */
  principal?: string;
  action: string;
  resource?: string;
  /** global and service condition keys, e.g. aws:SourceVpce, sts:SourceIdentity */
  keys?: Record<string, string | undefined>;
  /** the session's principal tags (session tags): ${aws:PrincipalTag/<key>}, case-insensitive keys */
  principalTags?: Record<string, string>;
}

/** IAM's wildcard match: `*` any run, `?` one character; case-sensitive (ARNs, string conditions). */
function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, ignoreCase ? 'is' : 's').test(value);
}

function tagOf(tags: Record<string, string> | undefined, key: string): string | undefined {
  const wanted = key.toLowerCase();
  return Object.entries(tags ?? {}).find(([k]) => k.toLowerCase() === wanted)?.[1];
}

/**
 * Substitutes policy variables in a resource or condition value. An unresolvable variable (e.g. a missing
 * principal tag) makes the element match nothing, as IAM does.
 */
function substituteVariables(value: string, ctx: RequestContext): string | undefined {
  let missing = false;
  const out = value.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    if (name === '*' || name === '?' || name === '$') return `\u0000${name}`;
    const tag = /^aws:PrincipalTag\/(.+)$/i.exec(name);
    const resolved = tag ? tagOf(ctx.principalTags, tag[1]) : ctx.keys?.[name];
    if (resolved === undefined) missing = true;
    // A substituted value is literal: wildcards in a tag value do not widen the match.
    return (resolved ?? '').replace(/[*?]/g, (c) => `\u0001${c}`);
  });
  return missing ? undefined : out;
}

function literalAwareMatch(pattern: string, value: string): boolean {
  // \u0001x marks a literal character from a substituted variable; \u0000x a ${*}-style escape.
  const parts = pattern.split(/(\u0001.|\u0000.)/).filter(Boolean);
  const regex = parts
    .map((p) => (p.startsWith('\u0001') || p.startsWith('\u0000') ? p.slice(1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')))
    .join('');
  return new RegExp(`^${regex}$`, 's').test(value);
}

function conditionHolds(condition: Statement['Condition'], ctx: RequestContext): boolean {
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    for (const [key, expected] of Object.entries(entries)) {
      const actual = /^aws:PrincipalTag\//i.test(key) ? tagOf(ctx.principalTags, key.split('/')[1]) : ctx.keys?.[key];
      // Policy variables (${aws:PrincipalTag/...}) are substituted in condition values too; an unresolvable one matches nothing.
      const values = asArray(expected as string | string[] | boolean)
        .map(String)
        .map((v) => (operator === 'Null' ? v : (substituteVariables(v, ctx)?.replace(/\u0001|\u0000/g, '') ?? '\u0002')));
      switch (operator) {
        case 'Null':
          // Null "false": the key must be present; "true": absent.
          if (values.some((v) => (v === 'true') !== (actual === undefined))) return false;
          break;
        case 'StringEquals':
        case 'ArnEquals':
          if (actual === undefined || !values.some((v) => v === actual)) return false;
          break;
        case 'StringLike':
        case 'ArnLike':
          if (actual === undefined || !values.some((v) => globMatch(v, actual))) return false;
          break;
        default:
          // Unknown operators are not modelled: treat the statement as not applying (fail closed).
          return false;
      }
    }
  }
  return true;
}

function statementApplies(s: Statement, ctx: RequestContext): boolean {
  if (!actionsOf(s).some((a) => globMatch(a, ctx.action, true))) return false;
  if (ctx.principal !== undefined && s.Principal !== undefined && !principalsOf(s).some((p) => p === '*' || p === ctx.principal)) return false;
  if (ctx.resource !== undefined && s.Resource !== undefined) {
    const matches = resourcesOf(s).some((pattern) => {
      const substituted = substituteVariables(pattern, ctx);
      return substituted !== undefined && literalAwareMatch(substituted, ctx.resource!);
    });
    if (!matches) return false;
  }
  return conditionHolds(s.Condition, ctx);
}

/**
 * Evaluates one request against one policy as IAM does for what our policies use (Action / Resource
 * wildcards, ${aws:PrincipalTag/...} variables, StringEquals / StringLike / ArnEquals / ArnLike / Null
 * conditions): an explicit Deny wins, else some Allow must apply, else the implicit deny.
 */
export function isAllowed(policy: string | PolicyDocument, ctx: RequestContext): boolean {
  const doc = parsePolicy(policy);
  if (doc.Statement.some((s) => s.Effect === 'Deny' && statementApplies(s, ctx))) return false;
  return allowStatements(doc).some((s) => statementApplies(s, ctx));
}
