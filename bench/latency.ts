/**
 * Warm launch latency and AWS round trips: the portal's API vs the reference-equivalent baseline,
 * same client, concurrency 1, requests interleaved (portal, baseline, portal, ...) so drift and
 * noise from the shared machine hit both flows alike.
 */
import type { control } from '../local/stack';
import { createKeepAliveAgent, timedGet, type TimedResponse } from './lib/http-client';
import { ratio, summarize, type LatencySummary } from './lib/stats';

type Control = ReturnType<typeof control>;

export const DEFAULT_LATENCY = { dynamodb: 5, sts: 30, sagemaker: 60, cognito: 0, studio: 0 };

/** By default the audit write runs after the response (Next.js after()): a call, but not on the user's path. */
const AFTER_RESPONSE_OPERATIONS = new Set(['dynamodb.PutItem', 'dynamodb.BatchWriteItem']);

export interface CallCounts {
  launches: number;
  /** AWS calls per launch by operation (cognito.* are the stand-in's JWKS/IdP requests, not AWS calls). */
  perLaunch: Record<string, number>;
  /** AWS calls per launch before the response (what the user waits for). */
  inPathPerLaunch: number;
  /** All AWS calls per launch, including work after the response (the audit write). */
  totalPerLaunch: number;
}

export interface FlowResult {
  latency: LatencySummary;
  failures: number;
  firstFailure?: string;
  /** Calls made by the very first launch after start (cold: JWKS, AssumeRole, LOB row). */
  coldCalls: Record<string, number>;
  warmCalls: CallCounts;
}

export interface LatencyResult {
  injectedLatencyMs: typeof DEFAULT_LATENCY;
  samplesPerFlow: number;
  warmupPerFlow: number;
  /** Our portal as a long-running server (default AUDIT_WRITE=after-response). */
  portal: FlowResult;
  /** Our portal as deployed to Lambda (AUDIT_WRITE=before-response: the audit write is on the path). */
  portalLambda?: FlowResult;
  baseline: FlowResult;
  ratioP50: number;
  ratioP95: number;
  lambdaRatioP50?: number;
  lambdaRatioP95?: number;
  targets: { ratioMax: number; awsCallsPerWarmLaunchMax: number };
  pass: { ratio: boolean; calls: boolean };
}

export interface LatencyOptions {
  portalUrl: string;
  /** A second portal with AUDIT_WRITE=before-response (the Lambda configuration), if measured. */
  portalLambdaUrl?: string;
  baselineUrl: string;
  control: Control;
  token: string;
  user: string;
  samples: number;
  warmup: number;
  countLaunches: number;
  latency?: Partial<typeof DEFAULT_LATENCY>;
  log: (message: string) => void;
}

const isAwsCall = (op: string) => !op.startsWith('cognito.') && !op.startsWith('studio.');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A launch succeeded when it redirected to a Studio host. */
function checkLaunch(res: TimedResponse): string | undefined {
  if (res.status !== 302) return `HTTP ${res.status} ${res.body.slice(0, 200)}`;
  if (!res.location || !/\.studio\./.test(new URL(res.location).hostname)) return '302 to something that is not a Studio URL';
  return undefined;
}

async function countCalls(opts: LatencyOptions, url: string, launches: number, auditBeforeResponse = false): Promise<CallCounts> {
  const agent = createKeepAliveAgent();
  await opts.control.resetCounters();
  for (let i = 0; i < launches; i++) {
    const res = await timedGet(url, { authorization: `Bearer ${opts.token}` }, agent);
    const problem = checkLaunch(res);
    if (problem) throw new Error(`launch failed while counting calls for ${url}: ${problem}`);
  }
  // Let after-response work (the audit write) land before reading the counters.
  await pause(500);
  const counters = await opts.control.getCounters();
  agent.destroy();
  const perLaunch: Record<string, number> = {};
  let inPath = 0;
  let total = 0;
  for (const [op, count] of Object.entries(counters)) {
    const per = Math.round((count / launches) * 100) / 100;
    perLaunch[op] = per;
    if (!isAwsCall(op)) continue;
    total += count;
    if (auditBeforeResponse || !AFTER_RESPONSE_OPERATIONS.has(op)) inPath += count;
  }
  return {
    launches,
    perLaunch,
    inPathPerLaunch: Math.round((inPath / launches) * 100) / 100,
    totalPerLaunch: Math.round((total / launches) * 100) / 100,
  };
}

