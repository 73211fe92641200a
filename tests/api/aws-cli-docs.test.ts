/**
 * Every AWS CLI command the README and docs/ show, run exactly as documented with the AWS CLI v2
 * (/usr/bin/aws) against a running portal and the stand-ins on the documented ports: the README's
 * `initiate-auth` + `curl` (302), docs/api.md command by command, and the DynamoDB (transactions), STS
 * and SageMaker commands of docs/local-stand-ins.md, refusals included. The commands are read from the
 * markdown, so docs and test cannot drift; a command the docs show that no test runs fails the test
 * unless it is listed below as needing a real AWS account.
 *
 * The documented ports (3000, 9229, 8000, 4566) are fixed, so everything runs in a network namespace of
 * its own (`unshare --net`, root only; skipped with a message elsewhere) where they are free.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../local/demo-data';
import { assertBuilt, distDir } from '../support/portal-stack';

const ROOT = path.resolve(__dirname, '../..');
const DOCS = [
  'README.md',
  ...[
    'api.md',
    'admin.md',
    'configuration.md',
    'contracts.md',
    'deploy.md',
    'e2e.md',
    'local-stand-ins.md',
    'performance.md',
  ].map((f) => `docs/${f}`),
].filter((f) => existsSync(path.join(ROOT, f)));
/** What the README says the AWS CLI needs (any credentials in the environment). */
const README_ENV = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1' };
/** AWS CLI commands the docs show for a real deployment only (placeholders, real accounts): not run here. */
const REAL_AWS_ONLY = [
  'aws cognito-idp admin-create-user', // docs/deploy.md: "create users (aws cognito-idp admin-create-user ...)" in a deployed pool
  'aws ram enable-sharing-with-aws-organization', // docs/deploy.md: an Organizations setting
  'aws sagemaker list-apps', // docs/deploy.md clean-up: a real domain id (d-...)
  'aws ssm start-session', // docs/deploy.md: Session Manager to a real instance
];

const canRun = process.getuid?.() === 0 && existsSync('/usr/bin/unshare') && existsSync('/usr/bin/aws');
const why = !existsSync('/usr/bin/aws')
  ? 'the AWS CLI v2 (/usr/bin/aws) is missing: apt-get install -y awscli'
  : 'needs root for a network namespace (unshare --net) with the documented ports free';

function read(file: string): string {
  return readFileSync(path.join(ROOT, file), 'utf8');
}

/** The ```sh blocks of a markdown file (also indented ones inside lists), dedented. */
function shellBlocks(file: string): string[] {
  const blocks: string[] = [];
  for (const m of read(file).matchAll(/^( *)```sh\n([\s\S]*?)^\1```/gm)) {
    blocks.push(
      m[2]
        .split('\n')
        .map((l) => l.slice(m[1].length))
        .join('\n'),
    );
  }
  return blocks;
}

/** Every `aws <service> <operation>` written in a text. */
function awsCommands(text: string): string[] {
  return [
    ...text.matchAll(
      /(?<![\w/-])aws (cognito-idp|dynamodb|sts|sagemaker|ssm|ram|iam|s3|ec2|lambda|apigateway|route53|kms|logs|cloudformation|organizations) ([a-z0-9-]+)/g,
    ),
  ].map((m) => `aws ${m[1]} ${m[2]}`);
}

interface Result {
  id: string;
  status: number | null;
  stdout: string;
  stderr: string;
}

