// Offline Pulumi runtime for the infra tests: records every registered resource with its inputs and the
// account its provider deploys to, and fills in the computed attributes AWS would return (ids, ARNs...).
import * as pulumi from '@pulumi/pulumi';

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  /** account of the resource's aws provider (from its assumeRole ARN), '' for the default provider */
  account: string;
  state: Record<string, any>;
}

export const DEFAULT_ACCOUNT = '999999999999';
const REGION = 'us-east-1';

const recorded: RecordedResource[] = [];
const providerAccounts = new Map<string, string>();

function accountOfProvider(providerRef: string | undefined): string {
  if (!providerRef) return DEFAULT_ACCOUNT;
  const id = providerRef.split('::').pop() ?? '';
  return providerAccounts.get(id) ?? DEFAULT_ACCOUNT;
}

const SECRET_SIG = '4dabf18193072939515e22adb298388d';

/** Inputs arrive with secrets wrapped in Pulumi's signature object; tests read plain values. */
function unwrapSecrets(value: any): any {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === 'object') {
    if (value[SECRET_SIG] === '1b47061264138c4ac30d75fd1eb44270') return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

let counter = 0;
function fakeId(prefix: string, name: string): string {
  counter += 1;
  return `${prefix}${name
    .replace(/[^a-z0-9]/gi, '')
    .slice(-12)
    .toLowerCase()}${counter.toString(16).padStart(4, '0')}`;
}

/** What AWS computes on create, by resource type (only what the modules read). */
function computeState(
  type: string,
  name: string,
  inputs: Record<string, any>,
  account: string,
): { id: string; extra: Record<string, any> } {
  const arnBase = `arn:aws:${type.split(':')[1]?.split('/')[0] ?? 'mock'}:${REGION}:${account}`;
  switch (type) {
    case 'pulumi:providers:aws': {
      const id = fakeId('provider-', name);
      // Provider inputs arrive JSON-encoded; the deploy role's ARN names the target account.
      const match = /arn:aws:iam::(\d{12}):role\//.exec(JSON.stringify(inputs.assumeRoles ?? inputs.assumeRole ?? ''));
      providerAccounts.set(id, match?.[1] ?? DEFAULT_ACCOUNT);
      return { id, extra: {} };
    }
    case 'aws:ec2/vpc:Vpc':
      return { id: fakeId('vpc-', name), extra: {} };
    case 'aws:ec2/subnet:Subnet':
      return { id: fakeId('subnet-', name), extra: {} };
    case 'aws:ec2/securityGroup:SecurityGroup':
      return { id: fakeId('sg-', name), extra: {} };
    case 'aws:ec2/vpcEndpoint:VpcEndpoint': {
      const id = fakeId('vpce-', name);
      return {
        id,
        extra: {
          arn: `arn:aws:ec2:${REGION}:${account}:vpc-endpoint/${id}`,
          dnsEntries: [{ dnsName: `${id}.${inputs.serviceName}.vpce.amazonaws.com`, hostedZoneId: 'Z7HUB22UULQXV' }],
          prefixListId: inputs.vpcEndpointType === 'Gateway' ? 'pl-02cd2c6b' : undefined,
        },
      };
    }
    case 'aws:ec2transitgateway/transitGateway:TransitGateway': {
      const id = fakeId('tgw-', name);
      return { id, extra: { arn: `arn:aws:ec2:${REGION}:${account}:transit-gateway/${id}` } };
    }
    case 'aws:ec2transitgateway/vpcAttachment:VpcAttachment':
      return { id: fakeId('tgw-attach-', name), extra: {} };
    case 'aws:route53/zone:Zone': {
      const id = fakeId('Z', name).toUpperCase();
      return { id, extra: { zoneId: id } };
    }
    case 'aws:route53/resolverRule:ResolverRule': {
      const id = fakeId('rslvr-rr-', name);
      return { id, extra: { arn: `arn:aws:route53resolver:${REGION}:${account}:resolver-rule/${id}` } };
    }
    case 'aws:iam/role:Role':
      return {
        id: inputs.name ?? name,
        extra: { arn: `arn:aws:iam::${account}:role/${inputs.name ?? name}`, name: inputs.name ?? name },
      };
    case 'aws:dynamodb/table:Table': {
      const arn = `arn:aws:dynamodb:${REGION}:${account}:table/${inputs.name}`;
      return {
        id: inputs.name,
        extra: { arn, streamArn: inputs.streamEnabled ? `${arn}/stream/2026-01-01T00:00:00.000` : undefined },
      };
    }
    case 'aws:cognito/userPool:UserPool': {
      const id = `${REGION}_${fakeId('Mock', name).slice(0, 12)}`;
      return {
        id,
        extra: {
          arn: `arn:aws:cognito-idp:${REGION}:${account}:userpool/${id}`,
          endpoint: `cognito-idp.${REGION}.amazonaws.com/${id}`,
        },
      };
    }
    case 'aws:cognito/userPoolClient:UserPoolClient':
      return {
        id: fakeId('client', name),
        extra: { clientSecret: inputs.generateSecret ? 'mock-client-secret' : undefined },
      };
    case 'aws:lambda/function:Function': {
      const arn = `arn:aws:lambda:${REGION}:${account}:function:${inputs.name ?? name}`;
      return {
        id: inputs.name ?? name,
        extra: { arn, invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations` },
      };
    }
    case 'aws:apigateway/restApi:RestApi': {
      const id = fakeId('api', name).slice(0, 10);
      return {
        id,
        extra: {
          rootResourceId: 'root0000',
          executionArn: `arn:aws:execute-api:${REGION}:${account}:${id}`,
          arn: `arn:aws:apigateway:${REGION}::/restapis/${id}`,
        },
      };
    }
    case 'aws:apigateway/domainName:DomainName': {
      const id = fakeId('dn', name);
      return {
        id,
        extra: {
          domainNameId: id,
          arn: `arn:aws:apigateway:${REGION}:${account}:/domainnames/${inputs.domainName}+${id}`,
        },
      };
    }
    case 'aws:sagemaker/domain:Domain': {
      const id = fakeId('d-', name);
      return {
        id,
        extra: {
          arn: `arn:aws:sagemaker:${REGION}:${account}:domain/${id}`,
          url: `https://${id}.studio.${REGION}.sagemaker.aws`,
        },
      };
    }
    case 'aws:kms/key:Key': {
      const id = fakeId('key-', name);
      return { id, extra: { arn: `arn:aws:kms:${REGION}:${account}:key/${id}`, keyId: id } };
    }
    case 'aws:s3/bucket:Bucket':
      return {
        id: inputs.bucket ?? name,
        extra: { arn: `arn:aws:s3:::${inputs.bucket ?? name}`, bucket: inputs.bucket ?? name },
      };
    case 'aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream':
      return {
        id: inputs.name ?? name,
        extra: { arn: `arn:aws:firehose:${REGION}:${account}:deliverystream/${inputs.name ?? name}` },
      };
    case 'aws:cloudwatch/logGroup:LogGroup':
      return {
        id: inputs.name ?? name,
        extra: { arn: `arn:aws:logs:${REGION}:${account}:log-group:${inputs.name ?? name}` },
      };
    default: {
      const id = fakeId(`${name}-`, '');
      return { id, extra: { arn: `${arnBase}:${type.split(':').pop()?.toLowerCase()}/${id}` } };
    }
  }
}

/** Installs the mocks; call before creating any resource (one test file = one process = one install). */
export async function installPulumiMocks(stack = 'test'): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        const account = args.type === 'pulumi:providers:aws' ? '' : accountOfProvider(args.provider);
        const inputs = unwrapSecrets(args.inputs);
        const { id, extra } = computeState(args.type, args.name, inputs, account);
        const state = {
          ...args.inputs,
          ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
        };
        recorded.push({ type: args.type, name: args.name, inputs, account, state });
        return { id, state };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        switch (args.token) {
          case 'aws:index/getCallerIdentity:getCallerIdentity':
            return { accountId: DEFAULT_ACCOUNT, arn: `arn:aws:iam::${DEFAULT_ACCOUNT}:user/test`, userId: 'test' };
          case 'aws:index/getRegion:getRegion':
            return { name: REGION, region: REGION };
          default:
            return args.inputs;
        }
      },
    },
    'studio-portal',
    stack,
    false,
  );
}

