// sst.config.ts itself, with the globals the SST CLI would provide ($config, $app, sst.Secret) stubbed:
// the stage settings (retain/protect) and that run() composes the stack from infra/ and returns outputs.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPulumiMocks, promiseOf, resourcesOfType, settle, T } from './testing/pulumi-mocks';

interface AppSettings {
  name: string;
  home: string;
  removal: string;
  protect: boolean;
}
let previousCwd = '';
let sstConfig: { app(input?: { stage?: string }): AppSettings; run(): Promise<Record<string, pulumi.Input<unknown>>> };

beforeAll(async () => {
  await installPulumiMocks('dev');
  const g = globalThis as Record<string, unknown>;
  g.$config = (input: unknown) => input;
  g.$app = { name: 'studio-portal', stage: 'dev' };
  g.sst = {
    Secret: class {
      value = pulumi.secret('z'.repeat(48));
    },
  };
  // run() bundles the standalone build found in the working directory.
  const project = mkdtempSync(path.join(tmpdir(), 'sst-project-'));
  mkdirSync(path.join(project, '.next', 'standalone'), { recursive: true });
  writeFileSync(path.join(project, '.next', 'standalone', 'server.js'), '');
  previousCwd = process.cwd();
  process.chdir(project);
  // Imported by path at run time so `tsc` does not type-check sst.config.ts (its types come from .sst/platform).
  const configPath = new URL('../sst.config.ts', import.meta.url).pathname;
  sstConfig = ((await import(/* @vite-ignore */ configPath)) as { default: typeof sstConfig }).default;
});

afterAll(() => process.chdir(previousCwd));

describe('sst.config.ts', () => {
  it('production retains resources on removal and is protected; other stages are removable', () => {
    expect(sstConfig.app({ stage: 'production' })).toMatchObject({
      name: 'studio-portal',
      home: 'aws',
      removal: 'retain',
      protect: true,
    });
    expect(sstConfig.app({ stage: 'alice' })).toMatchObject({ removal: 'remove', protect: false });
  });

  it('run() composes network, portal and every LOB from infra/ and returns the outputs operators need', async () => {
    const outputs = await sstConfig.run();
    await settle();
    expect(Object.keys(outputs).sort()).toEqual([
      'alarmTopicArn',
      'apiId',
      'cliClientId',
      'domains',
      'executeApiEndpointId',
      'portalUrl',
      'resolverInboundIps',
      'studioEndpointId',
      'transitGatewayId',
      'userPoolId',
      'webClientId',
    ]);
    expect(await promiseOf(outputs.portalUrl as pulumi.Output<string>)).toMatch(
      /^https:\/\/.+\.execute-api\.us-east-1\.amazonaws\.com\/portal$/,
    );
    expect(resourcesOfType(T.sagemakerDomain)).toHaveLength(2);
    expect(resourcesOfType(T.provider)).toHaveLength(3);
    expect(resourcesOfType(T.lambda)[0].inputs.environment.variables.NEXTAUTH_SECRET).toBe('z'.repeat(48));
  });
});
