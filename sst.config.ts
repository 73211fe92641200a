/// <reference path="./.sst/platform/config.d.ts" />
// Thin composition: load the stage's config, one aws provider per account (deploy role), then infra/stack.ts.
// Everything that can be tested lives in infra/ (npx vitest run infra).

export default $config({
  app(input) {
    const production = input?.stage === 'production';
    return {
      name: 'studio-portal',
      home: 'aws',
      // Production keeps tables, user pool and Studio EFS when removed, and refuses `sst remove`.
      removal: production ? 'retain' : 'remove',
      protect: production,
      // Providers are created per account in run(); the default one is only SST's own home.
      providers: { aws: { region: process.env.STUDIO_PORTAL_REGION ?? 'us-east-1' } },
    };
  },
  async run() {
    const path = await import('node:path');
    const { loadInfraConfig } = await import('./infra/config');
    const { stages } = await import('./infra/stages');
    const { createAccountProviders, createStack, describeStack } = await import('./infra/stack');
    const { preparePortalBundle } = await import('./infra/bundle');

    const config = loadInfraConfig($app.stage, stages);
    const providers = createAccountProviders(config, { app: $app.name, stage: $app.stage });
    // `sst secret set NextAuthSecret "$(openssl rand -base64 48)" --stage <stage>`: never in code or config.
    const nextAuthSecret = new sst.Secret('NextAuthSecret');
    const distDir = process.env.NEXT_DIST_DIR ?? '.next';
    const bundlePath = preparePortalBundle({
      projectDir: process.cwd(),
      distDir,
      outDir: path.join(process.cwd(), '.sst', 'portal-bundle'),
    });

    const stack = createStack({
      app: $app.name,
      stage: $app.stage,
      config,
      providers,
      bundlePath,
      nextAuthSecret: nextAuthSecret.value,
    });
    return describeStack(stack);
  },
});
