/**
 * Runs shell scripts taken from the docs against the stand-ins and a built portal on the documented default
 * ports (DynamoDB 8000, Cognito 9229, AWS 4566, portal 3000), so documented commands run unchanged.
 * Meant to run inside its own network namespace (`unshare --net`, see aws-cli-docs.test.ts), where those
 * ports are free whatever else runs on the machine. `aws` resolves to the AWS CLI v2 (/usr/bin/aws).
 * Input: DOC_SCRIPTS_FILE (JSON [{ id, script, env }]); output: one `RESULTS {json}` line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPortal, startStandIns } from '../../local/stack';

interface DocScript {
  id: string;
  script: string;
  env?: Record<string, string>;
}

async function main(): Promise<void> {
  const scripts = JSON.parse(readFileSync(process.env.DOC_SCRIPTS_FILE!, 'utf8')) as DocScript[];
  const standIns = await startStandIns({ ports: { dynamodb: 8000, cognito: 9229, aws: 4566 }, timeoutMs: 120_000 });
  let portal;
  try {
    portal = await startPortal({
      env: { ...standIns.portalEnv, LOG_LEVEL: 'warn' },
      port: 3000,
      distDir: process.env.NEXT_DIST_DIR || '.next',
    });
    // The docs say `aws`: make that the AWS CLI v2, not whatever else is first on PATH (a pip v1).
    const shim = mkdtempSync(path.join(tmpdir(), 'aws-cli-v2-'));
    symlinkSync('/usr/bin/aws', path.join(shim, 'aws'));
    const results = scripts.map(({ id, script, env }) => {
      const r = spawnSync('bash', ['-c', script], {
        cwd: process.cwd(),
        encoding: 'utf8',
        timeout: 180_000,
        env: {
          ...process.env,
          PATH: `${shim}${path.delimiter}${process.env.PATH}`,
          AWS_PAGER: '',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          ...env,
        },
      });
      return { id, status: r.status, stdout: r.stdout, stderr: r.stderr };
    });
    process.stdout.write(`RESULTS ${JSON.stringify(results)}\n`);
  } finally {
    await portal?.stop();
    await standIns.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`doc-commands-runner: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
