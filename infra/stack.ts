// The whole deployment for one stage: providers per account, then network -> portal -> LOB accounts.
// sst.config.ts only loads the config and calls this, so the composition is tested offline too.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { InfraConfig } from './config';
import { createLobAccount, type LobAccount } from './lob-account';
import { createSharedNetwork, type SharedNetwork } from './network';
import { createOnPremSimulator, type OnPremSimulator } from './onprem-sim';
import { createPortal } from './portal';
import type { Portal } from './portal-args';
import { createMonitoring, type Monitoring } from './monitoring';
import { createHealthCheck, type HealthCheck } from './health-check';

export interface AccountProviders {
  shared: aws.Provider;
  lobs: Record<string, aws.Provider>;
}

/** One aws provider per account, each assuming the deploy role there. */
export function createAccountProviders(config: InfraConfig, defaultTags: Record<string, string>): AccountProviders {
  const provider = (logicalName: string, accountId: string) =>
    new aws.Provider(logicalName, {
      region: config.region as aws.Region,
      allowedAccountIds: [accountId],
      assumeRoles: [
        { roleArn: `arn:aws:iam::${accountId}:role/${config.deployRoleName}`, sessionName: 'studio-portal-deploy' },
      ],
      defaultTags: { tags: defaultTags },
    });
  return {
    shared: provider('shared-services', config.sharedServices.accountId),
    lobs: Object.fromEntries(config.lobs.map((lob) => [lob.name, provider(`lob-${lob.name}`, lob.accountId)])),
  };
}

export interface StackArgs {
  app: string;
  stage: string;
  config: InfraConfig;
  providers: AccountProviders;
  bundlePath: string;
  nextAuthSecret: pulumi.Input<string>;
}

export interface Stack {
  network: SharedNetwork;
  portal: Portal;
  monitoring: Monitoring;
  healthCheck: HealthCheck;
  lobs: Record<string, LobAccount>;
  onPremSimulator?: OnPremSimulator;
}

export function createStack(args: StackArgs): Stack {
  const { config, stage, providers } = args;
  const production = stage === 'production';
  const name = `${args.app}-${stage}`;
  const sharedOpts = { provider: providers.shared };

  const network = createSharedNetwork({ name, config }, sharedOpts);
  const portal = createPortal(
    {
      name,
      config,
      production,
      bundlePath: args.bundlePath,
      nextAuthSecret: args.nextAuthSecret,
      network: {
        vpcId: network.vpc.id,
        vpcCidr: network.vpcCidr,
        privateSubnetIds: network.privateSubnets.map((s) => s.id),
        endpointSecurityGroupId: network.endpointSecurityGroup.id,
        executeApiEndpointId: network.interfaceEndpoints.executeApi.id,
        executeApiEndpointDns: network.interfaceEndpoints.executeApi.dnsEntries.apply((entries) => ({
          dnsName: entries[0].dnsName,
          hostedZoneId: entries[0].hostedZoneId,
        })),
        dynamodbPrefixListId: network.dynamodbEndpoint.prefixListId,
      },
    },
    sharedOpts,
  );
  const monitoring = createMonitoring(
    {
      name,
      config,
      functionName: portal.fn.name,
      apiName: portal.api.name,
      tableNames: Object.values(portal.tables).map((t) => t.name),
    },
    sharedOpts,
  );
  const healthCheck = createHealthCheck(
    { name, config, functionArn: portal.fn.arn, nextAuthSecret: args.nextAuthSecret },
    sharedOpts,
  );
  const lobs: Record<string, LobAccount> = {};
  for (const lob of config.lobs) {
    lobs[lob.name] = createLobAccount(
      {
        name: `${name}-${lob.name}`,
        config,
        lob,
        production,
        shared: {
          transitGatewayId: network.transitGateway.id,
          sharedVpcCidr: network.vpcCidr,
          sagemakerApiEndpointId: network.interfaceEndpoints.sagemakerApi.id,
          forwardingRuleIds: network.forwardingRules.map((r) => r.id),
          ramShareReady: network.ramPrincipals,
          portalRoleArn: portal.functionRole.arn,
          lobsTableName: portal.tables.lobs.name,
        },
      },
      { lob: { provider: providers.lobs[lob.name] }, shared: sharedOpts },
    );
  }
  let onPremSimulator: OnPremSimulator | undefined;
  if (config.onPremSimulator) {
    if (production) throw new Error('the on-prem simulator is for trying the solution, not for production');
    const sim = config.onPremSimulator;
    onPremSimulator = createOnPremSimulator(
      {
        name: `${name}-onprem-sim`,
        config,
        cidr: sim.cidr,
        azId: sim.azId,
        instance: { amiId: sim.amiId, instanceType: sim.instanceType },
        shared: {
          vpcId: network.vpc.id,
          vpcCidr: network.vpcCidr,
          privateRouteTableId: network.privateRouteTable.id,
          zoneIds: [
            network.hostedZones.studio.zoneId,
            network.hostedZones.executeApi.zoneId,
            ...(portal.customDomainZone ? [portal.customDomainZone.zoneId] : []),
          ],
        },
      },
      sharedOpts,
    );
  }
  return { network, portal, monitoring, healthCheck, lobs, onPremSimulator };
}

/** Stack outputs worth printing after a deploy (no secrets). */
export function describeStack(stack: Stack) {
  return {
    portalUrl: stack.portal.url,
    apiId: stack.portal.api.id,
    userPoolId: stack.portal.userPool.id,
    webClientId: stack.portal.webClient.id,
    cliClientId: stack.portal.cliClient.id,
    transitGatewayId: stack.network.transitGateway.id,
    resolverInboundIps: stack.network.resolverInboundIps,
    studioEndpointId: stack.network.interfaceEndpoints.studio.id,
    executeApiEndpointId: stack.network.interfaceEndpoints.executeApi.id,
    alarmTopicArn: stack.monitoring.topic.arn,
    domains: Object.fromEntries(Object.entries(stack.lobs).map(([lob, account]) => [lob, account.domain.id])),
  };
}
