/**
 * npm run populate [-- --csv users.csv | --demo]
 *
 * Creates users in the Cognito user pool (initial password, group memberships) through the Admin*
 * API and their Users-table rows, from a CSV (username,email,password,groups,lobs; groups and lobs
 * separated by ";") or from the demo set. Idempotent: existing users keep their password, missing
 * groups are added, rows are written only when their lobs differ. A bad row is reported with its line
 * number and skipped; the exit code is then 1.
 *
 * Configuration: the portal's variables (AWS_REGION, COGNITO_USER_POOL_ID, COGNITO_ENDPOINT,
 * DYNAMODB_ENDPOINT, TABLE_USERS) and the default AWS credential chain.
 */
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  GetGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createDocumentClient } from '../lib/aws/clients';
import { getUserMapping, putUserMapping } from '../lib/directory/users';
import { DAY_MS } from '../lib/clock';
import { DEMO_USERS } from '../local/demo-data';

export interface PopulateRow {
  line: number;
  username: string;
  email: string;
  password: string;
  groups: string[];
  lobs: string[];
  /** The memberships end this many days after they are written (the demo's user-expiring); absent = no end. */
  endsAfterDays?: number;
}

export class PopulateInputError extends Error {
  readonly code = 'input.invalid';
}

const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const GROUP = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
const LOB = /^[a-z0-9][a-z0-9-]{0,62}$/;
const COLUMNS = ['username', 'email', 'password', 'groups', 'lobs'];

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Parses and validates the CSV; returns good rows and one message per bad row. */
export function parseUsersCsv(text: string): { rows: PopulateRow[]; problems: string[] } {
  const parsed = Papa.parse<Record<string, string>>(text, {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (h) => h.trim().toLowerCase(),
  });
  const missing = COLUMNS.filter((c) => !(parsed.meta.fields ?? []).includes(c));
  if (missing.length)
    throw new PopulateInputError(`CSV header must have columns ${COLUMNS.join(',')}; missing: ${missing.join(', ')}`);
  const problems: string[] = [];
  const rows: PopulateRow[] = [];
  const badRows = new Set<number>();
  for (const error of parsed.errors) {
    if (error.row !== undefined) {
      badRows.add(error.row);
      problems.push(`line ${error.row + 2}: ${error.message}`);
    }
  }
  const seen = new Set<string>();
  parsed.data.forEach((record, index) => {
    const line = index + 2;
    if (badRows.has(index)) return;
    const username = (record.username ?? '').trim();
    const email = (record.email ?? '').trim();
    const password = record.password ?? '';
    const groups = splitList(record.groups);
    const lobs = splitList(record.lobs);
    const wrong: string[] = [];
    if (!USERNAME.test(username)) wrong.push('username is missing or not a valid Cognito username');
    if (seen.has(username)) wrong.push(`username ${username} appears more than once`);
    if (!EMAIL.test(email)) wrong.push('email is missing or not an email address');
    if (password.length < 8) wrong.push('password must have at least 8 characters');
    for (const g of groups) if (!GROUP.test(g)) wrong.push(`group "${g}" is not a valid group name`);
    for (const l of lobs) if (!LOB.test(l)) wrong.push(`lob "${l}" must be lowercase letters, digits and dashes`);
    if (wrong.length) {
      problems.push(`line ${line}: ${wrong.join('; ')}`);
      return;
    }
    seen.add(username);
    rows.push({ line, username, email, password, groups, lobs });
  });
  return { rows, problems };
}

export function demoRows(): PopulateRow[] {
  return DEMO_USERS.map((u, i) => ({
    line: i + 1,
    username: u.username,
    email: u.email,
    password: u.password,
    groups: u.groups,
    lobs: u.lobs,
    ...(u.endsAfterDays ? { endsAfterDays: u.endsAfterDays } : {}),
  }));
}

interface Config {
  region: string;
  userPoolId: string;
  cognitoEndpoint?: string;
  dynamodbEndpoint?: string;
  usersTable: string;
}

function readConfig(env = process.env): Config {
  const missing = ['AWS_REGION', 'COGNITO_USER_POOL_ID'].filter((k) => !env[k]?.trim());
  if (missing.length) throw new PopulateInputError(`missing environment variable(s): ${missing.join(', ')}`);
  return {
    region: env.AWS_REGION!.trim(),
    userPoolId: env.COGNITO_USER_POOL_ID!.trim(),
    cognitoEndpoint: env.COGNITO_ENDPOINT?.trim() || undefined,
    dynamodbEndpoint: env.DYNAMODB_ENDPOINT?.trim() || undefined,
    usersTable: env.TABLE_USERS?.trim() || 'studio-portal-users',
  };
}

type Outcome = 'created' | 'updated' | 'unchanged';

