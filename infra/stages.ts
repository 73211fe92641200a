// Per-stage deployment settings. Account ids below are the demo placeholders from docs/contracts.md:
// replace them (or point STUDIO_PORTAL_INFRA_CONFIG at a JSON file) before deploying.
import type { InfraConfigInput } from './config';

const lobs: InfraConfigInput['lobs'] = [
  {
    name: 'lob-a',
    displayName: 'Line of Business A',
    accountId: '111111111111',
    vpcCidr: '10.1.0.0/16',
    users: ['user-lob-a', 'user-multi', 'user-group-a', 'portal-admin'],
    groups: ['lob-a-users'],
    autoCreateProfile: false,
  },
  {
    name: 'lob-b',
    displayName: 'Line of Business B',
    accountId: '222222222222',
    vpcCidr: '10.2.0.0/16',
    users: ['user-lob-b', 'user-multi'],
    groups: ['lob-b-users'],
    autoCreateProfile: true,
  },
];

const base: InfraConfigInput = {
  region: 'us-east-1',
  azIds: ['use1-az1', 'use1-az2'],
  corporateCidrs: ['192.168.0.0/16'],
  sharedServices: { accountId: '999999999999', vpcCidr: '10.0.0.0/16' },
  lobs,
};

export const stages: Record<string, InfraConfigInput> = {
  dev: base,
  production: {
    ...base,
    portal: {
      authMode: 'hosted-ui',
      hostedUiDomainPrefix: 'studio-portal-example',
      logRetentionDays: 400,
      // The API's border and the user pool's threat protection (issue 24); the audit archive keeps 7 years.
      border: {
        throttleRatePerSecond: 100,
        throttleBurst: 200,
        reservedConcurrency: 100,
        wafRequestsPerIpPer5Min: 2000,
      },
      threatProtection: 'ENFORCED',
      auditArchive: { retentionYears: 7, bufferSeconds: 300 },
      // Browsers need a custom domain: the execute-api URL carries the stage as a path prefix (docs/deploy.md).
      customDomain: {
        domainName: 'studio.corp.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:999999999999:certificate/replace-me',
      },
    },
  },
};
