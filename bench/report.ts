/** Plain-text tables for the bench results (the JSON in bench/results/ has every number). */
import type { LatencyResult } from './latency';
import type { ThroughputResult, ThroughputRun } from './throughput';
import type { StartupResult } from './startup';
import type { SoakResult } from './soak';
import type { ProfileSummary } from './lib/cpu-profile';
import type { AdminBenchResult } from './admin-bench';
import type { SessionCacheResult } from './session-cache';

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '))
    .join('\n');
}

const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

function byOperation(perLaunch: Record<string, number>): string {
  return Object.entries(perLaunch)
    .filter(([op]) => !op.startsWith('cognito.') && !op.startsWith('studio.'))
    .map(([op, n]) => `${op.replace(/^(dynamodb|sts|sagemaker)\./, '')} ${n}`)
    .join(', ');
}

export function formatLatency(r: LatencyResult): string {
  const inj = r.injectedLatencyMs;
  const flows: Array<[string, LatencyResult['portal'] | undefined]> = [
    ['portal (ours, long-running server)', r.portal],
    ['portal (ours, AUDIT_WRITE=before-response as on Lambda)', r.portalLambda],
    ['baseline (reference solution flow)', r.baseline],
  ];
  const ratioTo = (ms: number) => String(Math.round((ms / r.baseline.latency.p50Ms) * 1000) / 1000);
  const rows = [
    [
      'returning user, warm launch',
      'p50 ms',
      'p95 ms',
      'mean ms',
      'p50 ratio',
      'AWS calls before response',
      'in a row (median, max)',
      'all AWS calls',
      'by operation (per launch)',
    ],
    ...flows
      .filter((f): f is [string, LatencyResult['portal']] => f[1] !== undefined)
      .map(([name, f]) => [
        name,
        String(f.latency.p50Ms),
        String(f.latency.p95Ms),
        String(f.latency.meanMs),
        ratioTo(f.latency.p50Ms),
        String(f.warmCalls.inPathPerLaunch),
        `${f.warmCalls.sequentialBeforeResponse}, ${f.warmCalls.sequentialMax}`,
        String(f.warmCalls.totalPerLaunch),
        byOperation(f.warmCalls.perLaunch),
      ]),
  ];
  const first = r.firstLaunch;
  const firstRows = first
    ? [
        [
          'first launch of a user (AssumeRole included)',
          'p50 ms',
          'p95 ms',
          'p50 ratio',
          'AWS calls in a row (max)',
          'failures',
        ],
        ...(
          [
            ['portal (long-running server)', first.portal],
            ['portal (Lambda configuration)', first.portalLambda],
            ['baseline (reference solution flow)', first.baseline],
          ] as Array<[string, typeof first.portal | undefined]>
        )
          .filter((row): row is [string, typeof first.portal] => row[1] !== undefined)
          .map(([name, f]) => [
            name,
            String(f.latency.p50Ms),
            String(f.latency.p95Ms),
            String(Math.round((f.latency.p50Ms / first.baseline.latency.p50Ms) * 1000) / 1000),
            String(f.sequentialBeforeResponse),
            String(f.failures),
          ]),
      ]
    : undefined;
  return [
    `Launch latency: GET /api/studio/{user}, concurrency 1, ${r.samplesPerFlow} warm launches per flow after ${r.warmupPerFlow} warm-up, interleaved.`,
    `Injected per call: DynamoDB ${inj.dynamodb} ms, STS ${inj.sts} ms, SageMaker ${inj.sagemaker} ms.`,
    table(rows),
    ...(firstRows
      ? ['', `${first!.users} fresh users, each launched once per flow (interleaved):`, table(firstRows)]
      : []),
    '',
    `ratio portal/baseline: p50 ${r.ratioP50}, p95 ${r.ratioP95} (target <= ${r.targets.ratioMax}): ${verdict(r.pass.ratio)}`,
    ...(r.lambdaRatioP50 !== undefined
      ? [
          `Lambda configuration: p50 ratio ${r.lambdaRatioP50} (p95 ${r.lambdaRatioP95}), ${Math.round(Math.abs(r.lambdaRatioP50 - r.ratioP50) * 1000) / 1000} from the long-running server's (target <= ${r.targets.ratioMax}, gap <= ${r.targets.lambdaRatioGapMax}): ${verdict(r.pass.lambda)}`,
        ]
      : []),
    `returning user: AWS calls one after another before the response (median launch), every configuration: ${[
      r.portal,
      r.portalLambda,
    ]
      .filter(Boolean)
      .map((f) => f!.warmCalls.sequentialBeforeResponse)
      .join(' / ')} (target <= ${r.targets.awsCallsPerWarmLaunchMax}): ${verdict(r.pass.calls)}`,
    `cold first launch, portal: ${byOperation(r.portal.coldCalls)}${r.portal.coldCalls['cognito.jwks'] ? `, JWKS fetch ${r.portal.coldCalls['cognito.jwks']}` : ''}`,
    ...flows
      .filter(([, f]) => f && f.failures)
      .map(([name, f]) => `failures, ${name}: ${f!.failures} (${f!.firstFailure ?? ''})`),
  ].join('\n');
}