export async function populate(
  rows: PopulateRow[],
  config: Config,
  log: (line: string) => void,
): Promise<{ outcomes: Record<Outcome, number>; failures: string[] }> {
  const cognito = new CognitoIdentityProviderClient({ region: config.region, endpoint: config.cognitoEndpoint });
  const dynamo = createDocumentClient({ region: config.region, endpoint: config.dynamodbEndpoint });
  // Only the Users table is written; the data layer takes its name from here.
  const users = { ddb: dynamo, tables: { users: config.usersTable } };
  const UserPoolId = config.userPoolId;
  const outcomes: Record<Outcome, number> = { created: 0, updated: 0, unchanged: 0 };
  const failures: string[] = [];
  const knownGroups = new Set<string>();

  const ensureGroup = async (GroupName: string) => {
    if (knownGroups.has(GroupName)) return;
    try {
      await cognito.send(new GetGroupCommand({ UserPoolId, GroupName }));
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      await cognito.send(new CreateGroupCommand({ UserPoolId, GroupName }));
      log(`group ${GroupName}: created`);
    }
    knownGroups.add(GroupName);
  };

  for (const row of rows) {
    try {
      let outcome: Outcome = 'unchanged';
      let existing = true;
      let sub: string | undefined;
      try {
        const found = await cognito.send(new AdminGetUserCommand({ UserPoolId, Username: row.username }));
        sub = found.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
      } catch (error) {
        if ((error as Error).name !== 'UserNotFoundException') throw error;
        existing = false;
      }
      if (!existing) {
        const created = await cognito.send(
          new AdminCreateUserCommand({
            UserPoolId,
            Username: row.username,
            TemporaryPassword: row.password,
            MessageAction: 'SUPPRESS',
            UserAttributes: [
              { Name: 'email', Value: row.email },
              { Name: 'email_verified', Value: 'true' },
            ],
          }),
        );
        sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
        await cognito.send(
          new AdminSetUserPasswordCommand({
            UserPoolId,
            Username: row.username,
            Password: row.password,
            Permanent: true,
          }),
        );
        outcome = 'created';
      }
      const current = existing
        ? new Set(
            (
              await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId, Username: row.username, Limit: 60 }))
            ).Groups?.map((g) => g.GroupName),
          )
        : new Set<string | undefined>();
      for (const group of row.groups) {
        if (current.has(group)) continue;
        await ensureGroup(group);
        await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: row.username, GroupName: group }));
        if (outcome === 'unchanged') outcome = 'updated';
      }
      if (row.lobs.length) {
        const current = await getUserMapping(users, row.username);
        const sameLobs = current && JSON.stringify([...current.lobs].sort()) === JSON.stringify([...row.lobs].sort());
        // Rows are bound to the user's pool `sub` (issue 23): an unbound row is bound here (the demo's backfill).
        if (!sameLobs || (sub && current?.sub !== sub)) {
          const now = new Date().toISOString();
          // As the stand-ins seed it (local/demo-data.ts): user-expiring's membership ends 10 days from now.
          const until = row.endsAfterDays
            ? { until: new Date(Date.parse(now) + row.endsAfterDays * DAY_MS).toISOString() }
            : {};
          // Optimistic concurrency, as the portal's admin does.
          await putUserMapping(
            users,
            {
              username: row.username,
              lobs: row.lobs,
              memberships: row.lobs.map((lob) => ({
                lob,
                via: 'admin',
                grantedBy: 'populate',
                grantedAt: now,
                ...until,
              })),
              ...(sub ? { sub } : {}),
              version: (current?.version ?? 0) + 1,
              createdAt: current?.createdAt ?? now,
              updatedAt: now,
              updatedBy: 'populate',
            },
            current?.version ?? null,
          );
          if (outcome === 'unchanged') outcome = 'updated';
        }
      }
      outcomes[outcome] += 1;
      log(`line ${row.line} ${row.username}: ${outcome}`);
    } catch (error) {
      const e = error as Error;
      const message = `line ${row.line} ${row.username}: ${e.name}: ${e.message}`;
      failures.push(message);
      log(message);
    }
  }
  cognito.destroy();
  dynamo.destroy();
  return { outcomes, failures };
}

async function main(argv: string[]): Promise<number> {
  const csvIndex = argv.indexOf('--csv');
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('usage: npm run populate -- [--csv users.csv | --demo]\n');
    return 0;
  }
  const config = readConfig();
  let rows: PopulateRow[];
  let problems: string[] = [];
  if (csvIndex >= 0) {
    const file = argv[csvIndex + 1];
    if (!file) throw new PopulateInputError('--csv needs a file name');
    ({ rows, problems } = parseUsersCsv(readFileSync(file, 'utf8')));
  } else {
    rows = demoRows();
  }
  for (const problem of problems) process.stderr.write(`skipped ${problem}\n`);
  const result = await populate(rows, config, (line) => process.stdout.write(`${line}\n`));
  for (const failure of result.failures) process.stderr.write(`failed ${failure}\n`);
  const skipped = problems.length + result.failures.length;
  process.stdout.write(
    `populate: ${result.outcomes.created} created, ${result.outcomes.updated} updated, ${result.outcomes.unchanged} unchanged, ${skipped} skipped\n`,
  );
  return skipped > 0 ? 1 : 0;
}

// Run when executed (npm run populate), not when imported by tests.
if (process.argv[1] && /populate\.[cm]?[tj]s$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`populate: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}
