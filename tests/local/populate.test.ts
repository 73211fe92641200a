import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from './helpers';
import type { RunningStandIns } from '../../local/stand-ins';
import { parseUsersCsv } from '../../scripts/populate';
import { getUserMapping } from '../../lib/directory/users';
import { DAY_MS } from '../../lib/clock';
import { DEMO_USERS, PORTAL_PRINCIPAL, USER_POOL_ID } from '../../local/demo-data';

const run = promisify(execFile);
let stack: RunningStandIns;
let dir: string;

async function populate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/populate.ts', ...args], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, ...stack.portalEnv },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const CSV = `username,email,password,groups,lobs
csv-alice,alice@example.com,AliceCsv1!,lob-b-users;csv-team,lob-a
csv-bob,bob@example.com,BobCsv1!,,lob-a;lob-b
bad user,not-an-email,short,,LOB_X
csv-carol,carol@example.com,CarolCsv1!,,
`;

beforeAll(async () => {
  stack = await startLocalStack({ LOCAL_DEMO_DATA: 'false' });
  dir = mkdtempSync(path.join(tmpdir(), 'populate-'));
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('parseUsersCsv', () => {
  it('splits groups and lobs on ";" and reports bad rows with their line', () => {
    const { rows, problems } = parseUsersCsv(CSV);
    expect(rows.map((r) => [r.line, r.username, r.groups, r.lobs])).toEqual([
      [2, 'csv-alice', ['lob-b-users', 'csv-team'], ['lob-a']],
      [3, 'csv-bob', [], ['lob-a', 'lob-b']],
      [5, 'csv-carol', [], []],
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^line 4: username .*email .*password .*lob "LOB_X"/);
  });

  it('names missing columns', () => {
    expect(() => parseUsersCsv('username,email\nx,y\n')).toThrow(/missing: password, groups, lobs/);
  });
});

describe('npm run populate', () => {
  it('creates the demo users and their rows, and a second run changes nothing', async () => {
    const first = await populate([]);
    expect(first.stdout).toContain(`${DEMO_USERS.length} created, 0 updated, 0 unchanged, 0 skipped`);
    expect(first.code).toBe(0);
    const second = await populate(['--demo']);
    expect(second.stdout).toContain(`0 created, 0 updated, ${DEMO_USERS.length} unchanged, 0 skipped`);
    const cognito = new CognitoIdentityProviderClient({
      endpoint: stack.urls.cognito,
      region: 'us-east-1',
      credentials: PORTAL_PRINCIPAL,
    });
    const login = await cognito.send(
      new InitiateAuthCommand({
        ClientId: 'portal-cli',
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'portal-admin', PASSWORD: 'PortalAdmin1!' },
      }),
    );
    expect(login.AuthenticationResult?.AccessToken).toBeTruthy();
    const groups = await cognito.send(
      new AdminListGroupsForUserCommand({ UserPoolId: USER_POOL_ID, Username: 'portal-admin' }),
    );
    expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['portal-admins']);
  });

  it('gives user-expiring an end date 10 days ahead, as the stand-ins seed it; the other demo members none', async () => {
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: stack.urls.dynamodb, region: 'us-east-1', credentials: PORTAL_PRINCIPAL }),
    );
    // The data layer reads the rows as the portal does (membership shape, `until`).
    const users = { ddb: doc, tables: { users: stack.portalEnv.TABLE_USERS } };
    const expiring = await getUserMapping(users, 'user-expiring');
    expect(expiring?.memberships).toHaveLength(1);
    const [membership] = expiring!.memberships;
    expect(membership).toMatchObject({ lob: 'lob-a', via: 'admin', grantedBy: 'populate' });
    expect(Date.parse(membership.until!) - Date.parse(membership.grantedAt!)).toBe(10 * DAY_MS);
    expect(Math.abs(Date.parse(membership.until!) - (Date.now() + 10 * DAY_MS))).toBeLessThan(5 * 60_000);
    const permanent = await getUserMapping(users, 'user-lob-a');
    expect(permanent?.memberships.map((m) => m.until)).toEqual([undefined]);
  });

  it('loads a CSV, skips the bad row with its line number, creates missing groups, and is idempotent', async () => {
    const file = path.join(dir, 'users.csv');
    writeFileSync(file, CSV);
    const first = await populate(['--csv', file]);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/skipped line 4: /);
    expect(first.stdout).toContain('group csv-team: created');
    expect(first.stdout).toContain('3 created, 0 updated, 0 unchanged, 1 skipped');

    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: stack.urls.dynamodb, region: 'us-east-1', credentials: PORTAL_PRINCIPAL }),
    );
    const bob = await doc.send(
      new GetCommand({ TableName: stack.portalEnv.TABLE_USERS, Key: { username: 'csv-bob' } }),
    );
    expect(bob.Item).toMatchObject({ lobs: ['lob-a', 'lob-b'], version: 1, kind: 'user', updatedBy: 'populate' });
    const carol = await doc.send(
      new GetCommand({ TableName: stack.portalEnv.TABLE_USERS, Key: { username: 'csv-carol' } }),
    );
    expect(carol.Item).toBeUndefined();

    writeFileSync(
      file,
      CSV.replace('csv-bob,bob@example.com,BobCsv1!,,lob-a;lob-b', 'csv-bob,bob@example.com,BobCsv1!,,lob-b'),
    );
    const second = await populate(['--csv', file]);
    expect(second.stdout).toContain('0 created, 1 updated, 2 unchanged, 1 skipped');
    const bob2 = await doc.send(
      new GetCommand({ TableName: stack.portalEnv.TABLE_USERS, Key: { username: 'csv-bob' } }),
    );
    expect(bob2.Item).toMatchObject({ lobs: ['lob-b'], version: 2 });
  });

  it('fails with a clear message when configuration is missing', async () => {
    const { code, stderr } = await (async () => {
      try {
        await run(process.execPath, ['--import', 'tsx', 'scripts/populate.ts'], {
          cwd: path.resolve(__dirname, '../..'),
          env: { PATH: process.env.PATH ?? '' } as unknown as NodeJS.ProcessEnv,
        });
        return { code: 0, stderr: '' };
      } catch (error) {
        return error as { code: number; stderr: string };
      }
    })();
    expect(code).toBe(2);
    expect(stderr).toContain('missing environment variable(s): AWS_REGION, COGNITO_USER_POOL_ID');
  });
});
