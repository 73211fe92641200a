#!/usr/bin/env node
// `npm test`'s dependency gate: `npm audit --omit=dev` (runtime dependencies only), failing on any high or
// critical advisory that scripts/audit-allowlist.json does not excuse with a reason (docs/dependencies.md).
// When the advisory endpoint cannot answer (offline, or a registry mirror without the audit API), the gate
// says so and passes, unless NPM_AUDIT_REQUIRED=1 (set it where the registry serves the audit API: there no answer is not a clean answer; this project's CI registry answers the audit API with 405, so .ci/run does not set it).
// Plain Node, no dependencies: `node scripts/audit-deps.mjs [--report saved-npm-audit.json]`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BLOCKING = new Set(['high', 'critical']);

/** Advisory ids (GHSA-…) of a vulnerability entry, following `via` to the advisories themselves. */
function advisoriesOf(vulnerability) {
  return (vulnerability.via ?? [])
    .filter((v) => typeof v === 'object')
    .map((v) => ({
      id: /GHSA-[\w-]+/.exec(v.url ?? '')?.[0] ?? String(v.source),
      title: v.title,
      severity: v.severity,
      url: v.url,
    }));
}

/**
 * The verdict on an `npm audit --json` report: `unreachable` when npm could not get advisories, else every
 * high/critical advisory split into blocking and excused (by an allow-list entry with a reason that has not
 * expired), plus allow-list entries that are malformed or expired.
 */
export function judgeAudit(report, allowList, now = new Date()) {
  if (
    !report ||
    typeof report !== 'object' ||
    (!report.vulnerabilities && (report.error || report.message || report.statusCode))
  ) {
    return {
      unreachable: String(report?.message ?? report?.error?.summary ?? 'no report'),
      blocking: [],
      excused: [],
      badEntries: [],
    };
  }
  const badEntries = allowList.filter(
    (e) => !e.advisory || !e.reason || e.reason.trim().length < 10 || (e.until && Date.parse(e.until) < now.getTime()),
  );
  const valid = new Map(allowList.filter((e) => !badEntries.includes(e)).map((e) => [e.advisory, e]));
  const blocking = [];
  const excused = [];
  for (const [name, vulnerability] of Object.entries(report.vulnerabilities ?? {})) {
    for (const advisory of advisoriesOf(vulnerability)) {
      if (!BLOCKING.has(advisory.severity)) continue;
      const finding = { package: name, ...advisory };
      if (valid.has(advisory.id)) excused.push({ ...finding, reason: valid.get(advisory.id).reason });
      else blocking.push(finding);
    }
  }
  return { blocking, excused, badEntries };
}

function main() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const allowList = JSON.parse(readFileSync(path.join(root, 'scripts/audit-allowlist.json'), 'utf8')).advisories;
  const at = process.argv.indexOf('--report');
  let report;
  if (at > 0) report = JSON.parse(readFileSync(process.argv[at + 1], 'utf8'));
  else {
    const r = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    try {
      report = JSON.parse(r.stdout);
    } catch {
      report = { message: (r.stderr || r.error?.message || 'npm audit printed no JSON').trim().split('\n').pop() };
    }
  }
  const verdict = judgeAudit(report, allowList);
  if (verdict.unreachable) {
    console.log(`npm audit could not get advisories: ${verdict.unreachable}`);
    if (process.env.NPM_AUDIT_REQUIRED === '1') {
      console.log('NPM_AUDIT_REQUIRED=1: failing, since no answer is not a clean answer.');
      return 1;
    }
    console.log(
      'Not failing (set NPM_AUDIT_REQUIRED=1 where the registry serves the audit API, for example a CI whose registry serves it).',
    );
    return 0;
  }
  for (const e of verdict.excused) console.log(`excused ${e.severity} ${e.id} in ${e.package}: ${e.reason}`);
  for (const e of verdict.badEntries)
    console.log(`allow-list entry ${e.advisory ?? '(no advisory)'} has no reason (10+ characters) or has expired`);
  for (const b of verdict.blocking)
    console.log(`BLOCKING ${b.severity} ${b.id} in ${b.package}: ${b.title} (${b.url})`);
  const ok = verdict.blocking.length === 0 && verdict.badEntries.length === 0;
  console.log(
    ok
      ? 'No high or critical advisory in runtime dependencies (beyond the excused ones above).'
      : 'Dependency audit failed.',
  );
  return ok ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) process.exit(main());
