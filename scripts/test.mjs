#!/usr/bin/env node
// `npm test`: the whole suite on a fresh machine. Installs what the tests need (npm packages; as root,
// Debian's Chromium, headless Java for DynamoDB Local and the AWS CLI v2), runs on the project's Node.js
// (npm `node@22`, also when a system Node 20 started it), builds the portal once, then runs vitest, the
// browser tests and the simulated-network tests, and prints one total. Plain Node: it must run before `npm install`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOnProjectNode } from './project-node.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const results = [];

function run(label, cmd, args, opts = {}) {
  const started = Date.now();
  console.log(`\n=== ${label}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...opts.env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = r.status === 0;
  console.log(`=== ${label}: ${ok ? 'ok' : `failed (exit ${r.status ?? r.signal})`} in ${seconds} s`);
  return ok;
}

function needsInstall() {
  if (!existsSync('node_modules/.package-lock.json')) return true;
  return statSync('package-lock.json').mtimeMs > statSync('node_modules/.package-lock.json').mtimeMs;
}

function hasJava() {
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  return spawnSync(java, ['-version'], { stdio: 'ignore' }).status === 0;
}

/** Debian packages the suites need: Chromium (browser tests), Java (DynamoDB Local), the AWS CLI v2 (/usr/bin/aws). */
function ensureSystemPackages() {
  const missing = [];
  if (!existsSync('/usr/bin/chromium')) missing.push('chromium', 'iproute2', 'curl');
  if (!hasJava()) missing.push('default-jre-headless');
  if (!existsSync('/usr/bin/aws')) missing.push('awscli');
  if (!missing.length) return true;
  if (!isRoot) {
    console.warn(`Missing system packages; install them with: sudo apt-get install -y ${missing.join(' ')}`);
    return false;
  }
  run('apt-get update', 'apt-get', ['update', '-qq']);
  return run(`install ${missing.join(' ')}`, 'apt-get', ['install', '-y', '-qq', ...missing], {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
}

if (needsInstall() && !run('install packages', 'npm', ['ci', '--no-audit', '--no-fund'])) process.exit(1);
await runOnProjectNode(root, fileURLToPath(import.meta.url), 'test');
console.log(`=== Node.js ${process.version} (${process.execPath})`);
ensureSystemPackages();
mkdirSync('test-results', { recursive: true });

if (process.env.SKIP_BUILD !== '1') {
  if (!run('build portal', 'npx', ['next', 'build'], { env: { NEXT_TELEMETRY_DISABLED: '1' } })) process.exit(1);
}

const suites = [
  { label: 'lint (eslint, zero warnings)', cmd: 'npm', args: ['run', '--silent', 'lint'] },
  // Prettier (.prettierrc.json, width 120): an unformatted file fails the run; `npm run format` fixes it.
  { label: 'format (prettier --check)', cmd: 'npm', args: ['run', '--silent', 'format:check'] },
  // High/critical advisories in runtime dependencies fail it (allow-list: scripts/audit-allowlist.json).
  {
    label: 'dependency audit (npm audit --omit=dev, high and critical)',
    cmd: 'node',
    args: ['scripts/audit-deps.mjs'],
  },
  {
    label: 'vitest (stand-ins, portal, API, admin, resilience, infra)',
    cmd: 'npx',
    args: ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/vitest.json'],
    report: 'test-results/vitest.json',
  },
  {
    label: 'playwright (browser)',
    cmd: 'npx',
    args: ['playwright', 'test'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: 'test-results/playwright.json' },
    report: 'test-results/playwright.json',
  },
  {
    label: 'playwright (simulated corporate network)',
    cmd: 'npx',
    args: ['playwright', 'test', '-c', 'e2e/netns/playwright.config.ts'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: 'test-results/playwright-netns.json' },
    report: 'test-results/playwright-netns.json',
    when: () => existsSync('e2e/netns/playwright.config.ts'),
  },
];

const only = process.argv.slice(2);
for (const s of suites) {
  if (s.when && !s.when()) continue;
  if (only.length && !only.some((o) => s.label.includes(o))) continue;
  const ok = run(s.label, s.cmd, s.args, { env: s.env });
  const report = readReport(s.report);
  results.push({ ...s, ok, counts: report && countsOf(report), failures: report ? failuresOf(report) : [] });
}

/**
 * What failed, a line each, for the summary: CI often keeps only the tail of the output. Values that could be
 * secrets (JWTs, query-string values such as a presigned URL's signature) are masked.
 */
function failuresOf(j) {
  const mask = (text) =>
    String(text ?? '')
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(0, 3)
      .join(' | ')
      .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '<jwt>')
      .replace(/([?&][^=\s&]+=)[^&\s"'`]+/g, '$1…')
      .slice(0, 400);
  if ('testResults' in j) {
    return j.testResults.flatMap((t) =>
      t.assertionResults
        .filter((a) => a.status === 'failed')
        .map((a) => `${path.relative(root, t.name)} › ${a.fullName}: ${mask(a.failureMessages?.[0])}`),
    );
  }
  const out = [];
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'unexpected') continue;
        const error = test.results?.find((r) => r.error)?.error;
        out.push(`${spec.file}:${spec.line} › ${[...titles, spec.title].join(' › ')}: ${mask(error?.message)}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child, suite.title && !suite.file ? [...titles, suite.title] : titles);
  };
  for (const suite of j.suites ?? []) walk(suite, []);
  return out;
}

/** A suite's JSON report (vitest or Playwright), or null when it wrote none. */
function readReport(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function countsOf(j) {
  if ('numPassedTests' in j) {
    return { passed: j.numPassedTests, failed: j.numFailedTests, skipped: j.numPendingTests + (j.numTodoTests ?? 0) };
  }
  const st = j.stats ?? {};
  return { passed: (st.expected ?? 0) + (st.flaky ?? 0), failed: st.unexpected ?? 0, skipped: st.skipped ?? 0 };
}

let passed = 0,
  failed = 0,
  skipped = 0;
console.log('\n=== summary');
for (const r of results) {
  const c = r.counts ?? { passed: 0, failed: r.ok ? 0 : 1, skipped: 0 };
  if (!r.ok && c.failed === 0) c.failed = 1; // the runner failed without a failing test (setup error)
  passed += c.passed;
  failed += c.failed;
  skipped += c.skipped;
  console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.label}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
  for (const line of (r.failures ?? []).slice(0, 20)) console.log(`       ✗ ${line}`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
