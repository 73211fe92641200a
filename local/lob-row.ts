/**
 * A complete LOB row for tests and benches that build their own LOBs (not the demo ones, local/demo-data.ts):
 * every field a LOB has, with plain values (one account, a generator role, JupyterLab), and `changes`.
 */
import type { Lob } from '../lib/directory/types';

export function lobRow(lob: string, changes: Partial<Lob> = {}): Lob {
  return {
    lob,
    displayName: `LOB ${lob}`,
    accountId: '111111111111',
    domainId: `d-${lob}`,
    region: 'us-east-1',
    roleName: 'PresignedUrlGenerator',
    groups: [],
    defaultApp: 'jupyterlab',
    allowedApps: ['jupyterlab', 'codeeditor'],
    sessionDurationSeconds: 7200,
    autoCreateProfile: false,
    enabled: true,
    owners: { users: [], groups: [] },
    acceptsRequests: false,
    maxRequestDays: 90,
    version: 1,
    ...changes,
  };
}
