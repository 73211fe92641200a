import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { API_SCOPE_NAMES } from '../lib/api/scopes';
import { resourcesOfType, T } from './testing/pulumi-mocks';
import { buildTestConfig, createTestPortal } from './testing/fixtures';

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'portal-bundle-'));
  writeFileSync(path.join(dir, 'run.sh'), '#!/bin/sh\nexec node server.js\n');
  writeFileSync(path.join(dir, 'server.js'), '');
  await createTestPortal({ config: buildTestConfig(), bundlePath: dir });
});

describe('the /api/v1 resource server', () => {
  it('is created in the portal user pool with every scope the API checks', () => {
    const servers = resourcesOfType('aws:cognito/resourceServer:ResourceServer');
    expect(servers).toHaveLength(1);
    const [server] = servers;
    expect(server.inputs.identifier).toBe('studio-portal');
    const [pool] = resourcesOfType(T.userPool);
    expect(server.inputs.userPoolId).toBe(String(pool.state.arn).split('/').pop());
    expect(server.inputs.scopes.map((s: { scopeName: string }) => s.scopeName).sort()).toEqual(
      [...API_SCOPE_NAMES].sort(),
    );
    for (const scope of server.inputs.scopes) expect(scope.scopeDescription.length).toBeGreaterThan(5);
  });
});