const readmeBlock = () => shellBlocks('README.md').find((b) => b.includes('aws cognito-idp initiate-auth'))!;
const apiSession = () => shellBlocks('docs/api.md').join('\n');
const standInBlocks = () =>
  shellBlocks('docs/local-stand-ins.md').filter((b) =>
    /(^|\n)\s*(\S+=\S+ )*aws |\$\(aws |\baws sts|\baws sagemaker|\baws dynamodb/.test(b),
  );

const scripts = () => [
  { id: 'readme', script: readmeBlock(), env: README_ENV },
  // docs/api.md is one terminal session, block after block; its first block exports the credentials itself.
  { id: 'api', script: apiSession() },
  ...standInBlocks().map((script, i) => ({ id: `stand-ins-${i}`, script, env: README_ENV })),
];

let results: Map<string, Result>;
if (!canRun) console.warn(`aws-cli-docs: the documented commands are not run here: ${why}`);

describe.skipIf(!canRun)('AWS CLI v2 commands of the README and docs, as documented', () => {
  beforeAll(async () => {
    assertBuilt();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'doc-scripts-')), 'scripts.json');
    writeFileSync(file, JSON.stringify(scripts()));
    const runner = path.join(ROOT, 'tests', 'support', 'doc-commands-runner.ts');
    const child = spawn(
      'unshare',
      ['--net', '--', 'sh', '-c', 'ip link set lo up && exec "$0" --import tsx "$1"', process.execPath, runner],
      {
        cwd: ROOT,
        env: { ...process.env, DOC_SCRIPTS_FILE: file, NEXT_DIST_DIR: distDir() },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const line = out.split('\n').find((l) => l.startsWith('RESULTS '));
    if (!line) throw new Error(`doc commands did not run (exit ${code}):\n${err.slice(-3000)}`);
    if (process.env.DOC_RESULTS_DUMP) writeFileSync(process.env.DOC_RESULTS_DUMP, line.slice(8));
    results = new Map((JSON.parse(line.slice(8)) as Result[]).map((r) => [r.id, r]));
  }, 400_000);

  it("README: the initiate-auth + curl lines get a 302 to the user's Studio", () => {
    expect(readmeBlock()).toContain(
      'curl -i -H "Authorization: Bearer $TOKEN" http://localhost:3000/api/studio/user-lob-a',
    );
    const r = results.get('readme')!;
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 302 /m);
    expect(r.stdout).toMatch(/^location: http:\/\/d-loba1example\.studio\.us-east-1\.localhost:4566\/auth\?token=/im);
    expect(r.stdout).toMatch(/^cache-control: no-store/im);
  });

  it('docs/api.md, command by command: 302, JSON, then 401 and the two 403s', () => {
    const r = results.get('api')!;
    const statuses = [...r.stdout.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
    expect(statuses).toEqual([302, 401, 403, 403]);
    expect(r.stdout).toMatch(
      /\{"url":"http:\/\/d-loba1example\.studio\.[^"]+","expiresAt":"[^"]+","lob":"lob-a","accountId":"111111111111","domainId":"d-loba1example"/,
    );
    expect(r.stdout).toMatch(/auth\.forbidden/);
    expect(r.stdout).toMatch(/user\.not_mapped/);
  });

  it('docs/local-stand-ins.md: initiate-auth answers with Cognito tokens', () => {
    const i = standInBlocks().findIndex((b) => b.includes('initiate-auth'));
    const r = results.get(`stand-ins-${i}`)!;
    expect(r.status).toBe(0);
    const auth = JSON.parse(r.stdout).AuthenticationResult;
    expect(auth).toMatchObject({ TokenType: 'Bearer', ExpiresIn: expect.any(Number) });
    expect(auth.AccessToken.split('.')).toHaveLength(3);
  });

  it('docs/local-stand-ins.md: DynamoDB Local on port 8000 takes a transaction, then refuses it again on its condition', () => {
    const i = standInBlocks().findIndex((b) => b.includes('transact-write-items'));
    const r = results.get(`stand-ins-${i}`)!;
    expect(r.stdout.split('\n')[0].split('\t').sort()).toEqual(Object.values(TABLES).sort());
    expect(JSON.parse(r.stdout.slice(r.stdout.indexOf('\n') + 1))).toEqual({ L: [{ S: 'lob-b' }] });
    // Only the second transaction fails, on the user's condition; the audit Put was fine.
    expect(r.stderr.match(/TransactionCanceledException/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/\[ConditionalCheckFailed, None\]/);
    expect(r.status).not.toBe(0);
  });

  it('docs/local-stand-ins.md: STS and SageMaker through the CLI, with their refusals', () => {
    const i = standInBlocks().findIndex((b) => b.includes('aws sts assume-role'));
    const r = results.get(`stand-ins-${i}`)!;
    const [arn, url] = r.stdout.trim().split('\n');
    expect(arn).toBe('arn:aws:sts::111111111111:assumed-role/PresignedUrlGenerator/cli-check');
    expect(url).toMatch(/^http:\/\/d-loba1example\.studio\.us-east-1\.localhost:4566\/auth\?token=/);
    expect(r.stderr).toMatch(
      /\(AccessDenied\) when calling the AssumeRole operation: User: arn:aws:iam::\d+:user\/\S+ is not authorized/,
    );
    expect(r.stderr).toMatch(/\(AccessDeniedException\) when calling the CreatePresignedDomainUrl operation/);
  });
});

describe('AWS CLI commands in the docs', () => {
  it('are all run by the test above, except the ones for a real AWS account listed in this file', () => {
    const run = new Set(scripts().flatMap((s) => awsCommands(s.script)));
    const shown = new Set(DOCS.flatMap((f) => awsCommands(read(f))));
    const notRun = [...shown].filter((c) => !run.has(c)).sort();
    expect(notRun).toEqual([...REAL_AWS_ONLY].sort());
    expect([...run].sort()).toEqual(
      expect.arrayContaining([
        'aws cognito-idp initiate-auth',
        'aws dynamodb transact-write-items',
        'aws sagemaker create-presigned-domain-url',
        'aws sts assume-role',
      ]),
    );
  });
});

// The docs' commands need v2 (v1 has other output and options).
describe.skipIf(!existsSync('/usr/bin/aws'))('the AWS CLI the docs run', () => {
  it('is v2', () => {
    expect(spawnSync('/usr/bin/aws', ['--version'], { encoding: 'utf8' }).stdout).toMatch(/^aws-cli\/2\./);
  });
});