export function formatSessions(r: SessionCacheResult): string {
  return [
    `Generator-session cache (lib/aws/generator-sessions.ts, lru-cache, bound ${r.maxSessions} sessions): ${r.users} users' sessions opened through the STS stand-in.`,
    table([
      [
        'sessions held',
        'heap growth MB',
        'bytes per session',
        'AssumeRole calls',
        'warm re-read, STS calls',
        'fill time s',
      ],
      [
        String(r.held),
        String(r.heapMb),
        String(r.bytesPerSession),
        String(r.assumeRoleCalls),
        String(r.warmStsCalls),
        String(r.fillSeconds),
      ],
    ]),
  ].join('\n');
}

export function formatThroughput(r: ThroughputResult): string {
  const row = (label: string, run: ThroughputRun) => [
    label,
    String(run.launchesPerSecond),
    String(run.latencyMs.p50),
    String(run.latencyMs.p99),
    String(run.latencyMs.max),
    String(run.errors),
    String(run.cpu.coresUsed.portal),
    String(run.cpu.coresUsed.standIns),
    String(run.cpu.coresUsed.loadGenerator),
    String(run.cpu.coresUsed.others),
  ];
  const rows = [
    [
      'connections',
      'launches/s',
      'p50 ms',
      'p99 ms',
      'max ms',
      'errors',
      'portal cores',
      'stand-ins cores',
      'loadgen cores',
      'other procs cores',
    ],
    ...r.runs.map((run) => row(String(run.connections), run)),
    row(`${r.healthFloor.connections}, /api/health`, r.healthFloor),
    ...(r.scaleOut ? [row(`${r.scaleOut.connections}, ${r.scaleOut.portals} portals`, r.scaleOut)] : []),
  ];
  return [
    'Throughput: autocannon, warm launches through the API, production build, stand-ins at 0 ms injected latency.',
    table(rows),
    `best: ${r.best.launchesPerSecond} launches/s at p99 ${r.best.latencyMs.p99} ms with ${r.best.errors} errors ` +
      `(${r.best.connections} connections; target >= ${r.targets.launchesPerSecond}/s, p99 <= ${r.targets.p99Ms} ms): ${verdict(r.pass)}`,
    ...r.analysis,
  ].join('\n');
}

export function formatStartup(r: StartupResult): string {
  const rows = [
    ['server', 'listening ms', 'first launch ms'],
    ...r.samples.map((s) => [s.mode, String(s.listeningMs), String(s.firstLaunchMs)]),
  ];
  const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
  return [
    'Start-up: spawn -> first 302 of GET /api/studio/{user}.',
    table(rows),
    `median first launch: next start ${r.medianFirstLaunchMs['next start']} ms, standalone ${r.medianFirstLaunchMs['standalone server.js']} ms ` +
      `(target <= ${r.target.firstLaunchMs} ms, standalone): ${verdict(r.pass)}`,
    `server bundle (standalone + static, unzipped): ${mib(r.bundle.totalBytes)} in ${r.bundle.files} files ` +
      `(node_modules ${mib(r.bundle.nodeModulesBytes)}, static ${mib(r.bundle.staticBytes)}); Lambda's unzipped limit is 250 MiB.`,
  ].join('\n');
}

export function formatSoak(r: SoakResult): string {
  return [
    `Soak: ${r.rate} launches/s for ${r.seconds} s.`,
    `launches ${r.run.launches} (${r.run.launchesPerSecond}/s), p99 ${r.run.latencyMs.p99} ms, errors ${r.run.errors}`,
    `portal RSS ${r.rssMiB.start} MiB -> ${r.rssMiB.end} MiB (max ${r.rssMiB.max}), growth ${r.rssGrowthPercent} % (target < ${r.targets.rssGrowthPercentMax} %, no errors): ${verdict(r.pass)}`,
  ].join('\n');
}

export function formatProfile(p: ProfileSummary, file: string): string {
  const busy = p.totalMs - p.idleMs;
  return [
    `Portal CPU profile (${file}; open it in Chrome DevTools): ${(busy / 1000).toFixed(1)} s busy of ${(p.totalMs / 1000).toFixed(1)} s.`,
    table([['self time by package', 'ms', '%'], ...p.byPackage.map((r) => [r.name, String(r.ms), String(r.percent)])]),
    table([
      ['top functions (self time)', 'ms', '%'],
      ...p.byFunction.slice(0, 10).map((r) => [r.name.slice(0, 80), String(r.ms), String(r.percent)]),
    ]),
  ].join('\n');
}

export function formatAdmin(r: AdminBenchResult): string {
  const lines = [
    `Admin console (bench/admin-bench.ts), ${r.users.toLocaleString('en')} users (seeded in ${r.seedSeconds} s):`,
    `users list: p50 ${r.usersList.p50Ms} ms, p95 ${r.usersList.p95Ms} ms over ${r.usersList.samples} searches (target p50 <= ${r.usersList.targetP50Ms} ms): ${verdict(r.usersList.pass)}`,
  ];
  if (r.usersPageHttp) {
    lines.push(
      `users page over HTTP: p50 ${r.usersPageHttp.p50Ms} ms, p95 ${r.usersPageHttp.p95Ms} ms (target p50 <= ${r.usersPageHttp.targetP50Ms} ms): ${verdict(r.usersPageHttp.pass)}`,
    );
  }
  lines.push(
    `CSV import: ${r.import.rows.toLocaleString('en')} rows in ${r.import.seconds} s, ${r.import.applied} applied, ${r.import.rejected} rejected (target <= ${r.import.targetSeconds} s): ${verdict(r.import.pass)}`,
  );
  return lines.join('\n');
}
