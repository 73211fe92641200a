/**
 * docs/api.md's /api/v1 examples, run verbatim: its ```bash blocks are one shell session (curl + jq)
 * against a running portal and the stand-ins, with the variables the docs name (PORTAL, TOKEN_URL, the
 * CLIENT_ID / CLIENT_SECRET of a client registered on /admin/clients, people's USER_TOKEN, EXPIRING_TOKEN
 * and ONCALL_TOKEN). Every command must succeed (`set -euo pipefail`), and the outputs the docs show (the
 * `# ` lines right after a command) must appear, in order.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortalStack, type PortalStack } from '../support/portal-stack';
import { signIn } from '../support/http-session';
import { personToken, registerClient, tokenUrl } from '../support/api-v1';
import { API_SCOPE_NAMES } from '@/lib/api/scopes';

const DOC = readFileSync(path.resolve('docs/api.md'), 'utf8');

/** The ```bash blocks of the /api/v1 part of docs/api.md. */
function bashBlocks(): string[] {
  const part = DOC.slice(DOC.indexOf('# The administration API'));
  return [...part.matchAll(/^```bash\n([\s\S]*?)^```/gm)].map((m) => m[1]);
}

/** The `# ` lines directly after a command line (a blank line or a command ends them): the shown output. */
function shownOutputs(block: string): string[] {
  const out: string[] = [];
  let afterCommand = false;
  for (const line of block.split('\n')) {
    if (line.startsWith('# ')) {
      if (afterCommand) out.push(line.slice(2));
    } else afterCommand = line.trim() !== '';
  }
  return out;
}

function run(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let stack: PortalStack;
let env: Record<string, string>;

beforeAll(async () => {
  stack = await startPortalStack();
  const admin = await signIn(stack.url, 'portal-admin', 'PortalAdmin1!');
  // Every scope the API has (lib/api/scopes.ts).
  const scopes = [...API_SCOPE_NAMES];
  const client = await registerClient(stack, admin, { name: 'docs', scopes, allLobs: true });
  env = {
    PORTAL: stack.url,
    TOKEN_URL: tokenUrl(stack),
    CLIENT_ID: client.clientId,
    CLIENT_SECRET: client.secret,
    USER_TOKEN: await personToken(stack, 'new-user', 'NewUser1!'),
    EXPIRING_TOKEN: await personToken(stack, 'user-expiring', 'UserExpiring1!'),
    ONCALL_TOKEN: await personToken(stack, 'oncall-lob-a', 'OncallLobA1!'),
  };
});

afterAll(async () => {
  await stack?.stop();
});

describe('docs/api.md: the /api/v1 curl examples', () => {
  it('has a section per resource and a pipeline example', () => {
    for (const heading of [
      '## Tokens',
      '## LOBs',
      '## Members',
      '## Access requests',
      '## Access reviews',
      '## Audit log',
      '## Usage',
      '## Emergency access',
      '## A pipeline',
    ]) {
      expect(DOC).toContain(heading);
    }
    expect(bashBlocks().length).toBeGreaterThanOrEqual(10);
  });

  it('runs verbatim, every command succeeding with the output shown', async () => {
    const blocks = bashBlocks();
    const result = await run(['set -euo pipefail', ...blocks].join('\n'), env);
    expect(result.code, `${result.stderr}\n${result.stdout}`).toBe(0);
    const lines = result.stdout.split('\n');
    let at = 0;
    for (const expected of blocks.flatMap(shownOutputs)) {
      const found = lines.indexOf(expected, at);
      expect(
        found,
        `"${expected}" not printed (in order) by the documented commands:\n${result.stdout}`,
      ).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
  });
});