async function coldCalls(opts: LatencyOptions, url: string): Promise<Record<string, number>> {
  await opts.control.resetCounters();
  const res = await timedGet(url, { authorization: `Bearer ${opts.token}` });
  const problem = checkLaunch(res);
  if (problem) throw new Error(`first launch against ${url} failed: ${problem}`);
  await pause(500);
  return opts.control.getCounters();
}

type Flow = 'portal' | 'portalLambda' | 'baseline';

export async function runLatency(opts: LatencyOptions): Promise<LatencyResult> {
  const injected = { ...DEFAULT_LATENCY, ...opts.latency };
  await opts.control.setLatency(injected);
  const urls: Partial<Record<Flow, string>> = {
    portal: `${opts.portalUrl}/api/studio/${opts.user}`,
    ...(opts.portalLambdaUrl ? { portalLambda: `${opts.portalLambdaUrl}/api/studio/${opts.user}` } : {}),
    baseline: `${opts.baselineUrl}/api/studio/${opts.user}`,
  };
  const flows = Object.keys(urls) as Flow[];
  const headers = { authorization: `Bearer ${opts.token}` };

  opts.log('latency: cold launch of each flow (call counts)');
  const cold: Partial<Record<Flow, Record<string, number>>> = {};
  for (const flow of flows) cold[flow] = await coldCalls(opts, urls[flow]!);

  opts.log(`latency: warm-up (${opts.warmup} launches per flow)`);
  const agents = Object.fromEntries(flows.map((f) => [f, createKeepAliveAgent()])) as Record<Flow, ReturnType<typeof createKeepAliveAgent>>;
  for (let i = 0; i < opts.warmup; i++) for (const flow of flows) await timedGet(urls[flow]!, headers, agents[flow]);

  opts.log(`latency: AWS calls per warm launch (${opts.countLaunches} launches per flow, counters reset between)`);
  const warm: Partial<Record<Flow, CallCounts>> = {};
  for (const flow of flows) warm[flow] = await countCalls(opts, urls[flow]!, opts.countLaunches, flow === 'portalLambda');

  opts.log(`latency: ${opts.samples} timed launches per flow, interleaved`);
  const times = Object.fromEntries(flows.map((f) => [f, [] as number[]])) as Record<Flow, number[]>;
  const failures = Object.fromEntries(flows.map((f) => [f, 0])) as Record<Flow, number>;
  const firstFailure: Partial<Record<Flow, string>> = {};
  for (let i = 0; i < opts.samples; i++) {
    // Rotate who goes first so no flow always follows another.
    const order = flows.map((_, k) => flows[(i + k) % flows.length]);
    for (const flow of order) {
      const res = await timedGet(urls[flow]!, headers, agents[flow]);
      const problem = checkLaunch(res);
      if (problem) {
        failures[flow] += 1;
        firstFailure[flow] ??= problem;
      } else times[flow].push(res.ms);
    }
  }
  for (const agent of Object.values(agents)) agent.destroy();

  const result = (flow: Flow): FlowResult => ({
    latency: summarize(times[flow]),
    failures: failures[flow],
    firstFailure: firstFailure[flow],
    coldCalls: cold[flow]!,
    warmCalls: warm[flow]!,
  });
  const portal = result('portal');
  const baseline = result('baseline');
  const portalLambda = urls.portalLambda ? result('portalLambda') : undefined;
  const ratioP50 = ratio(portal.latency.p50Ms, baseline.latency.p50Ms);
  const ratioP95 = ratio(portal.latency.p95Ms, baseline.latency.p95Ms);
  const targets = { ratioMax: 0.45, awsCallsPerWarmLaunchMax: 2 };
  return {
    injectedLatencyMs: injected,
    samplesPerFlow: opts.samples,
    warmupPerFlow: opts.warmup,
    portal,
    portalLambda,
    baseline,
    ratioP50,
    ratioP95,
    ...(portalLambda
      ? { lambdaRatioP50: ratio(portalLambda.latency.p50Ms, baseline.latency.p50Ms), lambdaRatioP95: ratio(portalLambda.latency.p95Ms, baseline.latency.p95Ms) }
      : {}),
    targets,
    pass: { ratio: ratioP50 <= targets.ratioMax && ratioP95 <= targets.ratioMax, calls: portal.warmCalls.inPathPerLaunch <= targets.awsCallsPerWarmLaunchMax },
  };
}