/**
 * The beforeAll of an infra test: installs the mocks (stack `stack`), builds what the test checks (`build` imports
 * the modules itself, after the install), waits for `ready` and for every registration, and returns what it built.
 */
export async function synthesize<R>(
  build: () => Promise<R>,
  ready: (built: R) => Promise<unknown>,
  stack = 'test',
): Promise<R> {
  await installPulumiMocks(stack);
  const built = await build();
  await ready(built);
  await settle();
  return built;
}

/** Resolves an Output to its value (the mocks resolve every value, there are no unknowns). */
export function promiseOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((value) => resolve(value as T)));
}

/** Waits until no resource registration is outstanding, then returns what was registered. */
export async function settle(): Promise<RecordedResource[]> {
  let seen = -1;
  // Registrations chain through promises; stop once a few turns pass with no new resource.
  for (let quiet = 0; quiet < 3;) {
    await new Promise((r) => setTimeout(r, 10));
    if (recorded.length === seen) quiet += 1;
    else {
      seen = recorded.length;
      quiet = 0;
    }
  }
  return [...recorded];
}

export function resourcesOfType(type: string): RecordedResource[] {
  return recorded.filter((r) => r.type === type);
}

export function allResources(): RecordedResource[] {
  return [...recorded];
}

/** Resource types, for graph-level assertions. */
export const T = {
  provider: 'pulumi:providers:aws',
  vpc: 'aws:ec2/vpc:Vpc',
  subnet: 'aws:ec2/subnet:Subnet',
  routeTable: 'aws:ec2/routeTable:RouteTable',
  route: 'aws:ec2/route:Route',
  securityGroup: 'aws:ec2/securityGroup:SecurityGroup',
  ingressRule: 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule',
  egressRule: 'aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule',
  vpcEndpoint: 'aws:ec2/vpcEndpoint:VpcEndpoint',
  transitGateway: 'aws:ec2transitgateway/transitGateway:TransitGateway',
  tgwAttachment: 'aws:ec2transitgateway/vpcAttachment:VpcAttachment',
  tgwAccepter: 'aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter',
  ramShare: 'aws:ram/resourceShare:ResourceShare',
  ramResource: 'aws:ram/resourceAssociation:ResourceAssociation',
  ramPrincipal: 'aws:ram/principalAssociation:PrincipalAssociation',
  zone: 'aws:route53/zone:Zone',
  record: 'aws:route53/record:Record',
  resolverEndpoint: 'aws:route53/resolverEndpoint:ResolverEndpoint',
  resolverRule: 'aws:route53/resolverRule:ResolverRule',
  resolverRuleAssociation: 'aws:route53/resolverRuleAssociation:ResolverRuleAssociation',
  table: 'aws:dynamodb/table:Table',
  tableItem: 'aws:dynamodb/tableItem:TableItem',
  userPool: 'aws:cognito/userPool:UserPool',
  userPoolClient: 'aws:cognito/userPoolClient:UserPoolClient',
  userPoolGroup: 'aws:cognito/userGroup:UserGroup',
  userPoolDomain: 'aws:cognito/userPoolDomain:UserPoolDomain',
  role: 'aws:iam/role:Role',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  rolePolicyAttachment: 'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
  lambda: 'aws:lambda/function:Function',
  lambdaPermission: 'aws:lambda/permission:Permission',
  functionUrl: 'aws:lambda/functionUrl:FunctionUrl',
  restApi: 'aws:apigateway/restApi:RestApi',
  method: 'aws:apigateway/method:Method',
  integration: 'aws:apigateway/integration:Integration',
  stage: 'aws:apigateway/stage:Stage',
  domainName: 'aws:apigateway/domainName:DomainName',
  sagemakerDomain: 'aws:sagemaker/domain:Domain',
  userProfile: 'aws:sagemaker/userProfile:UserProfile',
} as const;
